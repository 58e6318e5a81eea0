import { createHash } from 'node:crypto';
import type { ResolvedCacheConfig } from '@cachex/config';

/**
 * The settings that decide which connections a cache opens. Two caches that agree on all of
 * them can share one transport; the key layout (prefix, version, key functions), the default
 * timeout and the codec are the Cache's business and do not matter here.
 */
function connectionSettings(config: ResolvedCacheConfig): Record<string, unknown> {
  switch (config.backend) {
    case 'dummy':
      return { backend: 'dummy' };
    case 'memory':
      return { backend: 'memory', maxEntries: config.maxEntries, maxBytes: config.maxBytes };
    default:
      return {
        backend: config.backend,
        location: config.location,
        driver: config.driver,
        username: config.username,
        // Accessors on a resolved config (not enumerable): read them by name.
        password: config.password,
        db: config.db,
        tls: config.tls,
        socketConnectTimeout: config.socketConnectTimeout,
        socketTimeout: config.socketTimeout,
        maxConnections: config.maxConnections,
        readFrom: config.readFrom,
        clientOptions: config.clientOptions,
        sentinels: config.sentinels,
        sentinelUsername: config.sentinelUsername,
        sentinelPassword: config.sentinelPassword,
        sentinelTls: config.sentinelTls,
        natMap: config.natMap,
        clusterOptions: config.clusterOptions,
      };
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Builds canonical text for settings: plain objects with sorted keys (undefined entries
 * dropped), arrays in order, Buffers by content. Functions and class instances (a natMap
 * function, a socket factory in clientOptions…) cannot be compared by content: each gets a
 * number of its own, so they match only when they are the same object.
 */
function createCanonicalizer(): (value: unknown) => string {
  const identities = new WeakMap<object, number>();
  const symbols = new Map<symbol, number>();
  let nextId = 0;
  const identityOf = (value: object | symbol): number => {
    const table = (typeof value === 'symbol' ? symbols : identities) as Map<
      object | symbol,
      number
    >;
    let id = table.get(value);
    if (id === undefined) {
      id = nextId++;
      table.set(value, id);
    }
    return id;
  };
  const canonical = (value: unknown): string => {
    if (value === undefined) return 'u';
    if (value === null || typeof value === 'boolean' || typeof value === 'string') {
      return JSON.stringify(value);
    }
    if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'symbol' || typeof value === 'function') return `#${identityOf(value)}`;
    if (Buffer.isBuffer(value)) return `b${value.toString('base64')}`;
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    if (typeof value === 'object' && isPlainObject(value)) {
      const entries = Object.keys(value)
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .sort()
        .map(
          (key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`,
        );
      return `{${entries.join(',')}}`;
    }
    return `#${identityOf(value as object)}`;
  };
  return canonical;
}

/**
 * Keys of connection settings for one set of caches: equal keys mean the caches can share a
 * transport. The key is a SHA-256 digest, so that the passwords that are part of the settings
 * never sit in a readable string.
 */
export function createConnectionKeys(): (config: ResolvedCacheConfig) => string {
  const canonical = createCanonicalizer();
  return (config) =>
    createHash('sha256')
      .update(canonical(connectionSettings(config)))
      .digest('hex');
}
