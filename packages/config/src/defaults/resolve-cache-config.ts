import { ConfigError } from '@cachex/core';
import type {
  Backend,
  CacheConfig,
  CachesConfig,
  CachexConfigFile,
  ConfigLogger,
  ConfigSource,
  ResolvedCacheConfig,
} from '../cache-config-types.js';
import { parseCacheConfig, parseCachesConfig } from '../schema/index.js';
import {
  type EnvRecord,
  envValue,
  isProduction,
  resolveEnvironment,
  URL_VARIABLES,
  urlFromEnv,
} from './environment.js';
import { packageKeyPrefix } from './package-key-prefix.js';
import { withOrigin } from './with-origin.js';

/** What to do in production when nothing configures a cache. */
export type FallbackMode = 'error' | 'dummy';

/** Options of {@link resolveCacheConfig} and {@link resolveCachesConfig}. */
export interface ResolveOptions {
  /** The environment variables to read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The running environment. Default: `CACHEX_ENV`, else `NODE_ENV`, else `development`. */
  readonly environment?: string;
  /** Where to look for the application's `package.json` (the key prefix). Default `process.cwd()`. */
  readonly cwd?: string;
  /**
   * Production without any cache configured: `'error'` (the default) throws a `ConfigError`;
   * `'dummy'` runs with the dummy backend (caching disabled) and logs a warning. Default: the
   * `CACHEX_FALLBACK` variable, else `'error'`.
   */
  readonly fallback?: FallbackMode;
  /** Where warnings go. Default `console`. */
  readonly logger?: ConfigLogger;
}

const DEFAULT_ALIAS = 'default';
const URL_HINT = URL_VARIABLES.join(', ');

/**
 * One cache's configuration with cachex's smart defaults, first match wins:
 *
 * 1. `explicit` (a `CacheConfig` or a URL) → source `'explicit'`.
 * 2. A URL in `CACHEX_URL`, `VALKEY_URL` or `REDIS_URL` (the first one set) → source
 *    `'env:<VARIABLE>'`; the backend follows the URL's scheme, or `CACHEX_BACKEND` when set
 *    (e.g. `redis-cluster`, which no scheme can express).
 * 3. Not production (`development`, `test`, anything else) → the memory backend, source
 *    `'default:memory'`, silently.
 * 4. Production → a `ConfigError` saying how to configure a cache, or, with `fallback: 'dummy'`
 *    (or `CACHEX_FALLBACK=dummy`), the dummy backend with a logged warning that caching is off.
 *    Production never ends up without a cache silently.
 *
 * When no `keyPrefix` is given, it defaults to the `name` of the nearest `package.json` from
 * `cwd` upward (`@acme/api` → `acme-api`), or `''`. An explicit `keyPrefix: ''` stays empty.
 *
 * @throws ConfigError when the configuration is invalid, or in production with nothing configured.
 *
 * @example
 * ```ts
 * // NODE_ENV=production REDIS_URL=redis://cache:6379/0
 * resolveCacheConfig().source; // 'env:REDIS_URL'
 * ```
 */
export function resolveCacheConfig(
  explicit?: CacheConfig | string,
  options: ResolveOptions = {},
): ResolvedCacheConfig {
  const env: EnvRecord = options.env ?? process.env;
  const defaultKeyPrefix = packageKeyPrefix(options.cwd ?? process.cwd());
  const parse = (input: unknown, source: ConfigSource) =>
    parseCacheConfig(input, {
      alias: DEFAULT_ALIAS,
      source,
      defaultKeyPrefix,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });

  if (explicit !== undefined) return parse(explicit, 'explicit');

  const backend = envValue(env, 'CACHEX_BACKEND')?.trim() as Backend | undefined;
  const fromEnv = urlFromEnv(env);
  if (fromEnv !== undefined) {
    const input = backend === undefined ? fromEnv.url : { backend, location: fromEnv.url };
    const variables =
      backend === undefined ? [fromEnv.variable] : [fromEnv.variable, 'CACHEX_BACKEND'];
    try {
      return parse(input, `env:${fromEnv.variable}`);
    } catch (error) {
      throw withOrigin(error, variables.join(' + '), { variables });
    }
  }
  const environment = resolveEnvironment(env, options.environment);
  if (backend !== undefined) return backendWithoutUrl(backend, environment, parse, options.logger);
  if (!isProduction(environment)) return parse({ backend: 'memory' }, 'default:memory');

  if (resolveFallback(env, options.fallback) === 'dummy') {
    warnCachingDisabled(options.logger, environment, 'fallback');
    return parse({ backend: 'dummy' }, 'default:dummy');
  }
  throw new ConfigError(
    `No cache is configured for the "${environment}" environment, and cachex does not fall back ` +
      `silently in production. Set ${URL_HINT} to your server's URL (e.g. ` +
      'CACHEX_URL=redis://cache.internal:6379/0), or give a configuration (a cachex.config.json/' +
      ".yaml file, or an explicit config), or run without caching on purpose with fallback: 'dummy' " +
      '(environment variable CACHEX_FALLBACK=dummy).',
    { context: { field: 'default', reason: 'no-cache-configured', environment } },
  );
}

