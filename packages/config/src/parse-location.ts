import {
  type LocationEntry,
  LocationProblemError,
  locationError,
  toConfigError,
} from './location-error.js';
import { type ParsedUrl, parseUrl } from './parse-url.js';
import { splitLocationString } from './split-location.js';
import type { Driver, ParsedLocation, ParseLocationOptions } from './types.js';

const DRIVERS: readonly Driver[] = ['ioredis', 'iovalkey'];

function toEntries(location: unknown): string[] {
  if (typeof location === 'string') {
    if (location.trim() === '') throw locationError('empty', 'the location is empty');
    return splitLocationString(location);
  }
  if (Array.isArray(location)) {
    if (location.length === 0) throw locationError('empty', 'the location list is empty');
    return location.map((url: unknown, index) => {
      if (typeof url !== 'string') {
        throw locationError(
          'not-a-string',
          `entry ${index + 1} of the location list is not a string`,
        );
      }
      return url.trim();
    });
  }
  const got = location === undefined || location === null ? String(location) : typeof location;
  throw locationError(
    'not-a-string',
    `the location must be a URL string or an array of URL strings, got ${got}`,
  );
}

function parseEntry(url: string, entry: LocationEntry): ParsedUrl {
  try {
    return parseUrl(url);
  } catch (err) {
    if (err instanceof LocationProblemError) throw toConfigError(err, url, entry);
    throw err;
  }
}

/**
 * Parses a cache location: one URL, a `,`/`;`-separated string of URLs, or an array of URLs.
 * The first URL is the primary, the others are read replicas.
 *
 * - Schemes: `redis://`, `rediss://` (TLS), `valkey://`, `valkeys://` (TLS), `unix://`,
 *   `redis+unix://`, `valkey+unix://`, in any case.
 * - `user:password@` is percent-decoded; the user name is optional (`redis://:pw@host`).
 * - The database comes from `?db=N`, else from the path `/N` (TCP only), else stays
 *   `undefined`. For unix sockets the path is the socket path.
 * - The driver: `options.driver` if given, else the primary's scheme (`valkey*` → iovalkey;
 *   `redis*` and `unix` → ioredis). Replicas may use other schemes; they do not change it.
 * - Query parameters are typed and renamed (see {@link EndpointOptions}); unknown ones are kept
 *   as strings.
 *
 * Every problem throws a `ConfigError` (`code: 'E_CONFIG'`, `context.field: 'location'`,
 * `context.reason` a {@link LocationProblem}) whose message names the problem and echoes the
 * URL with its password replaced by `***`. The result is frozen and never prints a password.
 *
 * @example
 * ```ts
 * const { driver, primary, replicas } = parseLocation(
 *   'valkey://:s3cret@10.0.0.5:6379/1, valkey://:s3cret@10.0.0.6:6379/1',
 * );
 * driver;            // 'iovalkey'
 * primary.db;        // 1
 * primary.password;  // 's3cret' (but `${primary}` is 'valkey://:***@10.0.0.5:6379/1')
 * replicas.length;   // 1
 * ```
 */
export function parseLocation(
  location: string | readonly string[],
  options: ParseLocationOptions = {},
): ParsedLocation {
  const forced = options.driver;
  if (forced !== undefined && !DRIVERS.includes(forced)) {
    throw locationError(
      'invalid-driver',
      `"${String(forced)}" is not a driver (expected ${DRIVERS.join(' or ')})`,
      'driver',
    );
  }
  const urls = toEntries(location);
  const parsed = urls.map((url, index) => parseEntry(url, { index, count: urls.length }));
  const [primary, ...replicas] = parsed;
  if (primary === undefined) throw locationError('empty', 'the location is empty');
  return Object.freeze({
    driver: forced ?? primary.driver,
    primary: primary.endpoint,
    replicas: Object.freeze(replicas.map((r) => r.endpoint)),
  });
}
