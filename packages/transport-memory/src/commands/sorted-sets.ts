import type { RedisArg, Reply } from '@cachex/core';
import type { EntryOf } from '../entry.js';
import type { Keyspace } from '../keyspace.js';
import { fail, MIN_MAX_NOT_FLOAT, MUST_BE_POSITIVE, SYNTAX } from '../reply-error.js';
import { SortedSet } from '../sorted-set.js';
import { integerOf, keyOf, memberBytes, memberOf, optionOf } from './args.js';
import { boundOf, doubleOf, formatDouble } from './float.js';
import { scoreRange } from './sorted-set-ranges.js';
import type { CommandTable } from './types.js';

// Sorted-set writes and point reads. Ranges (ZRANGE and friends) are in sorted-set-ranges.ts.
// A sorted set's byte size counts each member's bytes plus 8 for its score.

const SCORE_BYTES = 8;

function read(db: Keyspace, arg: RedisArg): EntryOf<'zset'> | undefined {
  return db.read(keyOf(arg), 'zset');
}

/** Sets a member's score, keeping the byte count. */
function setScore(entry: EntryOf<'zset'>, member: string, score: number): void {
  if (entry.value.set(member, score)) entry.bytes += member.length + SCORE_BYTES;
}

function removeMember(entry: EntryOf<'zset'>, member: string): boolean {
  if (!entry.value.delete(member)) return false;
  entry.bytes -= member.length + SCORE_BYTES;
  return true;
}

/** A score as a bulk reply (`%.17g`, `inf`, `-inf`). */
function scoreReply(score: number): Buffer {
  return Buffer.from(formatDouble(score));
}

