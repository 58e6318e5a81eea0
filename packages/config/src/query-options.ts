import { LocationProblemError } from './location-error.js';
import { percentDecode } from './percent-decode.js';
import type { EndpointOptions, SslCertReqs } from './types.js';

type Kind = 'seconds' | 'positiveInteger' | 'boolean' | 'certReqs' | 'path';

interface KnownParam {
  /** The camelCase key in {@link EndpointOptions}; also accepted as a URL parameter name. */
  readonly key: string;
  /** The other accepted names: the redis-py snake_case one first. */
  readonly aliases: readonly string[];
  readonly kind: Kind;
  /** Only meaningful on a TLS connection (`rediss://`, `valkeys://`). */
  readonly tlsOnly?: boolean;
}

// `connectTimeout` is the ioredis name of redis-py's `socket_connect_timeout`.
const PARAMS: readonly KnownParam[] = [
  { key: 'socketTimeout', aliases: ['socket_timeout'], kind: 'seconds' },
  {
    key: 'connectTimeout',
    aliases: ['socket_connect_timeout', 'socketConnectTimeout'],
    kind: 'seconds',
  },
  { key: 'maxConnections', aliases: ['max_connections'], kind: 'positiveInteger' },
  { key: 'healthCheckInterval', aliases: ['health_check_interval'], kind: 'seconds' },
  { key: 'sslCheckHostname', aliases: ['ssl_check_hostname'], kind: 'boolean', tlsOnly: true },
  { key: 'socketKeepalive', aliases: ['socket_keepalive'], kind: 'boolean' },
  { key: 'retryOnTimeout', aliases: ['retry_on_timeout'], kind: 'boolean' },
  { key: 'sslCertReqs', aliases: ['ssl_cert_reqs'], kind: 'certReqs', tlsOnly: true },
  { key: 'sslCaCerts', aliases: ['ssl_ca_certs'], kind: 'path', tlsOnly: true },
  { key: 'sslCertfile', aliases: ['ssl_certfile'], kind: 'path', tlsOnly: true },
  { key: 'sslKeyfile', aliases: ['ssl_keyfile'], kind: 'path', tlsOnly: true },
];

/** URL parameter name → typed option. */
const KNOWN_PARAMS: ReadonlyMap<string, KnownParam> = new Map(
  PARAMS.flatMap((param) => [param.key, ...param.aliases].map((name) => [name, param] as const)),
);

// Credentials may also come from the query (handy for unix sockets); `pass`/`user` are the
// names the Rust redis crate uses for `redis+unix://`.
const CREDENTIAL_PARAMS: ReadonlyMap<string, 'password' | 'username'> = new Map([
  ['password', 'password'],
  ['pass', 'password'],
  ['username', 'username'],
  ['user', 'username'],
]);

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', 'off']);
const CERT_REQS: ReadonlySet<string> = new Set<SslCertReqs>(['none', 'optional', 'required']);
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const DIGITS = /^\d+$/;

/** What the query string of one URL yields. */
export interface QueryResult {
  /** `?db=N`, when given. */
  readonly db?: number;
  readonly username?: string;
  readonly password?: string;
  readonly options: EndpointOptions;
}

/** Parses a database number (`/N` or `?db=N`): digits only, a safe integer. */
export function parseDb(text: string, source: 'path' | 'query'): number {
  const where = source === 'path' ? 'in the path (/N)' : 'in ?db=';
  if (!DIGITS.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new LocationProblemError(
      'invalid-db',
      `the database ${where} must be a non-negative integer, got "${text}"`,
      source === 'query' ? 'db' : undefined,
    );
  }
  return Number(text);
}

function convert(name: string, value: string, kind: Kind): string | number | boolean {
  const bad = (expected: string): LocationProblemError =>
    new LocationProblemError(
      'invalid-param',
      `query parameter ${name}=${JSON.stringify(value)} is not ${expected}`,
      name,
    );
  switch (kind) {
    case 'seconds':
      if (!DECIMAL.test(value)) throw bad('a non-negative number of seconds');
      return Number(value);
    case 'positiveInteger':
      if (!DIGITS.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
        throw bad('a positive integer');
      }
      return Number(value);
    case 'boolean': {
      const word = value.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      throw bad('a boolean (1/0, true/false, yes/no, y/n, on/off)');
    }
    case 'certReqs': {
      const word = value.toLowerCase();
      if (!CERT_REQS.has(word)) throw bad('one of none, optional, required');
      return word;
    }
    case 'path':
      if (value === '') throw bad('a file path');
      return value;
  }
}

/**
 * Parses the query string of one URL (without the `?`): `db`, credentials, typed known
 * parameters, and unknown ones as strings. A parameter given twice (under any of its names) is
 * an error, as are TLS parameters on a connection without TLS.
 */
export function parseQuery(query: string, tls: boolean): QueryResult {
  const options = new Map<string, string | number | boolean>();
  const seen = new Map<string, string>(); // canonical key → the name used in the URL
  let db: number | undefined;
  let username: string | undefined;
  let password: string | undefined;

  for (const segment of query.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const name = percentDecode(eq < 0 ? segment : segment.slice(0, eq));
    if (name === undefined || name === '') {
      throw new LocationProblemError(
        'invalid-param',
        'a query parameter has an empty or malformed name',
      );
    }
    // Any case, so that `?PASSWORD=` never lands in the printable options.
    const credential = CREDENTIAL_PARAMS.get(name.toLowerCase());
    const param = KNOWN_PARAMS.get(name);
    const key = credential ?? param?.key ?? name;
    const previous = seen.get(key);
    if (previous !== undefined) {
      const also = previous === name ? '' : ` (also given as ${previous})`;
      throw new LocationProblemError(
        'duplicate-param',
        `query parameter ${name} is given more than once${also}`,
        name,
      );
    }
    seen.set(key, name);

    const value = percentDecode(eq < 0 ? '' : segment.slice(eq + 1));
    if (credential !== undefined) {
      // Never echo a credential value, not even a malformed one.
      if (value === undefined) {
        throw new LocationProblemError(
          'credentials-encoding',
          `the ${name} query parameter is not valid percent-encoding: percent-encode '%' as %25`,
          name,
        );
      }
      if (credential === 'password') password = value === '' ? undefined : value;
      else username = value === '' ? undefined : value;
      continue;
    }
    if (value === undefined) {
      throw new LocationProblemError(
        'invalid-param',
        `query parameter ${name} is not valid percent-encoding`,
        name,
      );
    }
    if (name === 'db') {
      db = parseDb(value, 'query');
      continue;
    }
    if (param === undefined) {
      options.set(name, value);
      continue;
    }
    if (param.tlsOnly === true && !tls) {
      throw new LocationProblemError(
        'tls-param-without-tls',
        `query parameter ${name} needs a TLS connection: use rediss:// or valkeys://`,
        name,
      );
    }
    options.set(param.key, convert(name, value, param.kind));
  }

  return {
    ...(db === undefined ? {} : { db }),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    // fromEntries defines own data properties, so a parameter named __proto__ stays data.
    options: Object.freeze(Object.fromEntries(options)) as EndpointOptions,
  };
}
