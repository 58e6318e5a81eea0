import type { Out, Returns, ReturnsPromise, StepTable } from '../methods/types.js';
import {
  expireAtStep,
  expireStep,
  expireTimeStep,
  persistStep,
  pexpireAtStep,
  pexpireStep,
  pttlStep,
  ttlStep,
} from './expiry.js';
import { checkOptions } from './flags.js';
import { deleteManyStep, type Entries, getManyStep, setManyStep } from './many.js';
import type { GetOptions, SetOptions, TimeoutOptions, VersionOptions } from './options.js';
import { type KeyType, type RenameOptions, renamenxStep, renameStep, typeStep } from './rename.js';
import {
  deleteStep,
  getSetStep,
  getStep,
  hasStep,
  incrStep,
  incrVersionStep,
  setStep,
  touchStep,
} from './strings.js';

/** Key/value methods of the Cache (also queued by pipelines). */
export interface StringMethods<R extends Returns = ReturnsPromise> {
  /**
   * The value of `key`, or `undefined` on a miss. A stored `null` is a hit and returns `null`.
   *
   * @example
   * ```ts
   * const user = await cache.get<User>('user:42'); // User | undefined
   * ```
   */
  get<T = unknown>(key: string, options?: GetOptions<undefined>): Out<R, T | undefined>;
  /**
   * The value of `key`, or `options.default` on a miss.
   *
   * @example
   * ```ts
   * const user = await cache.get<User>('user:42', { default: guest }); // User
   * const n = await cache.get<number, null>('n', { default: null }); // number | null
   * ```
   */
  get<T = unknown, D = T>(key: string, options: GetOptions<D> & { default: D }): Out<R, T | D>;
  /**
   * Stores a value. Resolves `true` when written; with `nx`/`xx`, `false` when the condition
   * failed (nothing changed). A timeout of 0 or less removes the key (with `nx`: `true` only
   * when the key was missing, and nothing is written; with `xx`: `true` when a key was removed).
   */
  set(key: string, value: unknown, options?: SetOptions): Out<R, boolean>;
  /**
   * Stores a value and resolves the one it replaced (`undefined` when there was none), in one
   * atomic command (SET … GET). A timeout <= 0 returns the old value and removes the key.
   */
  getSet<T = unknown>(key: string, value: unknown, options?: TimeoutOptions): Out<R, T | undefined>;
  /** Stores a value only when the key does not exist. Resolves whether it was stored. */
  add(key: string, value: unknown, options?: TimeoutOptions): Out<R, boolean>;
  /**
   * Sets a new timeout on an existing key (`null` removes its expiry; 0 or less removes the
   * key). Resolves whether the key existed.
   */
  touch(key: string, options?: TimeoutOptions): Out<R, boolean>;
  /** Removes a key. Resolves whether it existed. */
  delete(key: string, options?: VersionOptions): Out<R, boolean>;
  /** True when the key exists. */
  has(key: string, options?: VersionOptions): Out<R, boolean>;
  /** The values of the keys that exist, in the order asked; misses are left out. */
  getMany<T = unknown>(keys: Iterable<string>, options?: VersionOptions): Out<R, Map<string, T>>;
  /** Stores several values with one timeout, in one round trip (atomically where possible). */
  setMany(entries: Entries, options?: TimeoutOptions): Out<R, void>;
  /** Removes several keys; resolves how many existed. */
  deleteMany(keys: Iterable<string>, options?: VersionOptions): Out<R, number>;
  /**
   * Adds `delta` (default 1) to an integer value atomically (INCRBY) and resolves the new
   * value. A missing key counts as 0. A non-integer value rejects with a `NotIntegerError`.
   */
  incr(key: string, delta?: number, options?: VersionOptions): Out<R, number>;
  /** Subtracts `delta` (default 1); see `incr`. */
  decr(key: string, delta?: number, options?: VersionOptions): Out<R, number>;
  /**
   * Moves a value to version `version + delta` (RENAME: atomic, TTL kept) and resolves the new
   * version. A missing key rejects with a `KeyNotFoundError`.
   */
  incrVersion(key: string, delta?: number, options?: VersionOptions): Out<R, number>;
  /** Moves a value to version `version - delta`; see `incrVersion`. */
  decrVersion(key: string, delta?: number, options?: VersionOptions): Out<R, number>;
  /** Seconds until the key expires: -1 without expiry, -2 when missing. */
  ttl(key: string, options?: VersionOptions): Out<R, number>;
  /** Milliseconds until the key expires: -1 without expiry, -2 when missing. */
  pttl(key: string, options?: VersionOptions): Out<R, number>;
  /**
   * The unix time (seconds) at which the key expires: -1 without expiry, -2 when missing.
   * Needs Redis/Valkey 7.0 or later.
   */
  expireTime(key: string, options?: VersionOptions): Out<R, number>;
  /** Sets a timeout in seconds (fractions kept; 0 or less removes the key). Resolves whether the key exists. */
  expire(key: string, seconds: number, options?: VersionOptions): Out<R, boolean>;
  /** Sets a timeout in milliseconds. Resolves whether the key exists. */
  pexpire(key: string, milliseconds: number, options?: VersionOptions): Out<R, boolean>;
  /** Expires the key at a Date or unix time in seconds; a past time removes it. */
  expireAt(key: string, when: Date | number, options?: VersionOptions): Out<R, boolean>;
  /** Expires the key at a Date or unix time in milliseconds; a past time removes it. */
  pexpireAt(key: string, when: Date | number, options?: VersionOptions): Out<R, boolean>;
  /** Removes the key's timeout. Resolves `true` when a timeout was removed. */
  persist(key: string, options?: VersionOptions): Out<R, boolean>;
  /**
   * Renames `src` to `dst` (overwriting it), moving the value and its TTL atomically. A
   * missing `src` rejects with a `KeyNotFoundError`. On a cluster both keys must share a slot.
   */
  rename(src: string, dst: string, options?: RenameOptions): Out<R, boolean>;
  /** Like `rename`, but resolves `false` and moves nothing when `dst` exists. */
  renamenx(src: string, dst: string, options?: RenameOptions): Out<R, boolean>;
  /** The key's data type (`'string'`, `'hash'`, `'list'`, `'set'`, `'zset'`, `'stream'`), or `undefined` when missing. */
  type(key: string, options?: VersionOptions): Out<R, KeyType | undefined>;
}

