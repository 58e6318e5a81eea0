import type { VersionOptions } from './options.js';

/**
 * Members and their scores for `zadd`: a record (its keys are the members, as strings), a Map
 * (any member values, e.g. objects) or a list of `[member, score]` tuples. Members are encoded
 * by the codec; scores are sent as numbers (`±Infinity` as `+inf`/`-inf`).
 */
export type ZMembers =
  | Readonly<Record<string, number>>
  | ReadonlyMap<unknown, number>
  | readonly (readonly [unknown, number])[];

/**
 * A score bound of `zcount`, `zrangebyscore`, `zremrangebyscore`…: a number (inclusive;
 * `±Infinity` allowed) or Redis bound text passed through as is: `'(1'` (exclusive), `'-inf'`,
 * `'+inf'`.
 */
export type ZScoreBound = number | string;

/** Options of `zadd`. */
export interface ZAddOptions extends VersionOptions {
  /** Only add new members; never update existing ones (ZADD NX). Not with `xx`, `gt`, `lt`. */
  nx?: boolean;
  /** Only update existing members; never add new ones (ZADD XX). */
  xx?: boolean;
  /** Only update a member when the new score is greater (ZADD GT); new members are still added. */
  gt?: boolean;
  /** Only update a member when the new score is lower (ZADD LT); new members are still added. */
  lt?: boolean;
  /** Count changed members as well as added ones in the result (ZADD CH). */
  ch?: boolean;
}

/** Options of `zrange`/`zrevrange`. */
export interface ZRangeOptions extends VersionOptions {
  /** Return `[member, score]` tuples instead of members. */
  withScores?: boolean;
}

/** Options of `zrangebyscore`/`zrevrangebyscore`. */
export interface ZRangeByScoreOptions extends ZRangeOptions {
  /** Members to skip before returning any (LIMIT offset). Give `count` with it. */
  offset?: number;
  /** Most members to return (LIMIT count; negative = all from `offset`). Give `offset` with it. */
  count?: number;
}

/** Options of `zpopmin`/`zpopmax`. */
export interface ZPopOptions extends VersionOptions {
  /** How many members to pop (default 1). */
  count?: number;
}
