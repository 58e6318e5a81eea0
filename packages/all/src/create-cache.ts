import {
  type CacheConfig,
  isResolvedCacheConfig,
  type ResolvedCacheConfig,
  type ResolveOptions,
  resolveCacheConfig,
} from '@cachex/config';
import { buildCache } from './build-cache.js';
import { buildTransport } from './build-transport.js';
import type { CachexCache } from './extensions.js';

/**
 * The configuration `input` stands for: an already resolved one as it is, anything else (a
 * config object, a URL, nothing) through the smart defaults of `resolveCacheConfig`.
 */
function resolve(
  input: CacheConfig | string | ResolvedCacheConfig | undefined,
  options: ResolveOptions | undefined,
): ResolvedCacheConfig {
  return isResolvedCacheConfig(input) ? input : resolveCacheConfig(input, options);
}

/**
 * Creates a cache from a configuration, a URL, or nothing at all, for any backend: `valkey`,
 * `redis` (standalone, with read replicas), `*-sentinel`, `*-cluster`, `memory` and `dummy`.
 * The codec, the transport and the core Cache are built and wired for you, and the cache has
 * `lock`, `withLock`, `registerScript` and `evalScript` methods.
 *
 * Without a configuration it follows cachex's smart defaults: `CACHEX_URL`, `VALKEY_URL` or
 * `REDIS_URL` when set; else an in-process memory cache outside production; in production a
 * `ConfigError` (or, with `fallback: 'dummy'`, caching off with a warning). The key prefix
 * defaults to your `package.json` name.
 *
 * Synchronous: connections open on the first command. Close the cache when done
 * (`await cache.close()`, or `await using cache = createCache()`).
 *
 * @param config A {@link CacheConfig}, a URL (`redis://…`, `valkeys://…`, `memory://`,
 *   `dummy://`), or a configuration already resolved by `@cachex/config`.
 * @param options Where the smart defaults look (environment variables, running environment,
 *   `cwd`), the production fallback, and where warnings go.
 * @throws ConfigError listing every invalid field, when a TLS file cannot be read, or in
 *   production with nothing configured.
 *
 * @example
 * ```ts
 * import { createCache } from '@cachex/all';
 *
 * const cache = createCache(); // REDIS_URL, or in memory while developing
 * await cache.set('user:42', { name: 'Ada' }, { timeout: 60 });
 * await cache.get('user:42'); // → { name: 'Ada' }
 * await cache.close();
 *
 * const sessions = createCache('redis://cache.internal:6379/1');
 * const ha = createCache({ backend: 'valkey-sentinel', location: 'valkey://mymaster/0', sentinels: ['10.0.0.1:26379'] });
 * ```
 */
export function createCache(
  config?: CacheConfig | string | ResolvedCacheConfig,
  options?: ResolveOptions,
): CachexCache {
  const resolved = resolve(config, options);
  const transport = buildTransport(resolved);
  try {
    return buildCache(resolved, transport);
  } catch (error) {
    // Nothing is connected yet (transports connect lazily); close it anyway, so nothing lingers.
    void transport.close().catch(() => {});
    throw error;
  }
}
