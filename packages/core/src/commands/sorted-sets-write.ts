import type { CacheContext } from '../cache-context.js';
import { InvalidArgumentError } from '../errors.js';
import { FIRST_KEY } from '../key-spec.js';
import { type AnyStep, constant, type Step, step } from '../step.js';
import type { MaybePromise } from '../types/codec.js';
import type { RedisArg } from '../types/transport.js';
import { encodeMembers, thenMaybe } from './encoding.js';
import { flag } from './flags.js';
import type { VersionOptions } from './options.js';
import { toInt } from './reply.js';
import type { ZAddOptions, ZMembers, ZPopOptions, ZScoreBound } from './sorted-set-options.js';
import {
  decodePairs,
  formatScore,
  integer,
  memberEntries,
  parseScore,
  rankRangeArgs,
  scoreRangeArgs,
} from './sorted-sets-args.js';

/** The ZADD flags, refusing the combinations Redis rejects before anything is sent. */
function zaddFlags(options: ZAddOptions | undefined, key: string): string[] {
  const nx = flag(options, 'nx', 'zadd', key);
  const xx = flag(options, 'xx', 'zadd', key);
  const gt = flag(options, 'gt', 'zadd', key);
  const lt = flag(options, 'lt', 'zadd', key);
  const ch = flag(options, 'ch', 'zadd', key);
  const clash = (nx && xx) || (nx && (gt || lt)) || (gt && lt);
  if (clash) {
    throw new InvalidArgumentError(
      'zadd: nx cannot be combined with xx, gt or lt; nor gt with lt',
      {
        context: { key },
      },
    );
  }
  const flags: string[] = [];
  if (nx) flags.push('NX');
  if (xx) flags.push('XX');
  if (gt) flags.push('GT');
  if (lt) flags.push('LT');
  if (ch) flags.push('CH');
  return flags;
}

export function zaddStep(
  ctx: CacheContext,
  key: string,
  members: ZMembers,
  options?: ZAddOptions,
): MaybePromise<Step<number>> {
  const flags = zaddFlags(options, key);
  const storedKey = ctx.makeKey(key, options?.version);
  const entries = memberEntries(members, key);
  const scores = entries.map(([, score]) => formatScore(score, 'zadd: score', key));
  return thenMaybe(
    encodeMembers(
      ctx,
      entries.map(([member]) => member),
      key,
    ),
    (encoded) => {
      const args: RedisArg[] = [storedKey, ...flags];
      for (let i = 0; i < encoded.length; i++) args.push(scores[i]!, encoded[i]!);
      return step({ name: 'ZADD', keys: FIRST_KEY, args }, toInt, key);
    },
  );
}

export function zincrbyStep(
  ctx: CacheContext,
  key: string,
  amount: number,
  member: unknown,
  options?: VersionOptions,
): MaybePromise<Step<number>> {
  const storedKey = ctx.makeKey(key, options?.version);
  const increment = formatScore(amount, 'zincrby: amount', key);
  return thenMaybe(ctx.encodeMember(member, key), (encoded) =>
    step(
      { name: 'ZINCRBY', keys: FIRST_KEY, args: [storedKey, increment, encoded] },
      (reply) => parseScore(reply) ?? Number.NaN,
      key,
    ),
  );
}

export function zremStep(
  ctx: CacheContext,
  key: string,
  members: readonly unknown[],
  options?: VersionOptions,
): MaybePromise<AnyStep<number>> {
  const storedKey = ctx.makeKey(key, options?.version);
  // ZREM needs at least one member; removing none removes nothing.
  if (members.length === 0) return constant(0);
  return thenMaybe(encodeMembers(ctx, members, key), (encoded) =>
    step({ name: 'ZREM', keys: FIRST_KEY, args: [storedKey, ...encoded] }, toInt, key),
  );
}

export function zremRangeByRankStep(
  ctx: CacheContext,
  key: string,
  start: number,
  stop: number,
  options?: VersionOptions,
): Step<number> {
  const args = rankRangeArgs(ctx, 'zremrangebyrank', key, start, stop, options?.version);
  return step({ name: 'ZREMRANGEBYRANK', keys: FIRST_KEY, args }, toInt, key);
}

export function zremRangeByScoreStep(
  ctx: CacheContext,
  key: string,
  min: ZScoreBound,
  max: ZScoreBound,
  options?: VersionOptions,
): Step<number> {
  const args = scoreRangeArgs(
    ctx,
    'zremrangebyscore',
    key,
    [min, 'min'],
    [max, 'max'],
    options?.version,
  );
  return step({ name: 'ZREMRANGEBYSCORE', keys: FIRST_KEY, args }, toInt, key);
}

/** ZPOPMIN / ZPOPMAX: always a list of `[member, score]` (one by default, `[]` when empty). */
export function zpopStep(
  ctx: CacheContext,
  name: 'ZPOPMIN' | 'ZPOPMAX',
  key: string,
  options?: ZPopOptions,
): Step<[unknown, number][]> {
  const args: RedisArg[] = [ctx.makeKey(key, options?.version)];
  if (options?.count !== undefined) {
    const count = integer(options.count, `${name.toLowerCase()}: count`, key);
    if (count < 0) {
      throw new InvalidArgumentError(`${name.toLowerCase()}: count must not be negative`, {
        context: { key },
      });
    }
    args.push(count);
  }
  return step({ name, keys: FIRST_KEY, args }, (reply) => decodePairs(ctx, reply, key), key);
}
