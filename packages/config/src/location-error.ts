import { ConfigError } from '@cachex/core';
import { REDACTED_MARK, redactUrl } from './redact.js';

/**
 * Why a location was rejected; stable, found in `err.context.reason` of the `ConfigError`.
 * Branch on this (or on `err.code === 'E_CONFIG'`), never on the message.
 */
export type LocationProblem =
  | 'empty'
  | 'not-a-string'
  | 'unparseable'
  | 'unknown-scheme'
  | 'fragment'
  | 'credentials-encoding'
  | 'missing-host'
  | 'invalid-host'
  | 'invalid-port'
  | 'invalid-db'
  | 'unix-path'
  | 'invalid-param'
  | 'duplicate-param'
  | 'tls-param-without-tls'
  | 'invalid-driver';

/** Where in the location the offending URL sits (absent for a single URL). */
export interface LocationEntry {
  /** 0-based index in the list. */
  readonly index: number;
  /** How many URLs the list holds. */
  readonly count: number;
}

/** A parse failure inside one URL; {@link toConfigError} adds where it happened. */
export class LocationProblemError extends Error {
  constructor(
    readonly reason: LocationProblem,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

/** Describes an entry of a list: `entry 2 of 3, a replica`. */
function describeEntry(entry: LocationEntry | undefined): string {
  if (entry === undefined || entry.count <= 1) return '';
  const role = entry.index === 0 ? 'the primary' : 'a replica';
  return ` (entry ${entry.index + 1} of ${entry.count}, ${role})`;
}

// A parameter name of letters and `_` (`db`, `socket_timeout`) is shown as it is.
const PLAIN_NAME = /^[A-Za-z_]+$/;

/** `text` itself when the redacted URL shows it or it is a plain name, else `***`. */
function hideUnshown(text: string, url: string, shown: string): string {
  return url === shown || PLAIN_NAME.test(text) || shown.includes(text) ? text : REDACTED_MARK;
}

/**
 * The problem's message, safe to show. It may quote a piece of the URL (`the port "abc"`); when
 * the URL hides something (a password), a quoted piece or parameter name that the redacted URL
 * does not show could hold part of it (`redis://h?db=1,redis::pw@h2`, a list with a typo, reads
 * `db` as `1,redis::pw@h2`), so it is hidden too.
 */
function scrubDetail(problem: LocationProblemError, url: string, shown: string): string {
  if (url === shown) return problem.message;
  let detail = problem.message.replace(/"([^"]*)"/g, (whole, inner: string) =>
    shown.includes(inner) ? whole : `"${REDACTED_MARK}"`,
  );
  const { param } = problem;
  if (param !== undefined && hideUnshown(param, url, shown) !== param) {
    detail = detail.split(param).join(REDACTED_MARK);
  }
  return detail;
}

/**
 * Builds the `ConfigError` for a bad URL. The URL is echoed only in its redacted form, and no
 * cause is attached (a cause could carry the raw text).
 */
export function toConfigError(
  problem: LocationProblemError,
  url: string,
  entry?: LocationEntry,
): ConfigError {
  const shown = redactUrl(url);
  const param = problem.param === undefined ? undefined : hideUnshown(problem.param, url, shown);
  return new ConfigError(
    `Invalid cache location "${shown}"${describeEntry(entry)}: ${scrubDetail(problem, url, shown)}`,
    {
      context: {
        field: 'location',
        reason: problem.reason,
        url: shown,
        ...(param === undefined ? {} : { param }),
        ...(entry === undefined ? {} : { entry: entry.index }),
      },
    },
  );
}

/** A `ConfigError` about the location as a whole (no URL to echo). */
export function locationError(
  reason: LocationProblem,
  message: string,
  field = 'location',
): ConfigError {
  return new ConfigError(`Invalid cache ${field}: ${message}`, { context: { field, reason } });
}
