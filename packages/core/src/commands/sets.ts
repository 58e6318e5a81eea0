import type { CacheContext } from '../cache-context.js';
import { InvalidArgumentError } from '../errors.js';
import { FIRST_KEY } from '../key-spec.js';
import { type AnyStep, constant, type Step, step } from '../step.js';
import type { EncodedValue, MaybePromise } from '../types/codec.js';
import type { Reply } from '../types/transport.js';
import { decodeArray, decodeOrUndefined, encodeMembers, thenMaybe } from './encoding.js';
import type { VersionOptions } from './options.js';
import { toArray, toBool, toInt } from './reply.js';

// Single-key set commands. Members go through the codec's deterministic encoding, so the
// membership probes (srem, sismember, smismember, smove) find equal objects whatever their
// key order.

const READ = true;

/** Options of `spop` and `srandmember`. */
export interface SetPopOptions extends VersionOptions {
  /**
   * Ask for a list instead of one member: up to `count` members. `srandmember` also takes a
   * negative count: exactly `-count` members, possibly repeated.
   */
  count?: number;
}

function checkCount(count: number, method: string, key: string, allowNegative: boolean): void {
  if (!Number.isSafeInteger(count) || (!allowNegative && count < 0)) {
    throw new InvalidArgumentError(
      `${method}: count must be a${allowNegative ? 'n' : ' non-negative'} integer, got ${String(count)}`,
      { context: { key } },
    );
  }
}

/** Members always come as a list (so an array member is unambiguous); checked for JS callers. */
function checkList(members: readonly unknown[], method: string, key: string): void {
  if (!Array.isArray(members)) {
    throw new InvalidArgumentError(`${method}: members must be an array`, { context: { key } });
  }
}

export function saddStep(
  ctx: CacheContext,
  key: string,
  members: readonly unknown[],
  options?: VersionOptions,
): MaybePromise<Step<number>> {
  checkList(members, 'sadd', key);
  // Like hset with an empty mapping: adding nothing is a caller bug (the server rejects it too).
  if (members.length === 0) {
    throw new InvalidArgumentError('sadd: no members to add', { context: { key } });
  }
  const storedKey = ctx.makeKey(key, options?.version);
  return thenMaybe(encodeMembers(ctx, members, key), (encoded: EncodedValue[]) =>
    step({ name: 'SADD', keys: FIRST_KEY, args: [storedKey, ...encoded] }, toInt, key),
  );
}

export function sremStep(
  ctx: CacheContext,
  key: string,
  members: readonly unknown[],
  options?: VersionOptions,
): MaybePromise<AnyStep<number>> {
  checkList(members, 'srem', key);
  const storedKey = ctx.makeKey(key, options?.version);
  if (members.length === 0) return constant(0);
  return thenMaybe(encodeMembers(ctx, members, key), (encoded: EncodedValue[]) =>
    step({ name: 'SREM', keys: FIRST_KEY, args: [storedKey, ...encoded] }, toInt, key),
  );
}

export function smembersStep<T>(
  ctx: CacheContext,
  key: string,
  options?: VersionOptions,
): Step<T[]> {
  return step(
    { name: 'SMEMBERS', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: READ },
    (reply) => decodeArray(ctx, reply, key) as MaybePromise<T[]>,
    key,
  );
}

export function sismemberStep(
  ctx: CacheContext,
  key: string,
  member: unknown,
  options?: VersionOptions,
): MaybePromise<Step<boolean>> {
  const storedKey = ctx.makeKey(key, options?.version);
  return thenMaybe(ctx.encodeMember(member, key), (encoded) =>
    step(
      { name: 'SISMEMBER', keys: FIRST_KEY, args: [storedKey, encoded], read: READ },
      toBool,
      key,
    ),
  );
}

export function smismemberStep(
  ctx: CacheContext,
  key: string,
  members: readonly unknown[],
  options?: VersionOptions,
): MaybePromise<AnyStep<boolean[]>> {
  checkList(members, 'smismember', key);
  const storedKey = ctx.makeKey(key, options?.version);
  if (members.length === 0) return constant([]);
  return thenMaybe(encodeMembers(ctx, members, key), (encoded: EncodedValue[]) =>
    step(
      { name: 'SMISMEMBER', keys: FIRST_KEY, args: [storedKey, ...encoded], read: READ },
      (reply: Reply) => toArray(reply).map(toBool),
      key,
    ),
  );
}

export function scardStep(ctx: CacheContext, key: string, options?: VersionOptions): Step<number> {
  return step(
    { name: 'SCARD', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: READ },
    toInt,
    key,
  );
}

/** SPOP / SRANDMEMBER: one member (or `undefined`) without a count, a list with one. */
function pickStep(
  ctx: CacheContext,
  name: 'SPOP' | 'SRANDMEMBER',
  key: string,
  options: SetPopOptions | undefined,
): Step<unknown> {
  const storedKey = ctx.makeKey(key, options?.version);
  const read = name === 'SRANDMEMBER';
  const count = options?.count;
  if (count === undefined) {
    return step(
      { name, keys: FIRST_KEY, args: [storedKey], read },
      (reply) => decodeOrUndefined(ctx, reply, key),
      key,
    );
  }
  checkCount(count, name.toLowerCase(), key, read);
  // With a count the server answers an array ([] for a missing key).
  return step(
    { name, keys: FIRST_KEY, args: [storedKey, count], read },
    (reply) => decodeArray(ctx, reply, key),
    key,
  );
}

export function spopStep(ctx: CacheContext, key: string, options?: SetPopOptions): Step<unknown> {
  return pickStep(ctx, 'SPOP', key, options);
}

export function srandmemberStep(
  ctx: CacheContext,
  key: string,
  options?: SetPopOptions,
): Step<unknown> {
  return pickStep(ctx, 'SRANDMEMBER', key, options);
}
