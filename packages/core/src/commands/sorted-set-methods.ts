import type { Out, Returns, ReturnsPromise, StepTable } from '../methods/types.js';
import type { VersionOptions } from './options.js';
import type {
  ZAddOptions,
  ZMembers,
  ZPopOptions,
  ZRangeByScoreOptions,
  ZRangeOptions,
  ZScoreBound,
} from './sorted-set-options.js';
import {
  zcardStep,
  zcountStep,
  zmscoreStep,
  zrangeByScoreStep,
  zrangeStep,
  zrankStep,
  zscoreStep,
} from './sorted-sets-read.js';
import {
  zaddStep,
  zincrbyStep,
  zpopStep,
  zremRangeByRankStep,
  zremRangeByScoreStep,
  zremStep,
} from './sorted-sets-write.js';

/**
 * Sorted-set methods of the Cache (also queued by pipelines). Members are encoded by the codec
 * deterministically (object keys sorted at every level, so objects and arrays work as members
 * whatever their key order, and come back with sorted keys); scores are plain numbers, `±Infinity` included.
 * Results that hold scores use `[member, score]` tuples.
 */
export interface SortedSetMethods<R extends Returns = ReturnsPromise> {
  /**
   * Adds members with their scores, or updates the scores of existing ones (ZADD). Resolves how
   * many members were added; with `ch`, added plus changed. `nx` only adds, `xx` only updates,
   * `gt`/`lt` only update when the new score is greater/lower (new members are still added).
   * Rejects with an `InvalidArgumentError`, sending nothing, for `nx` with `xx`, `gt` or `lt`,
   * for `gt` with `lt`, for no members and for a NaN score.
   */
  zadd(key: string, members: ZMembers, options?: ZAddOptions): Out<R, number>;
  /** The number of members (0 when the key is missing). */
  zcard(key: string, options?: VersionOptions): Out<R, number>;
  /**
   * The number of members with a score between `min` and `max` (inclusive; `'(1'` is
   * exclusive, `'-inf'`/`'+inf'` open-ended).
   */
  zcount(key: string, min: ZScoreBound, max: ZScoreBound, options?: VersionOptions): Out<R, number>;
  /**
   * Adds `amount` to a member's score (a missing member or key starts from 0) and resolves the
   * new score.
   */
  zincrby(key: string, amount: number, member: unknown, options?: VersionOptions): Out<R, number>;
  /**
   * Members by rank, lowest score first, from `start` to `stop` inclusive (negative ranks count
   * from the end: `0, -1` is all). With `withScores`, `[member, score]` tuples. `[]` when the
   * key is missing.
   */
  zrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options: ZRangeOptions & { withScores: true },
  ): Out<R, [T, number][]>;
  zrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options?: ZRangeOptions & { withScores?: false },
  ): Out<R, T[]>;
  zrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options?: ZRangeOptions,
  ): Out<R, T[] | [T, number][]>;
  /** Like `zrange`, highest score first (rank 0 is the highest). */
  zrevrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options: ZRangeOptions & { withScores: true },
  ): Out<R, [T, number][]>;
  zrevrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options?: ZRangeOptions & { withScores?: false },
  ): Out<R, T[]>;
  zrevrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options?: ZRangeOptions,
  ): Out<R, T[] | [T, number][]>;
  /**
   * Members with a score between `min` and `max`, lowest first (bounds as in `zcount`). Page
   * with `offset` and `count` (both or neither, else an `InvalidArgumentError`). With
   * `withScores`, `[member, score]` tuples.
   */
  zrangebyscore<T = unknown>(
    key: string,
    min: ZScoreBound,
    max: ZScoreBound,
    options: ZRangeByScoreOptions & { withScores: true },
  ): Out<R, [T, number][]>;
  zrangebyscore<T = unknown>(
    key: string,
    min: ZScoreBound,
    max: ZScoreBound,
    options?: ZRangeByScoreOptions & { withScores?: false },
  ): Out<R, T[]>;
  zrangebyscore<T = unknown>(
    key: string,
    min: ZScoreBound,
    max: ZScoreBound,
    options?: ZRangeByScoreOptions,
  ): Out<R, T[] | [T, number][]>;
  /** Like `zrangebyscore`, highest first; note the bounds come as `max, min`. */
  zrevrangebyscore<T = unknown>(
    key: string,
    max: ZScoreBound,
    min: ZScoreBound,
    options: ZRangeByScoreOptions & { withScores: true },
  ): Out<R, [T, number][]>;
  zrevrangebyscore<T = unknown>(
    key: string,
    max: ZScoreBound,
    min: ZScoreBound,
    options?: ZRangeByScoreOptions & { withScores?: false },
  ): Out<R, T[]>;
  zrevrangebyscore<T = unknown>(
    key: string,
    max: ZScoreBound,
    min: ZScoreBound,
    options?: ZRangeByScoreOptions,
  ): Out<R, T[] | [T, number][]>;
  /** The 0-based rank of a member, lowest score first; `undefined` when it is not a member. */
  zrank(key: string, member: unknown, options?: VersionOptions): Out<R, number | undefined>;
  /** The 0-based rank of a member, highest score first; `undefined` when it is not a member. */
  zrevrank(key: string, member: unknown, options?: VersionOptions): Out<R, number | undefined>;
  /** The score of a member; `undefined` when it (or the key) is missing. */
  zscore(key: string, member: unknown, options?: VersionOptions): Out<R, number | undefined>;
  /** The scores of several members, in order; `undefined` for each non-member. */
  zmscore(
    key: string,
    members: readonly unknown[],
    options?: VersionOptions,
  ): Out<R, (number | undefined)[]>;
  /** Removes members; resolves how many were members. */
  zrem(key: string, members: readonly unknown[], options?: VersionOptions): Out<R, number>;
  /** Removes the members ranked `start` to `stop` (inclusive, lowest first); resolves how many. */
  zremrangebyrank(
    key: string,
    start: number,
    stop: number,
    options?: VersionOptions,
  ): Out<R, number>;
  /** Removes the members scored between `min` and `max` (bounds as in `zcount`); resolves how many. */
  zremrangebyscore(
    key: string,
    min: ZScoreBound,
    max: ZScoreBound,
    options?: VersionOptions,
  ): Out<R, number>;
  /**
   * Removes and returns the lowest-scored members as `[member, score]` tuples: one by default,
   * up to `count`; `[]` when the key is missing.
   */
  zpopmin<T = unknown>(key: string, options?: ZPopOptions): Out<R, [T, number][]>;
  /** Like `zpopmin`, the highest-scored members first. */
  zpopmax<T = unknown>(key: string, options?: ZPopOptions): Out<R, [T, number][]>;
}

