import { createEndpoint } from './endpoint.js';
import { LocationProblemError } from './location-error.js';
import { parseHostPort, parseUserinfo } from './parse-authority.js';
import { percentDecode } from './percent-decode.js';
import { parseDb, parseQuery } from './query-options.js';
import { ACCEPTED_SCHEMES, lookupScheme, type SchemeInfo } from './schemes.js';
import type { Driver, Endpoint } from './types.js';

const URL_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;
const SCHEME_ONLY = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** One parsed URL, and the driver its scheme asks for. */
export interface ParsedUrl {
  readonly endpoint: Endpoint;
  readonly driver: Driver;
}

function splitScheme(url: string): { info: SchemeInfo; rest: string } {
  const match = URL_SHAPE.exec(url);
  if (match === null) {
    const scheme = SCHEME_ONLY.exec(url)?.[1]?.toLowerCase();
    const hint = scheme?.endsWith('unix')
      ? 'write unix:///absolute/path/to/socket'
      : 'expected scheme://[user:password@]host[:port][/db], e.g. redis://127.0.0.1:6379/0';
    throw new LocationProblemError('unparseable', `not a URL: ${hint}`);
  }
  const [, scheme = '', rest = ''] = match;
  const info = lookupScheme(scheme);
  if (info === undefined) {
    throw new LocationProblemError(
      'unknown-scheme',
      `unknown scheme "${scheme}://" (accepted: ${ACCEPTED_SCHEMES.join(', ')}; case does not matter)`,
    );
  }
  return { info, rest };
}

/**
 * An `@` past the host means the password holds a raw `/` or `?` that ended the host part early.
 * Checked before anything else is parsed, so that no later message quotes a piece of password.
 */
function rejectStrayAt(pathPart: string, query: string): void {
  if (pathPart.includes('@')) {
    throw new LocationProblemError(
      'credentials-encoding',
      "'@' found after the host: if the password contains '/', percent-encode it as %2F",
    );
  }
  const names = query.split('&').map((segment) => segment.split('=', 1)[0] ?? '');
  if (names.some((name) => name.includes('@'))) {
    throw new LocationProblemError(
      'credentials-encoding',
      "'@' found in a query parameter name: if the password contains '?', percent-encode it as %3F",
    );
  }
}

function unixPath(hostport: string, pathPart: string): string {
  if (hostport !== '') {
    throw new LocationProblemError(
      'unix-path',
      `a unix socket URL takes no host ("${hostport}" was read as one): write unix:///absolute/path/to/socket (three slashes)`,
    );
  }
  if (pathPart === '' || pathPart === '/') {
    throw new LocationProblemError(
      'unix-path',
      'the unix socket URL has no socket path: write unix:///path/to/redis.sock',
    );
  }
  const path = percentDecode(pathPart);
  if (path === undefined) {
    throw new LocationProblemError(
      'unix-path',
      'the unix socket path is not valid percent-encoding',
    );
  }
  return path;
}

function pathDb(pathPart: string): number | undefined {
  if (pathPart === '' || pathPart === '/') return undefined;
  const text = pathPart.slice(1).replace(/\/$/, '');
  return parseDb(percentDecode(text) ?? text, 'path');
}

/**
 * Parses one URL (already trimmed) into an endpoint. Throws {@link LocationProblemError}, which
 * the caller turns into a `ConfigError` naming the redacted URL.
 */
export function parseUrl(url: string): ParsedUrl {
  if (url === '') throw new LocationProblemError('empty', 'the URL is empty');
  const { info, rest } = splitScheme(url);
  if (rest.includes('#')) {
    throw new LocationProblemError(
      'fragment',
      "'#' is not allowed (if it is part of the password, percent-encode it as %23)",
    );
  }
  const authorityEnd = rest.search(/[/?]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
  const queryStart = tail.indexOf('?');
  const pathPart = queryStart < 0 ? tail : tail.slice(0, queryStart);
  const query = queryStart < 0 ? '' : tail.slice(queryStart + 1);
  rejectStrayAt(pathPart, query);

  const at = authority.lastIndexOf('@');
  const credentials = at < 0 ? {} : parseUserinfo(authority.slice(0, at));
  const hostport = authority.slice(at + 1);
  const where = info.unix ? { path: unixPath(hostport, pathPart) } : parseHostPort(hostport);
  const db = info.unix ? undefined : pathDb(pathPart);
  const fromQuery = parseQuery(query, info.tls);

  const endpoint = createEndpoint({
    scheme: info.scheme,
    tls: info.tls,
    ...where,
    // `?db=` wins over the path; userinfo wins over `?username=`/`?password=` (as redis-py).
    db: fromQuery.db ?? db,
    username: credentials.username ?? fromQuery.username,
    password: credentials.password ?? fromQuery.password,
    options: fromQuery.options,
  });
  return { endpoint, driver: info.driver };
}
