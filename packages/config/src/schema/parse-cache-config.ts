import type { ConfigLogger, ConfigSource, ResolvedCacheConfig } from '../cache-config-types.js';
import { IssueList } from './issues.js';
import { type ResolvedDraft, resolveCache } from './resolve-cache.js';
import { createResolvedConfig, isResolvedCacheConfig } from './resolved.js';

/** Options of {@link parseCacheConfig}. */
export interface ParseCacheConfigOptions {
  /** The alias of this cache in a set of caches. Default `'default'`. */
  readonly alias?: string;
  /**
   * Where this configuration sits in a larger one, put in front of every error path
   * (`'caches.sessions'` gives `caches.sessions.options.compressor`). Default `''`.
   */
  readonly path?: string;
  /** Where the configuration came from, copied to `source`. Default `'explicit'`. */
  readonly source?: ConfigSource;
  /** The key prefix when the configuration gives none. Default `''`. */
  readonly defaultKeyPrefix?: string;
  /**
   * Where warnings (such as `parserClass` having no meaning in Node) go. Default: the cache's
   * own `logger` option, else `console`.
   */
  readonly logger?: ConfigLogger;
}

/** Logs a resolved cache's warnings and freezes it. */
export function finishCache(
  draft: ResolvedDraft,
  logger: ConfigLogger | undefined,
): ResolvedCacheConfig {
  const { fields } = draft;
  const target: ConfigLogger = logger ?? draft.logger ?? console;
  for (const warning of fields.warnings) {
    target.warn({ alias: fields.alias, source: fields.source }, `cachex config: ${warning}`);
  }
  return createResolvedConfig(fields);
}

/**
 * Validates one cache's configuration and fills in the defaults.
 *
 * `input` is a {@link CacheConfig} object, or a location URL string (`'redis://h:6379/0'` is
 * `{ location: 'redis://h:6379/0' }`). Options may be flat or nested under `options`
 * (Django's `OPTIONS`), not both for the same option. The backend is inferred from the
 * location when not given (`valkey*` → `valkey`, other server URLs → `redis`, `?sentinels=` →
 * the sentinel backend, `memory://`/`dummy://` or no location → those backends). Query
 * parameters of the URL (`?socket_timeout=`, `?max_connections=`, `?retry_on_timeout=`,
 * `?socket_connect_timeout=`, the db) win over the options.
 *
 * Every problem is collected, then thrown together as one `ConfigError` (`code: 'E_CONFIG'`)
 * whose message has one `path: problem` line each, and whose `context` is
 * `{ path: <first path>, issues: [{ path, message }] }`. Unknown options and wrong names get a
 * suggestion (`compresor` → did you mean 'compressor'?; `key_prefix` → use 'keyPrefix').
 * No message contains a password.
 *
 * The result is frozen. Its `password` and `sentinelPassword` are readable, but shown as
 * `[redacted]` by `util.inspect`, `JSON.stringify` and `String()`, which also show the location
 * through `redactUrl`; spread and `Object.keys` do not see them. A custom `keyFunction` without
 * `reverseKeyFunction` is accepted, but `keys`/`iterKeys` will need the inverse. A
 * configuration that is already resolved ({@link isResolvedCacheConfig}) is returned as it is.
 *
 * @example
 * ```ts
 * const config = parseCacheConfig({
 *   location: 'valkey://cache.internal:6379/1?socket_timeout=2',
 *   keyPrefix: 'app',
 *   options: { compressor: 'zstd', password: process.env.CACHE_PASSWORD },
 * });
 * config.backend;       // 'valkey'
 * config.driver;        // 'iovalkey'
 * config.socketTimeout; // 2 (from the URL)
 * config.timeout;       // 300
 * ```
 */
export function parseCacheConfig(
  input: unknown,
  options: ParseCacheConfigOptions = {},
): ResolvedCacheConfig {
  if (isResolvedCacheConfig(input)) return input;
  const issues = new IssueList();
  const draft = resolveCache(
    input,
    {
      alias: options.alias ?? 'default',
      path: options.path ?? '',
      source: options.source ?? 'explicit',
      defaultKeyPrefix: options.defaultKeyPrefix ?? '',
    },
    issues,
  );
  issues.throwIfAny();
  if (draft === undefined) throw new Error('unreachable: a rejected cache left no issue');
  return finishCache(draft, options.logger);
}