/** The builders behind {@link SortedSetMethods}. */
export const sortedSetSteps: StepTable<SortedSetMethods> = {
  zadd: zaddStep,
  zcard: zcardStep,
  zcount: zcountStep,
  zincrby: zincrbyStep,
  zrange: (ctx, key, start, stop, options) => zrangeStep(ctx, 'ZRANGE', key, start, stop, options),
  zrevrange: (ctx, key, start, stop, options) =>
    zrangeStep(ctx, 'ZREVRANGE', key, start, stop, options),
  zrangebyscore: (ctx, key, min, max, options) =>
    zrangeByScoreStep(ctx, 'ZRANGEBYSCORE', key, min, max, options),
  zrevrangebyscore: (ctx, key, max, min, options) =>
    zrangeByScoreStep(ctx, 'ZREVRANGEBYSCORE', key, max, min, options),
  zrank: (ctx, key, member, options) => zrankStep(ctx, 'ZRANK', key, member, options),
  zrevrank: (ctx, key, member, options) => zrankStep(ctx, 'ZREVRANK', key, member, options),
  zscore: zscoreStep,
  zmscore: zmscoreStep,
  zrem: zremStep,
  zremrangebyrank: zremRangeByRankStep,
  zremrangebyscore: zremRangeByScoreStep,
  zpopmin: (ctx, key, options) => zpopStep(ctx, 'ZPOPMIN', key, options),
  zpopmax: (ctx, key, options) => zpopStep(ctx, 'ZPOPMAX', key, options),
};
