import type { CacheContext } from '../cache-context.js';
import { InvalidArgumentError } from '../errors.js';
import type { MaybePromise } from '../types/codec.js';
import type { RedisArg, Reply } from '../types/transport.js';
import { mapMaybe, thenMaybe, toScore } from './encoding.js';
import { toArray } from './reply.js';
import type { ZMembers, ZScoreBound } from './sorted-set-options.js';

// Argument and reply helpers shared by the sorted-set builders.

function invalid(message: string, key: string): InvalidArgumentError {
  return new InvalidArgumentError(message, { context: { key } });
}

/** A score as Redis float text: `±Infinity` becomes `+inf`/`-inf`; NaN is refused. */
export function formatScore(score: number, what: string, key: string): string {
  if (typeof score !== 'number' || Number.isNaN(score)) {
    throw invalid(`${what} must be a number, got ${String(score)}`, key);
  }
  if (score === Number.POSITIVE_INFINITY) return '+inf';
  if (score === Number.NEGATIVE_INFINITY) return '-inf';
  return String(score);
}

/** A score range bound: numbers are formatted, strings (`'(1'`, `'-inf'`) pass through. */
function formatBound(bound: ZScoreBound, what: string, key: string): string {
  return typeof bound === 'string' ? bound : formatScore(bound, what, key);
}

/** A rank, offset or count: Redis only takes integers, so anything else fails before I/O. */
export function integer(value: number, what: string, key: string): number {
  if (!Number.isSafeInteger(value)) {
    throw invalid(`${what} must be an integer, got ${String(value)}`, key);
  }
  return value;
}

/** `key start stop` of a rank-range command, checked (`method` names the caller in errors). */
export function rankRangeArgs(
  ctx: CacheContext,
  method: string,
  key: string,
  start: number,
  stop: number,
  version: number | undefined,
): RedisArg[] {
  return [
    ctx.makeKey(key, version),
    integer(start, `${method}: start`, key),
    integer(stop, `${method}: stop`, key),
  ];
}

/** `key first second` of a score-range command, bounds in the command's own order. */
export function scoreRangeArgs(
  ctx: CacheContext,
  method: string,
  key: string,
  first: [ZScoreBound, string],
  second: [ZScoreBound, string],
  version: number | undefined,
): RedisArg[] {
  return [
    ctx.makeKey(key, version),
    formatBound(first[0], `${method}: ${first[1]}`, key),
    formatBound(second[0], `${method}: ${second[1]}`, key),
  ];
}

/** The `[member, score]` entries of any accepted `zadd` input, checked. */
export function memberEntries(members: ZMembers, key: string): (readonly [unknown, number])[] {
  let entries: (readonly [unknown, number])[];
  if (members instanceof Map) {
    entries = [...(members as ReadonlyMap<unknown, number>).entries()];
  } else if (Array.isArray(members)) {
    entries = members as (readonly [unknown, number])[];
    for (const entry of entries) {
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw invalid('zadd: each member must be a [member, score] tuple', key);
      }
    }
  } else if (typeof members === 'object' && members !== null) {
    entries = Object.entries(members as Readonly<Record<string, number>>);
  } else {
    throw invalid('zadd: members must be a record, a Map or a list of [member, score]', key);
  }
  if (entries.length === 0) throw invalid('zadd: at least one member is required', key);
  return entries;
}

/** A score reply: bulk text under RESP2, a double under RESP3; nil becomes `undefined`. */
export function parseScore(reply: Reply): number | undefined {
  return typeof reply === 'number' ? reply : toScore(reply);
}

/**
 * The `[member, score]` pairs of a WITHSCORES/ZPOP reply, members decoded. RESP2 sends a flat
 * `[m1, s1, m2, s2…]` list; RESP3 nests `[[m1, s1], …]`: both are read.
 */
export function decodePairs(
  ctx: CacheContext,
  reply: Reply,
  key: string,
): MaybePromise<[unknown, number][]> {
  const items = toArray(reply);
  const raw: [Reply, Reply][] = [];
  if (items.length > 0 && items.every((item) => Array.isArray(item))) {
    for (const item of items as Reply[][]) raw.push([item[0] ?? null, item[1] ?? null]);
  } else {
    for (let i = 0; i + 1 < items.length; i += 2)
      raw.push([items[i] ?? null, items[i + 1] ?? null]);
  }
  return mapMaybe(raw, ([member, score]) =>
    thenMaybe(ctx.decode(member as Buffer, key), (decoded): [unknown, number] => [
      decoded,
      parseScore(score) ?? Number.NaN,
    ]),
  );
}