const NAN_SCORE = 'ERR resulting score is not a number (NaN)';

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member …], as Redis 7.0 parses it:
// options first, then every score (so a bad one changes nothing), then the writes.
function zadd(db: Keyspace, args: readonly RedisArg[]): Reply {
  const flags = new Set<string>();
  let i = 1;
  for (; i < args.length; i++) {
    const option = optionOf(args[i]!);
    if (!['NX', 'XX', 'CH', 'INCR', 'GT', 'LT'].includes(option)) break;
    flags.add(option);
  }
  const pairs = args.length - i;
  if (pairs === 0 || pairs % 2 !== 0) fail(SYNTAX);
  const [nx, xx, gt, lt, incr] = ['NX', 'XX', 'GT', 'LT', 'INCR'].map((f) => flags.has(f));
  if (nx && xx) fail('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    fail('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  if (incr && pairs > 2) fail('ERR INCR option supports a single increment-element pair');
  const items: [number, string][] = [];
  for (let j = i; j < args.length; j += 2) {
    items.push([doubleOf(args[j]!), memberOf(args[j + 1]!)]);
  }
  const key = keyOf(args[0]!);
  const existing = db.read(key, 'zset');
  if (existing === undefined && xx) return incr ? null : 0;
  const entry = existing ?? db.create('zset', new SortedSet());
  let added = 0;
  let changed = 0;
  let result: number | undefined;
  for (const [score, member] of items) {
    const current = entry.value.score(member);
    if (current === undefined) {
      if (xx) continue;
      setScore(entry, member, score);
      added++;
      result = score;
      continue;
    }
    if (nx) continue;
    const next = incr ? current + score : score;
    if (Number.isNaN(next)) {
      db.commit(key, entry);
      fail(NAN_SCORE);
    }
    if ((gt && next <= current) || (lt && next >= current)) continue;
    result = next;
    if (next !== current) {
      setScore(entry, member, next);
      changed++;
    }
  }
  db.commit(key, entry);
  if (incr) return result === undefined ? null : scoreReply(result);
  return flags.has('CH') ? added + changed : added;
}

function zincrby(db: Keyspace, args: readonly RedisArg[]): Reply {
  const delta = doubleOf(args[1]!);
  const key = keyOf(args[0]!);
  const entry = db.read(key, 'zset') ?? db.create('zset', new SortedSet());
  const member = memberOf(args[2]!);
  const next = (entry.value.score(member) ?? 0) + delta;
  if (Number.isNaN(next)) fail(NAN_SCORE);
  setScore(entry, member, next);
  db.commit(key, entry);
  return scoreReply(next);
}

function zrem(db: Keyspace, args: readonly RedisArg[]): Reply {
  const entry = read(db, args[0]!);
  if (entry === undefined) return 0;
  let removed = 0;
  for (const arg of args.slice(1)) if (removeMember(entry, memberOf(arg))) removed++;
  db.commit(keyOf(args[0]!), entry);
  return removed;
}

/** Removes the ranks `[start, end)` and commits; returns how many went. */
function removeRanks(
  db: Keyspace,
  key: string,
  entry: EntryOf<'zset'>,
  start: number,
  end: number,
) {
  if (end <= start) return 0;
  for (const member of entry.value.removeRange(start, end)) {
    entry.bytes -= member.length + SCORE_BYTES;
  }
  db.commit(key, entry);
  return end - start;
}

function zremrangebyrank(db: Keyspace, args: readonly RedisArg[]): Reply {
  let start = integerOf(args[1]!);
  let end = integerOf(args[2]!);
  const entry = read(db, args[0]!);
  if (entry === undefined) return 0;
  const length = entry.value.length;
  if (start < 0) start += length;
  if (end < 0) end += length;
  start = Math.max(start, 0);
  if (start > end || start >= length) return 0;
  end = Math.min(end, length - 1);
  return removeRanks(db, keyOf(args[0]!), entry, start, end + 1);
}

function zremrangebyscore(db: Keyspace, args: readonly RedisArg[]): Reply {
  const min = boundOf(args[1]!, MIN_MAX_NOT_FLOAT);
  const max = boundOf(args[2]!, MIN_MAX_NOT_FLOAT);
  const entry = read(db, args[0]!);
  if (entry === undefined) return 0;
  const [start, end] = scoreRange(entry.value, min, max);
  return removeRanks(db, keyOf(args[0]!), entry, start, end);
}

function zpop(max: boolean) {
  return (db: Keyspace, args: readonly RedisArg[]): Reply => {
    if (args.length > 2) fail(SYNTAX);
    const count = args.length > 1 ? integerOf(args[1]!, MUST_BE_POSITIVE) : 1;
    if (count < 0) fail(MUST_BE_POSITIVE);
    const key = keyOf(args[0]!);
    const entry = db.read(key, 'zset');
    if (entry === undefined || count === 0) return [];
    const length = entry.value.length;
    const n = Math.min(count, length);
    const items = max ? entry.value.slice(length - n, length).reverse() : entry.value.slice(0, n);
    const out: Buffer[] = [];
    for (const [member, score] of items) {
      removeMember(entry, member);
      out.push(memberBytes(member), scoreReply(score));
    }
    db.commit(key, entry);
    return out;
  };
}

function zrank(reverse: boolean) {
  return (db: Keyspace, args: readonly RedisArg[]): Reply => {
    const entry = read(db, args[0]!);
    const rank = entry?.value.rank(memberOf(args[1]!));
    if (entry === undefined || rank === undefined) return null;
    return reverse ? entry.value.length - 1 - rank : rank;
  };
}

function score(db: Keyspace, key: RedisArg, member: RedisArg): Reply {
  const value = read(db, key)?.value.score(memberOf(member));
  return value === undefined ? null : scoreReply(value);
}

/** ZADD ZSCORE ZRANK ZREM ZPOPMIN…: sorted-set writes and point reads. */
export const sortedSetCommands: CommandTable = {
  ZADD: { arity: -4, run: zadd },
  ZINCRBY: { arity: 4, run: zincrby },
  ZCARD: { arity: 2, run: (db, args) => read(db, args[0]!)?.value.length ?? 0 },
  ZSCORE: { arity: 3, run: (db, args) => score(db, args[0]!, args[1]!) },
  ZMSCORE: { arity: -3, run: (db, args) => args.slice(1).map((m) => score(db, args[0]!, m)) },
  ZRANK: { arity: 3, run: zrank(false) },
  ZREVRANK: { arity: 3, run: zrank(true) },
  ZREM: { arity: -3, run: zrem },
  ZREMRANGEBYRANK: { arity: 4, run: zremrangebyrank },
  ZREMRANGEBYSCORE: { arity: 4, run: zremrangebyscore },
  ZPOPMIN: { arity: -2, run: zpop(false) },
  ZPOPMAX: { arity: -2, run: zpop(true) },
};
