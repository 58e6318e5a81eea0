import {
  type CachexError,
  ClosedError,
  ConnectionError,
  type ErrorContext,
  isCachexError,
  redactCredentials,
} from '@cachex/core';
import { toCachexError } from '@cachex/core/internal';
import { type ConnectionTarget, locateError } from './connection-target.js';

// What ioredis and iovalkey say, in their own words, when a connection is lost or cannot be
// made (these carry no Node error code). Server replies and Node's codes are core's to classify.
const CONNECTION_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request limit',
  'None of startup nodes is available',
  'Failed to refresh slots cache',
  'All sentinels are unreachable',
];

/**
 * A driver error as a cachex error, a new object for each call or slot (errors are never shared
 * between them), with credentials redacted from its cause. `closed`: the transport was closed,
 * so a connection error (the connection was cut by `close()`) becomes a `ClosedError`.
 * `command` defaults to the one a reply error names. `target`: where the client connects; a
 * connection error then names it, and the socket error behind it (see `locateError`).
 */
export function translateDriverError(
  error: unknown,
  closed: boolean,
  command?: string,
  target?: ConnectionTarget,
): CachexError {
  const name = command ?? (error as { command?: { name?: unknown } })?.command?.name;
  const context: ErrorContext = typeof name === 'string' ? { command: name.toUpperCase() } : {};
  const cachex =
    !isCachexError(error) &&
    error instanceof Error &&
    CONNECTION_MESSAGES.some((m) => error.message.includes(m))
      ? new ConnectionError(error.message, { cause: redactCredentials(error), context })
      : toCachexError(error, context);
  if (closed && cachex.code === 'E_CONNECTION') {
    return new ClosedError('The transport was closed before the command completed', {
      cause: cachex,
      context,
    });
  }
  return target === undefined ? cachex : locateError(cachex, target);
}
