import type { Cache, MaybePromise } from '@cachex/core';
import {
  createLock,
  type Lock,
  type LockContext,
  type LockOptions,
  type WithLockOptions,
  withLock,
} from '@cachex/lock';
import {
  type EvalScriptOptions,
  evalScript,
  type RegisteredScript,
  type RegisterScriptOptions,
  registerScript,
} from '@cachex/scripts';

/**
 * What `@cachex/all` adds to a {@link Cache}: the lock and the scripts as methods, and
 * `await using`. Each is the function of its package with this cache as first argument.
 */
export interface CacheExtensions {
  /**
   * A distributed lock on `name` (`createLock(cache, name, options)` of `@cachex/lock`); not
   * acquired yet.
   *
   * @example
   * ```ts
   * const lock = cache.lock('nightly-report', { timeout: 30 });
   * await lock.acquire();
   * try { ... } finally { await lock.release(); }
   * ```
   */
  lock(name: string, options?: LockOptions): Lock;
  /**
   * Runs `fn` while holding the lock `name`, and releases it afterwards, also when `fn` throws
   * (`withLock(cache, name, fn, options)` of `@cachex/lock`).
   *
   * @example
   * ```ts
   * await cache.withLock('nightly-report', async ({ fencingToken }) => build(fencingToken), {
   *   timeout: 10,
   *   autoExtend: true,
   * });
   * ```
   */
  withLock<T>(
    name: string,
    fn: (context: LockContext) => MaybePromise<T>,
    options?: WithLockOptions,
  ): Promise<T>;
  /**
   * Registers a Lua script on this cache under `name`, for {@link CacheExtensions.evalScript}
   * (`registerScript(cache, name, lua, options)` of `@cachex/scripts`).
   *
   * @example
   * ```ts
   * cache.registerScript('bump', "return redis.call('INCRBY', KEYS[1], ARGV[1])", { numKeys: 1 });
   * ```
   */
  registerScript(name: string, lua: string, options?: RegisterScriptOptions): RegisteredScript;
  /**
   * Runs the script registered under `name` (`evalScript(cache, name, options)` of
   * `@cachex/scripts`); `T` is the type of its post hook's result.
   *
   * @example
   * ```ts
   * const hits = await cache.evalScript<number>('bump', { keys: ['hits'], args: [1] });
   * ```
   */
  evalScript<T = unknown>(name: string, options?: EvalScriptOptions): Promise<T>;
  /** Closes the cache (`await using cache = createCache()`). */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A cache built by `@cachex/all`: the {@link Cache} of `@cachex/core` itself (`instanceof
 * Cache` holds, and it works with every function taking a cache) with the
 * {@link CacheExtensions} methods.
 */
export type CachexCache = Cache & CacheExtensions;

/**
 * Adds the extension methods to `cache` as non-enumerable own properties, so that the cache
 * keeps its identity (the script registry and the lock functions key on it) and its class.
 */
export function withExtensions(cache: Cache): CachexCache {
  const methods: CacheExtensions = {
    lock: (name, options) => createLock(cache, name, options),
    withLock: (name, fn, options) => withLock(cache, name, fn, options),
    registerScript: (name, lua, options) => registerScript(cache, name, lua, options),
    evalScript: <T>(name: string, options?: EvalScriptOptions) =>
      evalScript<T>(cache, name, options),
    [Symbol.asyncDispose]: () => cache.close(),
  };
  for (const key of Reflect.ownKeys(methods) as (keyof CacheExtensions)[]) {
    Object.defineProperty(cache, key, {
      value: methods[key],
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }
  return cache as CachexCache;
}
