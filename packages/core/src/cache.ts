import { type CacheContext, createCacheContext } from './cache-context.js';
import type { CacheOptions } from './cache-options.js';
import {
  expireAtStep,
  expireStep,
  persistStep,
  pexpireAtStep,
  pexpireStep,
  pttlStep,
  ttlStep,
} from './commands/expiry.js';
import { deleteManyStep, type Entries, getManyStep, setManyStep } from './commands/many.js';
import type {
  GetOptions,
  ScanKeysOptions,
  SetOptions,
  TimeoutOptions,
  VersionOptions,
} from './commands/options.js';
import { deletePattern, iterKeys, keys } from './commands/scan-keys.js';
import {
  deleteStep,
  getStep,
  hasStep,
  incrStep,
  incrVersionStep,
  MISS,
  setStep,
  touchStep,
} from './commands/strings.js';
import { ConfigError } from './errors.js';
import { defaultKeyFunction, defaultReverseKey } from './key-function.js';
import { type AnyStep, runStep } from './step.js';
import { validateDefaultTimeout } from './timeout.js';
import type { MaybePromise } from './types/codec.js';
import type { ClientOptions } from './types/transport.js';
import { DEFAULT_MAX_KEY_LENGTH } from './validate-key.js';

/** Default timeout in seconds (Django's). */
export const DEFAULT_TIMEOUT = 300;

/** A value, or a function (sync or async) that produces it, for {@link Cache.getOrSet}. */
export type ValueOrFactory<T> = T | (() => T | Promise<T>);

/**
 * The cache client. Works the same on every transport: keys are `${prefix}:${version}:${key}`,
 * values go through the codec (exact integers as decimal text, so the server can INCR them),
 * and timeouts are seconds (`null` = never expire, `0`/negative = remove now).
 *
 * Create one with {@link createCache}. Every method is async and rejects with a `CachexError`.
 *
 * @example
 * ```ts
 * const cache = createCache({ transport, codec: createCodec(), keyPrefix: 'myapp' });
 * await cache.set('user:42', { name: 'Ada' }, { timeout: 60 });
 * const user = await cache.get<{ name: string }>('user:42');
 * ```
 */
export class Cache {
  /** Key making, encoding and defaults, shared with pipelines. */
  readonly context: CacheContext;
  readonly #inflight = new Map<string, Promise<unknown>>();

  constructor(options: CacheOptions) {
    if (!options || typeof options !== 'object')
      throw new ConfigError('createCache needs an options object');
    if (!options.transport)
      throw new ConfigError('transport is required', { context: { field: 'transport' } });
    if (!options.codec)
      throw new ConfigError('codec is required (createCodec() from @cachex/codecs)', {
        context: { field: 'codec' },
      });
    const version = options.version ?? 1;
    if (!Number.isSafeInteger(version))
      throw new ConfigError('version must be an integer', { context: { field: 'version' } });
    const prefix = options.keyPrefix ?? '';
    if (typeof prefix !== 'string')
      throw new ConfigError('keyPrefix must be a string', { context: { field: 'keyPrefix' } });
    if (options.keyFunction && !options.reverseKeyFunction) {
      // Without it, keys() would return stored keys: better to say so up front.
      throw new ConfigError('a custom keyFunction needs a reverseKeyFunction too', {
        context: { field: 'reverseKeyFunction' },
      });
    }
    const maxKeyLength = options.maxKeyLength ?? DEFAULT_MAX_KEY_LENGTH;
    if (!Number.isSafeInteger(maxKeyLength) || maxKeyLength < 1) {
      throw new ConfigError('maxKeyLength must be a positive integer', {
        context: { field: 'maxKeyLength' },
      });
    }
    this.context = createCacheContext({
      transport: options.transport,
      codec: options.codec,
      prefix,
      version,
      defaultTimeout: validateDefaultTimeout(
        options.timeout === undefined ? DEFAULT_TIMEOUT : options.timeout,
      ),
      keyFunction: options.keyFunction ?? defaultKeyFunction,
      reverseKeyFunction: options.reverseKeyFunction ?? defaultReverseKey,
      maxKeyLength,
    });
  }