/**
 * Several caches by alias: each alias of `explicit` is validated with the smart key prefix, and
 * has source `'explicit'`. A missing `default` alias is not invented: the caller listed the
 * caches it wants, and a cache it did not ask for would hide a typo in an alias. With no
 * `explicit` at all, the result is `{ default }` built by {@link resolveCacheConfig}.
 *
 * @throws ConfigError listing every invalid field, with paths such as `caches.sessions.timeout`.
 */
export function resolveCachesConfig(
  explicit?: CachesConfig | CachexConfigFile,
  options: ResolveOptions = {},
): Readonly<Record<string, ResolvedCacheConfig>> {
  if (explicit === undefined) {
    return Object.freeze({ [DEFAULT_ALIAS]: resolveCacheConfig(undefined, options) });
  }
  return parseCachesConfig(explicit, {
    source: 'explicit',
    defaultKeyPrefix: packageKeyPrefix(options.cwd ?? process.cwd()),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}

/**
 * `CACHEX_BACKEND` without any URL: the backends that need no server are honoured; the others
 * cannot work, so they are an error rather than being ignored.
 */
function backendWithoutUrl(
  backend: string,
  environment: string,
  parse: (input: unknown, source: ConfigSource) => ResolvedCacheConfig,
  logger: ConfigLogger | undefined,
): ResolvedCacheConfig {
  if (backend === 'memory') return parse({ backend }, 'default:memory');
  if (backend === 'dummy') {
    warnCachingDisabled(logger, environment, 'CACHEX_BACKEND');
    return parse({ backend }, 'default:dummy');
  }
  throw new ConfigError(
    `CACHEX_BACKEND=${JSON.stringify(backend)} needs the server's URL in one of ${URL_HINT}; ` +
      'only "memory" and "dummy" work without one.',
    { context: { field: 'CACHEX_BACKEND', reason: 'backend-without-url', environment } },
  );
}

function resolveFallback(env: EnvRecord, explicit: FallbackMode | undefined): FallbackMode {
  if (explicit !== undefined) return checkFallback(explicit, 'fallback');
  const fromEnv = envValue(env, 'CACHEX_FALLBACK');
  return fromEnv === undefined ? 'error' : checkFallback(fromEnv.trim(), 'CACHEX_FALLBACK');
}

function checkFallback(value: string, field: string): FallbackMode {
  if (value === 'error' || value === 'dummy') return value;
  throw new ConfigError(
    `${field} must be "error" or "dummy", got ${JSON.stringify(value.slice(0, 40))}.`,
    { context: { field, reason: 'invalid-fallback' } },
  );
}

function warnCachingDisabled(
  logger: ConfigLogger | undefined,
  environment: string,
  chosenBy: 'fallback' | 'CACHEX_BACKEND',
): void {
  (logger ?? console).warn(
    { alias: DEFAULT_ALIAS, backend: 'dummy', environment, chosenBy },
    `cachex: caching is DISABLED: the "${DEFAULT_ALIAS}" cache uses the dummy backend (every read ` +
      `misses, every write is dropped). Set ${URL_HINT} to use a real cache.`,
  );
}
