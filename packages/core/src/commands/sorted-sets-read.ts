import type { CacheContext } from '../cache-context.js';
import { InvalidArgumentError } from '../errors.js';
import { FIRST_KEY } from '../key-spec.js';
import { type AnyStep, constant, type Step, step } from '../step.js';
import type { MaybePromise } from '../types/codec.js';
import type { Reply } from '../types/transport.js';
import { decodeArray, encodeMembers, thenMaybe } from './encoding.js';
import { flag } from './flags.js';
import type { VersionOptions } from './options.js';
import { toArray, toInt } from './reply.js';
import type { ZRangeByScoreOptions, ZRangeOptions, ZScoreBound } from './sorted-set-options.js';
import {
  decodePairs,
  integer,
  parseScore,
  rankRangeArgs,
  scoreRangeArgs,
} from './sorted-sets-args.js';

// Read-only sorted-set commands: every one is marked `read` so it may go to a replica.
const READ = true;

export function zcardStep(ctx: CacheContext, key: string, options?: VersionOptions): Step<number> {
  return step(
    { name: 'ZCARD', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: READ },
    toInt,
    key,
  );
}

export function zcountStep(
  ctx: CacheContext,
  key: string,
  min: ZScoreBound,
  max: ZScoreBound,
  options?: VersionOptions,
): Step<number> {
  const args = scoreRangeArgs(ctx, 'zcount', key, [min, 'min'], [max, 'max'], options?.version);
  return step({ name: 'ZCOUNT', keys: FIRST_KEY, args, read: READ }, toInt, key);
}

type Range = unknown[] | [unknown, number][];

function rangeReply(
  ctx: CacheContext,
  key: string,
  withScores: boolean,
): (reply: Reply) => MaybePromise<Range> {
  return (reply) => (withScores ? decodePairs(ctx, reply, key) : decodeArray(ctx, reply, key));
}

/** ZRANGE / ZREVRANGE by rank (the classic forms). */
export function zrangeStep(
  ctx: CacheContext,
  name: 'ZRANGE' | 'ZREVRANGE',
  key: string,
  start: number,
  stop: number,
  options?: ZRangeOptions,
): Step<Range> {
  const what = name.toLowerCase();
  const args = rankRangeArgs(ctx, what, key, start, stop, options?.version);
  const withScores = flag(options, 'withScores', what, key);
  if (withScores) args.push('WITHSCORES');
  return step({ name, keys: FIRST_KEY, args, read: READ }, rangeReply(ctx, key, withScores), key);
}

/**
 * ZRANGEBYSCORE key min max / ZREVRANGEBYSCORE key max min: `from` and `to` are in the
 * command's own order.
 */
export function zrangeByScoreStep(
  ctx: CacheContext,
  name: 'ZRANGEBYSCORE' | 'ZREVRANGEBYSCORE',
  key: string,
  from: ZScoreBound,
  to: ZScoreBound,
  options?: ZRangeByScoreOptions,
): Step<Range> {
  const what = name.toLowerCase();
  const forward = name === 'ZRANGEBYSCORE';
  const args = scoreRangeArgs(
    ctx,
    what,
    key,
    [from, forward ? 'min' : 'max'],
    [to, forward ? 'max' : 'min'],
    options?.version,
  );
  const withScores = flag(options, 'withScores', what, key);
  if (withScores) args.push('WITHSCORES');
  const { offset, count } = options ?? {};
  if ((offset === undefined) !== (count === undefined)) {
    // LIMIT needs both; guessing the missing one would silently change the result.
    throw new InvalidArgumentError(`${what}: offset and count must be given together`, {
      context: { key },
    });
  }
  if (offset !== undefined && count !== undefined) {
    args.push(
      'LIMIT',
      integer(offset, `${what}: offset`, key),
      integer(count, `${what}: count`, key),
    );
  }
  return step({ name, keys: FIRST_KEY, args, read: READ }, rangeReply(ctx, key, withScores), key);
}

/** ZRANK / ZREVRANK: the member's 0-based rank, `undefined` when it is not a member. */
export function zrankStep(
  ctx: CacheContext,
  name: 'ZRANK' | 'ZREVRANK',
  key: string,
  member: unknown,
  options?: VersionOptions,
): MaybePromise<Step<number | undefined>> {
  const storedKey = ctx.makeKey(key, options?.version);
  return thenMaybe(ctx.encodeMember(member, key), (encoded) =>
    step(
      { name, keys: FIRST_KEY, args: [storedKey, encoded], read: READ },
      (reply) => (reply === null ? undefined : toInt(reply)),
      key,
    ),
  );
}

export function zscoreStep(
  ctx: CacheContext,
  key: string,
  member: unknown,
  options?: VersionOptions,
): MaybePromise<Step<number | undefined>> {
  const storedKey = ctx.makeKey(key, options?.version);
  return thenMaybe(ctx.encodeMember(member, key), (encoded) =>
    step(
      { name: 'ZSCORE', keys: FIRST_KEY, args: [storedKey, encoded], read: READ },
      parseScore,
      key,
    ),
  );
}

export function zmscoreStep(
  ctx: CacheContext,
  key: string,
  members: readonly unknown[],
  options?: VersionOptions,
): MaybePromise<AnyStep<(number | undefined)[]>> {
  const storedKey = ctx.makeKey(key, options?.version);
  // ZMSCORE needs at least one member; no members have no scores.
  if (members.length === 0) return constant([]);
  return thenMaybe(encodeMembers(ctx, members, key), (encoded) =>
    step(
      { name: 'ZMSCORE', keys: FIRST_KEY, args: [storedKey, ...encoded], read: READ },
      (reply) => toArray(reply).map(parseScore),
      key,
    ),
  );
}
