import type { ResolvedCacheConfig, TlsConfig } from '../cache-config-types.js';
import { REDACTED_VALUE, redactUrl } from '../redact.js';
import { isResolvedCacheConfig } from '../schema/index.js';

type Line = readonly [label: string, value: string];

/**
 * A readable, multi-line description of resolved configuration (one cache or a set by alias),
 * for startup logs and `--print-config` commands: backend, where the configuration came from,
 * the servers, driver, timeouts, key layout, codecs, connection and failure settings, and any
 * warnings. Secrets never appear: passwords in URLs become `***`, the `password` and
 * `sentinelPassword` options and TLS private keys `[redacted]`, and free-form driver options
 * (`clientOptions`, `clusterOptions`) are listed by key only.
 *
 * @example
 * ```ts
 * console.log(describeConfig(await loadConfig()));
 * // cache "default" (source: env:REDIS_URL)
 * //   backend:              redis
 * //   location:             redis://app:***@cache.internal:6379/0
 * //   …
 * ```
 */
export function describeConfig(
  config: ResolvedCacheConfig | Readonly<Record<string, ResolvedCacheConfig>>,
): string {
  if (isResolvedCacheConfig(config)) return describeOne(config);
  const caches = Object.values(config);
  if (caches.length === 0) return 'no caches configured';
  return caches.map(describeOne).join('\n\n');
}

function describeOne(config: ResolvedCacheConfig): string {
  const lines = linesOf(config);
  const width = Math.max(...lines.map(([label]) => label.length)) + 1;
  const body = lines.map(([label, value]) => `  ${`${label}:`.padEnd(width)} ${value}`);
  const warnings = config.warnings.map((warning) => `    - ${warning}`);
  return [
    `cache "${config.alias}" (source: ${config.source})`,
    ...body,
    ...(warnings.length === 0 ? [] : ['  warnings:', ...warnings]),
  ].join('\n');
}

function linesOf(c: ResolvedCacheConfig): Line[] {
  // Memory and dummy caches have no server: connection settings would only be noise.
  const server = c.backend !== 'memory' && c.backend !== 'dummy';
  const lines: Line[] = [['backend', c.backend]];
  if (server) {
    lines.push(['location', c.location.map(redactUrl).join(', ')], ['driver', c.driver]);
  }
  lines.push(
    ['timeout', c.timeout === null ? 'never expires' : seconds(c.timeout)],
    ['keyPrefix', c.keyPrefix === '' ? '(empty)' : JSON.stringify(c.keyPrefix)],
    ['version', String(c.version)],
    ['serializer', c.serializer.map(codecName).join(', ')],
    ['compressor', c.compressor.length === 0 ? 'none' : c.compressor.map(codecName).join(', ')],
    ['minLength', `${c.minLength} bytes`],
  );
  if (server) {
    lines.push(
      ['maxConnections', String(c.maxConnections)],
      ['socketConnectTimeout', seconds(c.socketConnectTimeout)],
      ['socketTimeout', seconds(c.socketTimeout)],
      ['retryOnTimeout', String(c.retryOnTimeout)],
      ['ignoreExceptions', String(c.ignoreExceptions)],
      ['logIgnoredExceptions', String(c.logIgnoredExceptions)],
      ['readFrom', c.readFrom],
    );
  }
  const optional = (label: string, value: string | undefined): void => {
    if (value !== undefined) lines.push([label, value]);
  };
  optional('keyFunction', c.keyFunction === undefined ? undefined : 'custom');
  optional('reverseKeyFunction', c.reverseKeyFunction === undefined ? undefined : 'custom');
  optional('maxKeyLength', c.maxKeyLength === undefined ? undefined : `${c.maxKeyLength} bytes`);
  optional('maxValueSize', c.maxValueSize === undefined ? undefined : `${c.maxValueSize} bytes`);
  optional('circuitBreaker', describeBreaker(c.circuitBreaker));
  optional('nearCache', describeNearCache(c.nearCache));
  optional('username', c.username);
  optional('password', c.password === undefined ? undefined : REDACTED_VALUE);
  optional('db', c.db === undefined ? undefined : String(c.db));
  optional('tls', describeTls(c.tls));
  optional('sentinels', c.sentinels?.map(({ host, port }) => hostPort(host, port)).join(', '));
  optional('sentinelUsername', c.sentinelUsername);
  optional('sentinelPassword', c.sentinelPassword === undefined ? undefined : REDACTED_VALUE);
  optional('sentinelTls', describeTls(c.sentinelTls));
  optional('natMap', describeNatMap(c.natMap));
  optional('clusterOptions', describeKeys(c.clusterOptions));
  optional('clientOptions', describeKeys(c.clientOptions));
  optional('maxEntries', c.maxEntries === undefined ? undefined : String(c.maxEntries));
  optional('maxBytes', c.maxBytes === undefined ? undefined : `${c.maxBytes} bytes`);
  return lines;
}

