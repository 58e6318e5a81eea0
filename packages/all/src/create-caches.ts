import {
  type CacheConfig,
  type CachesConfig,
  type CachexConfigFile,
  isResolvedCacheConfig,
  type ResolvedCacheConfig,
  type ResolveOptions,
  resolveCachesConfig,
} from '@cachex/config';
import { ConfigError } from '@cachex/core';
import { buildCache } from './build-cache.js';
import { buildTransport } from './build-transport.js';
import { createConnectionKeys } from './connection-key.js';
import type { CachexCache } from './extensions.js';
import { SharedTransport } from './shared-transport.js';

/** What a set of caches has besides its caches (these names cannot be aliases). */
export interface CachesMethods<K extends string = string> {
  /** The aliases, in configuration order. */
  readonly aliases: readonly K[];
  /**
   * The cache of `alias`.
   *
   * @throws ConfigError naming the alias and listing the known ones, for an unknown alias.
   */
  get(alias: K): CachexCache;
  get(alias: string): CachexCache;
  /**
   * Closes every cache, and so every connection. Idempotent: later calls return the same
   * promise. Afterwards the caches' calls reject with a `ClosedError` (`E_CLOSED`).
   */
  close(): Promise<void>;
  /** Closes every cache (`await using caches = createCaches(...)`). */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Several caches by alias, as Django's `caches`: `caches.default`, `caches.sessions`… (or
 * `caches.get('sessions')`), plus {@link CachesMethods}. When the aliases are not known to the
 * type checker (a configuration loaded from a file), reach the caches with `get(alias)`.
 */
export type Caches<K extends string = string> = string extends K
  ? CachesMethods<string>
  : { readonly [A in K]: CachexCache } & CachesMethods<K>;

type AnyCachesInput =
  | CachesConfig
  | CachexConfigFile
  | Readonly<Record<string, ResolvedCacheConfig | CacheConfig>>;

/** Resolves what needs it; configurations already resolved are kept as they are. */
function resolveAll(
  input: AnyCachesInput | undefined,
  options: ResolveOptions | undefined,
): Readonly<Record<string, ResolvedCacheConfig>> {
  if (input === undefined || input === null || typeof input !== 'object' || 'caches' in input) {
    return resolveCachesConfig(input as CachesConfig | CachexConfigFile | undefined, options);
  }
  const entries = Object.entries(input as Readonly<Record<string, unknown>>);
  const raw = entries.filter(([, config]) => !isResolvedCacheConfig(config));
  if (raw.length === entries.length) return resolveCachesConfig(input as CachesConfig, options);
  const resolvedRaw =
    raw.length === 0 ? {} : resolveCachesConfig(Object.fromEntries(raw) as CachesConfig, options);
  return Object.fromEntries(
    entries.map(([alias, config]) => [
      alias,
      isResolvedCacheConfig(config) ? config : (resolvedRaw[alias] as ResolvedCacheConfig),
    ]),
  );
}

/**
 * Creates every cache of a configuration (Django's `CACHES`), by alias.
 *
 * Caches whose connection settings are the same (backend, location, driver, credentials, db,
 * TLS, timeouts, `maxConnections`, `readFrom`, sentinels, cluster options, `clientOptions`;
 * functions and instances compared by identity) share one transport, so one set of
 * connections: different key prefixes, versions, default timeouts or codecs do not matter.
 * Memory caches with the same `maxEntries`/`maxBytes` share one store, as caches on one server
 * share its data (a `clear()` on one clears the other, as FLUSHDB would). A shared transport
 * closes when the last cache using it closes.
 *
 * Without a configuration: `{ default }` from the smart defaults (see `createCache`).
 *
 * @throws ConfigError listing every invalid field (`caches.sessions.timeout`…).
 *
 * @example
 * ```ts
 * const caches = createCaches({
 *   default: { location: 'redis://cache:6379/0' },
 *   sessions: { location: 'redis://cache:6379/0', keyPrefix: 'sessions', timeout: 3600 },
 * });
 * await caches.sessions.set('abc', { user: 42 });
 * await caches.close();
 * ```
 */
export function createCaches(config?: undefined, options?: ResolveOptions): Caches<'default'>;
export function createCaches<K extends string>(
  config: { readonly caches: Readonly<Record<K, CacheConfig>> },
  options?: ResolveOptions,
): Caches<K>;
export function createCaches<K extends string>(
  config: Readonly<Record<K, CacheConfig | ResolvedCacheConfig>>,
  options?: ResolveOptions,
): Caches<K>;
export function createCaches(config?: object, options?: ResolveOptions): unknown {
  const resolved = resolveAll(config as AnyCachesInput | undefined, options);
  const keyOf = createConnectionKeys();
  const transports = new Map<string, SharedTransport>();
  const caches = new Map<string, CachexCache>();
  try {
    for (const [alias, settings] of Object.entries(resolved)) {
      const key = keyOf(settings);
      let shared = transports.get(key);
      if (shared === undefined) {
        shared = new SharedTransport(buildTransport(settings));
        transports.set(key, shared);
      }
      const handle = shared.acquire();
      try {
        caches.set(alias, buildCache(settings, handle));
      } catch (error) {
        void handle.close();
        throw error;
      }
    }
  } catch (error) {
    // Nothing is connected yet (transports connect lazily); close what was built anyway.
    for (const cache of caches.values()) void cache.close().catch(() => {});
    throw error;
  }
  return assemble(caches);
}

/** The object createCaches returns: one property per alias, and the methods. */
function assemble(caches: ReadonlyMap<string, CachexCache>): Caches<string> {
  const aliases = Object.freeze([...caches.keys()]);
  let closing: Promise<void> | undefined;
  const methods: CachesMethods<string> = {
    aliases,
    get(alias: string): CachexCache {
      const cache = caches.get(alias);
      if (cache !== undefined) return cache;
      throw new ConfigError(
        `No cache is configured under the alias ${JSON.stringify(String(alias))} (configured: ${aliases.join(', ')})`,
        { context: { field: 'alias', alias: String(alias), aliases: [...aliases] } },
      );
    },
    close(): Promise<void> {
      closing ??= Promise.all([...caches.values()].map((cache) => cache.close())).then(() => {});
      return closing;
    },
    [Symbol.asyncDispose]: () => methods.close(),
  };
  const result: Record<PropertyKey, unknown> = {};
  for (const [alias, cache] of caches) {
    Object.defineProperty(result, alias, { value: cache, enumerable: true });
  }
  // The methods are not enumerable: Object.keys(caches) lists the aliases only.
  for (const key of Reflect.ownKeys(methods)) {
    Object.defineProperty(result, key, {
      value: (methods as unknown as Record<PropertyKey, unknown>)[key],
      enumerable: false,
    });
  }
  return Object.freeze(result) as unknown as Caches<string>;
}