/** The builders behind {@link StringMethods}. */
export const stringSteps: StepTable<StringMethods> = {
  get: (ctx, key, options) => getStep(ctx, key, options),
  set: setStep,
  add: (ctx, key, value, options) =>
    setStep(ctx, key, value, {
      ...checkOptions(options, 'add', 'for a timeout pass { timeout: seconds }', key),
      nx: true,
    }),
  touch: touchStep,
  delete: deleteStep,
  has: hasStep,
  getMany: getManyStep,
  setMany: setManyStep,
  deleteMany: deleteManyStep,
  incr: (ctx, key, delta = 1, options) => incrStep(ctx, key, delta, options),
  decr: (ctx, key, delta = 1, options) => incrStep(ctx, key, -delta, options),
  incrVersion: (ctx, key, delta = 1, options) => incrVersionStep(ctx, key, delta, options),
  decrVersion: (ctx, key, delta = 1, options) => incrVersionStep(ctx, key, -delta, options),
  ttl: ttlStep,
  pttl: pttlStep,
  expire: expireStep,
  pexpire: pexpireStep,
  expireAt: expireAtStep,
  pexpireAt: pexpireAtStep,
  persist: persistStep,
  expireTime: expireTimeStep,
  getSet: getSetStep,
  rename: renameStep,
  renamenx: renamenxStep,
  type: typeStep,
};