function seconds(value: number): string {
  return `${value}s`;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A codec by name: a built-in's name, an instance's `name` property, else its class name. */
function codecName(codec: unknown): string {
  if (typeof codec === 'string') return codec;
  if (typeof codec === 'object' && codec !== null) {
    const name = (codec as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return name;
    const constructorName = (codec as { constructor?: { name?: unknown } }).constructor?.name;
    if (
      typeof constructorName === 'string' &&
      constructorName !== '' &&
      constructorName !== 'Object'
    ) {
      return constructorName;
    }
  }
  return 'custom';
}

// TLS fields that are safe to print as they are: file paths, the server name and flags.
const SHOWN_TLS_FIELDS = new Set([
  'caFile',
  'certFile',
  'keyFile',
  'servername',
  'rejectUnauthorized',
  'checkServerIdentity',
]);

/**
 * TLS settings without their secrets: file paths and flags as they are, certificates only as
 * "given", and anything else (a private key, a passphrase) as `[redacted]`.
 */
function describeTls(tls: boolean | TlsConfig | undefined): string | undefined {
  if (tls === undefined) return undefined;
  if (typeof tls === 'boolean') return tls ? 'on' : 'off';
  const parts = ['on'];
  for (const [name, value] of Object.entries(tls)) {
    if (value === undefined) continue;
    if (SHOWN_TLS_FIELDS.has(name)) parts.push(`${name} ${String(value)}`);
    else if (name === 'ca' || name === 'cert') parts.push(`${name} given`);
    else parts.push(`${name} ${REDACTED_VALUE}`);
  }
  return parts.join(', ');
}

function describeNatMap(natMap: ResolvedCacheConfig['natMap']): string | undefined {
  if (natMap === undefined) return undefined;
  if (typeof natMap === 'function') return 'custom function';
  const count = Object.keys(natMap).length;
  return `${count} ${count === 1 ? 'address' : 'addresses'}`;
}

/** Free-form driver options may hold credentials: only their keys are shown. */
function describeKeys(options: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (options === undefined) return undefined;
  const keys = Object.keys(options);
  return keys.length === 0 ? '(empty)' : `keys ${keys.join(', ')} (values not shown)`;
}

function describeNearCache(value: ResolvedCacheConfig['nearCache']): string | undefined {
  if (value === undefined) return undefined;
  if (value === false) return 'off';
  const {
    maxEntries = 10_000,
    maxBytes = 64 * 1024 * 1024,
    ttl = 60,
  } = value === true ? {} : value;
  return `up to ${maxEntries} values, ${maxBytes} bytes, ${ttl} s each`;
}

function describeBreaker(value: ResolvedCacheConfig['circuitBreaker']): string | undefined {
  if (value === undefined) return undefined;
  if (value === false) return 'off';
  const { failureThreshold = 5, openMs = 1000 } = value === true ? {} : value;
  return `open after ${failureThreshold} failures in a row, for ${openMs} ms`;
}
