import {
  CachexError,
  CommandError,
  ConnectionError,
  CrossSlotError,
  type ErrorContext,
  isCachexError,
  KeyNotFoundError,
  NoScriptError,
  NotIntegerError,
  TimeoutError,
  WrongTypeError,
} from './errors.js';
import { redactCredentials } from './redact.js';

// Server replies are errors whose message starts with the Redis error prefix (ioredis and
// iovalkey name them `ReplyError`); network failures carry a Node `code`. Classifying here,
// once, keeps every transport identical. A driver's own messages for a lost connection are the
// driver layer's to recognise (transport-standalone's `translateDriverError`).
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOENT', // unix socket path missing
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Turns an error from a driver (or anything else) into a {@link CachexError}, keeping the
 * original as `cause`. Cachex errors pass through unchanged, unless they hold credentials.
 *
 * Credentials never come along: a driver error whose command carries a password (the `AUTH` or
 * `HELLO … AUTH` of a failed handshake), directly or through a nested error, is kept as a
 * redacted copy (see {@link redactCredentials}); a cachex error holding one is copied the same
 * way. The original objects are never modified.
 */
export function toCachexError(error: unknown, context: ErrorContext = {}): CachexError {
  if (isCachexError(error)) return redactCredentials(error);
  const err = error instanceof Error ? error : new Error(String(error));
  const message = err.message;
  const options = { cause: redactCredentials(err), context };
  const code = (err as { code?: unknown }).code;

  if (
    err.name === 'ReplyError' ||
    (/^[A-Z][A-Z_-]+ /.test(message) && !message.startsWith('ERR_'))
  ) {
    if (message.startsWith('WRONGTYPE')) return new WrongTypeError(message, options);
    if (message.startsWith('CROSSSLOT')) return new CrossSlotError(message, options);
    if (message.startsWith('NOSCRIPT')) return new NoScriptError(message, options);
    if (message.startsWith('ERR no such key')) {
      return new KeyNotFoundError(
        context.key === undefined
          ? 'Key not found'
          : `Key ${JSON.stringify(context.key)} not found`,
        options,
      );
    }
    if (/not an integer|not a valid float|increment or decrement would overflow/.test(message)) {
      return new NotIntegerError(message, options);
    }
    if (message.startsWith('NOAUTH') || message.startsWith('WRONGPASS')) {
      return new ConnectionError(`Authentication failed: ${message}`, options);
    }
    if (
      message.startsWith('LOADING') ||
      message.startsWith('MASTERDOWN') ||
      message.startsWith('CLUSTERDOWN')
    ) {
      return new ConnectionError(message, options);
    }
    if (err.name === 'ReplyError') return new CommandError(message, options);
  }
  if (/timed? ?out/i.test(message) || code === 'ETIMEDOUT') {
    return new TimeoutError(message, options);
  }
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
    return new ConnectionError(message, options);
  }
  return new CachexError('E_COMMAND', message, options);
}