  async #run<T>(build: () => MaybePromise<AnyStep<T>>): Promise<T> {
    return runStep(this.context.transport, await build());
  }

  /** The key prefix in use. */
  get keyPrefix(): string {
    return this.context.prefix;
  }

  /** The default key version. */
  get version(): number {
    return this.context.version;
  }

  /** The stored key for a user key (`${prefix}:${version}:${key}` by default). */
  makeKey(key: string, version?: number): string {
    return this.context.makeKey(key, version);
  }

  /** The user key of a stored key; foreign keys come back unchanged. */
  reverseKey(storedKey: string): string {
    return this.context.reverseKey(storedKey);
  }

  /**
   * The value of `key`, or `options.default` (else `undefined`) on a miss. A stored `null` is a
   * hit and returns `null`.
   */
  get<T = unknown>(key: string, options: GetOptions<T> & { default: T }): Promise<T>;
  get<T = unknown>(key: string, options?: GetOptions): Promise<T | undefined>;
  get<T = unknown, D = undefined>(
    key: string,
    options?: GetOptions<D>,
  ): Promise<T | D | undefined> {
    return this.#run(() => getStep<T, D>(this.context, key, options));
  }

  /**
   * Stores a value. Resolves `true` when written; with `nx`/`xx`, `false` when the condition
   * failed (nothing changed). A timeout of 0 or less removes the key (with `nx`: `true` only
   * when the key was missing, and nothing is written; with `xx`: `true` when a key was removed).
   */
  set(key: string, value: unknown, options?: SetOptions): Promise<boolean> {
    return this.#run(() => setStep(this.context, key, value, options));
  }

  /** Stores a value only when the key does not exist. Resolves whether it was stored. */
  add(key: string, value: unknown, options?: TimeoutOptions): Promise<boolean> {
    return this.#run(() => setStep(this.context, key, value, { ...options, nx: true }));
  }

  /**
   * The cached value, or else the value (or the factory's result) stored with `add` and returned.
   * When another writer wins the race, its value is returned. Concurrent calls for the same key
   * in this process share one factory call. A factory result of `undefined` is not stored.
   */
  async getOrSet<T>(
    key: string,
    valueOrFactory: ValueOrFactory<T>,
    options?: TimeoutOptions,
  ): Promise<T> {
    const hit = await this.get<T | typeof MISS>(key, { version: options?.version, default: MISS });
    if (hit !== MISS) return hit as T;
    const flightKey = this.context.makeKey(key, options?.version);
    const running = this.#inflight.get(flightKey);
    if (running) return running as Promise<T>;
    const flight = (async () => {
      const value =
        typeof valueOrFactory === 'function'
          ? await (valueOrFactory as () => T | Promise<T>)()
          : valueOrFactory;
      if (value === undefined) return value;
      if (await this.add(key, value, options)) return value;
      const winner = await this.get<T | typeof MISS>(key, {
        version: options?.version,
        default: MISS,
      });
      return winner === MISS ? value : (winner as T);
    })();
    this.#inflight.set(flightKey, flight);
    try {
      return await flight;
    } finally {
      this.#inflight.delete(flightKey);
    }
  }

  /**
   * Sets a new timeout on an existing key (`null` removes its expiry; 0 or less removes the key).
   * Resolves whether the key existed.
   */
  touch(key: string, options?: TimeoutOptions): Promise<boolean> {
    return this.#run(() => touchStep(this.context, key, options));
  }

  /** Removes a key. Resolves whether it existed. */
  delete(key: string, options?: VersionOptions): Promise<boolean> {
    return this.#run(() => deleteStep(this.context, key, options));
  }

  /** True when the key exists. */
  has(key: string, options?: VersionOptions): Promise<boolean> {
    return this.#run(() => hasStep(this.context, key, options));
  }

  /** The values of the keys that exist, in the order asked; misses are left out. */
  getMany<T = unknown>(keys: Iterable<string>, options?: VersionOptions): Promise<Map<string, T>> {
    return this.#run(() => getManyStep<T>(this.context, keys, options));
  }

  /** Stores several values with one timeout, in one round trip (atomically where possible). */
  setMany(entries: Entries, options?: TimeoutOptions): Promise<void> {
    return this.#run(() => setManyStep(this.context, entries, options));
  }

  /** Removes several keys; resolves how many existed. */
  deleteMany(keys: Iterable<string>, options?: VersionOptions): Promise<number> {
    return this.#run(() => deleteManyStep(this.context, keys, options));
  }

  /**
   * Adds `delta` (default 1) to an integer value atomically (INCRBY) and resolves the new value.
   * A missing key counts as 0. A non-integer value rejects with a `NotIntegerError`.
   */
  incr(key: string, delta = 1, options?: VersionOptions): Promise<number> {
    return this.#run(() => incrStep(this.context, key, delta, options));
  }

  /** Subtracts `delta` (default 1); see {@link Cache.incr}. */
  decr(key: string, delta = 1, options?: VersionOptions): Promise<number> {
    return this.#run(() => incrStep(this.context, key, -delta, options));
  }

  /**
   * Moves a value to version `version + delta` (RENAME: atomic, TTL kept) and resolves the new
   * version. A missing key rejects with a `KeyNotFoundError`.
   */
  incrVersion(key: string, delta = 1, options?: VersionOptions): Promise<number> {
    return this.#run(() => incrVersionStep(this.context, key, delta, options));
  }

  /** Moves a value to version `version - delta`; see {@link Cache.incrVersion}. */
  decrVersion(key: string, delta = 1, options?: VersionOptions): Promise<number> {
    return this.#run(() => incrVersionStep(this.context, key, -delta, options));
  }

  /** Seconds until the key expires: -1 without expiry, -2 when missing. */
  ttl(key: string, options?: VersionOptions): Promise<number> {
    return this.#run(() => ttlStep(this.context, key, options));
  }

  /** Milliseconds until the key expires: -1 without expiry, -2 when missing. */
  pttl(key: string, options?: VersionOptions): Promise<number> {
    return this.#run(() => pttlStep(this.context, key, options));
  }

  /** Sets a timeout in seconds (fractions kept; 0 or less removes the key). Resolves whether the key exists. */
  expire(key: string, seconds: number, options?: VersionOptions): Promise<boolean> {
    return this.#run(() => expireStep(this.context, key, seconds, options));
  }

  /** Sets a timeout in milliseconds. Resolves whether the key exists. */
  pexpire(key: string, milliseconds: number, options?: VersionOptions): Promise<boolean> {
    return this.#run(() => pexpireStep(this.context, key, milliseconds, options));
  }

  /** Expires the key at a Date or unix time in seconds; a past time removes it. */
  expireAt(key: string, when: Date | number, options?: VersionOptions): Promise<boolean> {
    return this.#run(() => expireAtStep(this.context, key, when, options));
  }

  /** Expires the key at a Date or unix time in milliseconds; a past time removes it. */
  pexpireAt(key: string, when: Date | number, options?: VersionOptions): Promise<boolean> {
    return this.#run(() => pexpireAtStep(this.context, key, when, options));
  }

  /** Removes the key's timeout. Resolves `true` when a timeout was removed. */
  persist(key: string, options?: VersionOptions): Promise<boolean> {
    return this.#run(() => persistStep(this.context, key, options));
  }

  /**
   * The user keys matching a glob `pattern` in this cache's prefix and version (SCAN, never
   * KEYS, so the server is not blocked). The prefix is escaped; the pattern is not.
   */
  keys(pattern = '*', options?: ScanKeysOptions): Promise<string[]> {
    return keys(this.context, pattern, options);
  }

  /**
   * Iterates the matching user keys page by page over SCAN. As with SCAN, a key may come twice.
   *
   * @example
   * ```ts
   * for await (const key of cache.iterKeys('user:*')) console.log(key);
   * ```
   */
  iterKeys(pattern = '*', options?: ScanKeysOptions): AsyncGenerator<string, void, undefined> {
    return iterKeys(this.context, pattern, options);
  }

  /** Deletes the matching keys (SCAN + batched UNLINK); resolves how many were removed. */
  deletePattern(pattern: string, options?: ScanKeysOptions): Promise<number> {
    return deletePattern(this.context, pattern, options);
  }

  /**
   * Removes this cache's keys: its prefix and current version only, on every primary. Other
   * prefixes and versions are left alone. Resolves how many keys were removed.
   */
  clear(options?: Omit<ScanKeysOptions, 'version'>): Promise<number> {
    return deletePattern(this.context, '*', options);
  }

  /** Wipes the whole logical database (FLUSHDB on every primary), whatever the prefix. */
  async flushDb(): Promise<void> {
    await this.context.transport.broadcast('FLUSHDB', []);
  }

  /** The raw driver client (ioredis/iovalkey), bypassing prefix and codec. Default: the primary's. */
  getClient<C = unknown>(options?: ClientOptions): C {
    return this.context.transport.getClient(options) as C;
  }

  /** Closes the connections. Later calls reject with a `ClosedError`. */
  close(): Promise<void> {
    return this.context.transport.close();
  }
}

/**
 * Creates a {@link Cache}. Synchronous: connections are opened by the transport, lazily.
 *
 * @example
 * ```ts
 * import { createCache } from '@cachex/core';
 * import { createCodec } from '@cachex/codecs';
 * import { createStandaloneTransport } from '@cachex/transport-standalone';
 *
 * const cache = createCache({
 *   transport: createStandaloneTransport({ location: 'redis://127.0.0.1:6380/0' }),
 *   codec: createCodec({ serializer: 'json' }),
 *   keyPrefix: 'myapp',
 * });
 * ```
 */
export function createCache(options: CacheOptions): Cache {
  return new Cache(options);
}
