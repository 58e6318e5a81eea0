import type { Driver, Scheme } from './types.js';

/** What a URL scheme means. */
export interface SchemeInfo {
  /** The scheme reported on the endpoint. */
  readonly scheme: Scheme;
  /** TLS connection. */
  readonly tls: boolean;
  /** Unix socket: the URL path is the socket path. */
  readonly unix: boolean;
  /** The driver this scheme asks for when no option says otherwise. */
  readonly driver: Driver;
}

const SCHEMES: ReadonlyMap<string, SchemeInfo> = new Map([
  ['redis', { scheme: 'redis', tls: false, unix: false, driver: 'ioredis' }],
  ['rediss', { scheme: 'rediss', tls: true, unix: false, driver: 'ioredis' }],
  ['valkey', { scheme: 'valkey', tls: false, unix: false, driver: 'iovalkey' }],
  ['valkeys', { scheme: 'valkeys', tls: true, unix: false, driver: 'iovalkey' }],
  ['unix', { scheme: 'unix', tls: false, unix: true, driver: 'ioredis' }],
  ['redis+unix', { scheme: 'unix', tls: false, unix: true, driver: 'ioredis' }],
  ['valkey+unix', { scheme: 'unix', tls: false, unix: true, driver: 'iovalkey' }],
]);

/** The schemes a location may use, as listed in error messages. */
export const ACCEPTED_SCHEMES: readonly string[] = [...SCHEMES.keys()].map((s) => `${s}://`);

/** Looks a scheme up, case-insensitively; `undefined` when unknown. */
export function lookupScheme(scheme: string): SchemeInfo | undefined {
  return SCHEMES.get(scheme.toLowerCase());
}
