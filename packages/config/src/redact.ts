import { splitKeepingSeparators } from './split-location.js';

/** What a password is replaced with in URLs and display strings. */
export const REDACTED_MARK = '***';

/** What a password is replaced with in `util.inspect` and `JSON.stringify` output. */
export const REDACTED_VALUE = '[redacted]';

const SCHEME_PREFIX = /^\s*[A-Za-z][A-Za-z0-9+.-]*:\/\//;
// `password=`/`pass=` query parameters (the value runs to the next `&`, `#` or the end).
const PASSWORD_PARAM = /([?&](?:password|pass)=)[^&#]*/gi;

/**
 * Returns a URL (or a `,`/`;`-separated list of URLs) with every password replaced by `***`,
 * safe to log or put in an error message: `redis://user:s3cret@host:6379/0` →
 * `redis://user:***@host:6379/0`.
 *
 * It works on malformed input too. Everything up to the **last** `@` is taken as the user
 * info, so a password with a raw `@`, `/`, `?` or `#` is still hidden; `?password=` and `?pass=`
 * values are hidden as well. A user name is kept (it is not a secret) unless the string has
 * no scheme, in which case all of the user info is hidden.
 *
 * @example
 * ```ts
 * redactUrl('rediss://:p@ss@cache.internal:6380/1'); // 'rediss://:***@cache.internal:6380/1'
 * ```
 */
export function redactUrl(url: string): string {
  return splitKeepingSeparators(url)
    .map((part, i) => (i % 2 === 0 ? redactOne(part) : part))
    .join('');
}

function redactOne(url: string): string {
  const prefix = SCHEME_PREFIX.exec(url)?.[0] ?? '';
  const rest = url.slice(prefix.length);
  const at = rest.lastIndexOf('@');
  let redacted = rest;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    const kept =
      prefix === ''
        ? REDACTED_MARK
        : colon >= 0
          ? `${userinfo.slice(0, colon)}:${REDACTED_MARK}`
          : userinfo;
    redacted = `${kept}${rest.slice(at)}`;
  }
  return prefix + redacted.replace(PASSWORD_PARAM, `$1${REDACTED_MARK}`);
}
