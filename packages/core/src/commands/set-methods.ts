import type { Out, Returns, ReturnsPromise, StepTable } from '../methods/types.js';
import type { VersionOptions } from './options.js';
import {
  combineStep,
  combineStoreStep,
  type SetStoreOptions,
  type SmoveOptions,
  smoveStep,
} from './set-multi-key.js';
import {
  type SetPopOptions,
  saddStep,
  scardStep,
  sismemberStep,
  smembersStep,
  smismemberStep,
  spopStep,
  srandmemberStep,
  sremStep,
} from './sets.js';

export type { SetStoreOptions, SmoveOptions } from './set-multi-key.js';
export type { SetPopOptions } from './sets.js';

/**
 * Set methods of the Cache (also queued by pipelines). Members go through the codec, so any
 * value can be a member. They are encoded deterministically (object keys sorted at every
 * level), so `{ a: 1, b: 2 }` and `{ b: 2, a: 1 }` are the same member, and objects read back
 * from a set have their keys in sorted order. Sets come back as arrays, in server order.
 *
 * Members are always passed as a list, so a member that is itself an array is unambiguous:
 * `sadd('s', [[1, 2]])` adds the one member `[1, 2]`.
 *
 * Methods over several keys (`smove`, `sdiff`, `sinter`, `sunion` and their `*store` forms)
 * send the keys as they are: on a cluster they must share a hash slot (a `{tag}` in the key),
 * otherwise they reject with a `CrossSlotError`.
 */
export interface SetMethods<R extends Returns = ReturnsPromise> {
  /**
   * Adds members (SADD) and resolves how many were new. An empty list rejects with an
   * `InvalidArgumentError` without touching the server.
   */
  sadd(key: string, members: readonly unknown[], options?: VersionOptions): Out<R, number>;
  /**
   * Removes members (SREM) and resolves how many were present. Removing the last member
   * removes the key. An empty list resolves 0 without I/O.
   */
  srem(key: string, members: readonly unknown[], options?: VersionOptions): Out<R, number>;
  /** Every member, decoded; `[]` when the key is missing. */
  smembers<T = unknown>(key: string, options?: VersionOptions): Out<R, T[]>;
  /** True when `member` is in the set. */
  sismember(key: string, member: unknown, options?: VersionOptions): Out<R, boolean>;
  /**
   * Membership of each member, in the order asked (all `false` for a missing key). An empty
   * list resolves `[]` without I/O.
   */
  smismember(key: string, members: readonly unknown[], options?: VersionOptions): Out<R, boolean[]>;
  /** The number of members; 0 when the key is missing. */
  scard(key: string, options?: VersionOptions): Out<R, number>;
  /**
   * With a `count`: removes and resolves up to `count` random members (`[]` when the key is
   * missing; `count: 0` removes nothing). A negative or fractional count rejects with an
   * `InvalidArgumentError`.
   */
  spop<T = unknown>(key: string, options: SetPopOptions & { count: number }): Out<R, T[]>;
  /** Removes and resolves one random member; `undefined` when the key is missing. */
  spop<T = unknown>(
    key: string,
    options?: SetPopOptions & { count?: undefined },
  ): Out<R, T | undefined>;
  /** Either form of `spop`: a list when `count` is given, else one member or `undefined`. */
  spop<T = unknown>(key: string, options?: SetPopOptions): Out<R, T | T[] | undefined>;
  /**
   * With a `count`: resolves random members without removing them: up to `count` distinct
   * members for a positive count, exactly `-count` members (repeats possible) for a negative
   * one; `[]` when the key is missing.
   */
  srandmember<T = unknown>(key: string, options: SetPopOptions & { count: number }): Out<R, T[]>;
  /** One random member without removing it; `undefined` when the key is missing. */
  srandmember<T = unknown>(
    key: string,
    options?: SetPopOptions & { count?: undefined },
  ): Out<R, T | undefined>;
  /** Either form of `srandmember`: a list when `count` is given, else one member or `undefined`. */
  srandmember<T = unknown>(key: string, options?: SetPopOptions): Out<R, T | T[] | undefined>;
  /**
   * Moves `member` from `source` to `destination` atomically (SMOVE). Resolves `true` when it
   * was moved, `false` when it was not in `source`. `versionSrc`/`versionDst` pick each key's
   * version. Both keys must share a cluster slot.
   */
  smove(
    source: string,
    destination: string,
    member: unknown,
    options?: SmoveOptions,
  ): Out<R, boolean>;
  /**
   * Members of the first set that are in none of the others (SDIFF); missing keys count as
   * empty sets. The keys must share a cluster slot; an empty key list rejects with an
   * `InvalidArgumentError`.
   */
  sdiff<T = unknown>(keys: string | readonly string[], options?: VersionOptions): Out<R, T[]>;
  /** Members present in every set (SINTER); `[]` when any key is missing. See `sdiff`. */
  sinter<T = unknown>(keys: string | readonly string[], options?: VersionOptions): Out<R, T[]>;
  /** Members present in any of the sets (SUNION). See `sdiff`. */
  sunion<T = unknown>(keys: string | readonly string[], options?: VersionOptions): Out<R, T[]>;
  /**
   * Stores `sdiff(keys)` in `destination` (replacing it; an empty result removes it) and
   * resolves its size. `versionDest`/`versionKeys` pick the versions of the destination and
   * of the source keys. All keys must share a cluster slot.
   */
  sdiffstore(
    destination: string,
    keys: string | readonly string[],
    options?: SetStoreOptions,
  ): Out<R, number>;
  /** Stores `sinter(keys)` in `destination` and resolves its size. See `sdiffstore`. */
  sinterstore(
    destination: string,
    keys: string | readonly string[],
    options?: SetStoreOptions,
  ): Out<R, number>;
  /** Stores `sunion(keys)` in `destination` and resolves its size. See `sdiffstore`. */
  sunionstore(
    destination: string,
    keys: string | readonly string[],
    options?: SetStoreOptions,
  ): Out<R, number>;
}

/** The builders behind {@link SetMethods}. */
export const setSteps: StepTable<SetMethods> = {
  sadd: saddStep,
  srem: sremStep,
  smembers: smembersStep,
  sismember: sismemberStep,
  smismember: smismemberStep,
  scard: scardStep,
  spop: spopStep,
  srandmember: srandmemberStep,
  smove: smoveStep,
  sdiff: (ctx, keys, options) => combineStep(ctx, 'SDIFF', keys, options),
  sinter: (ctx, keys, options) => combineStep(ctx, 'SINTER', keys, options),
  sunion: (ctx, keys, options) => combineStep(ctx, 'SUNION', keys, options),
  sdiffstore: (ctx, dest, keys, options) => combineStoreStep(ctx, 'SDIFF', dest, keys, options),
  sinterstore: (ctx, dest, keys, options) => combineStoreStep(ctx, 'SINTER', dest, keys, options),
  sunionstore: (ctx, dest, keys, options) => combineStoreStep(ctx, 'SUNION', dest, keys, options),
};
