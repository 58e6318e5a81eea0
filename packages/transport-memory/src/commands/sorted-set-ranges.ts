import type { RedisArg, Reply } from '@cachex/core';
import type { Keyspace } from '../keyspace.js';
import { fail, MIN_MAX_NOT_FLOAT, SYNTAX } from '../reply-error.js';
import type { SortedSet } from '../sorted-set.js';
import { integerOf, keyOf, memberBytes, memberOf, optionOf, textOf } from './args.js';
import { boundOf, formatDouble, type ScoreBound } from './float.js';
import type { CommandTable } from './types.js';

// ZRANGE in all its forms (by rank, score or lex; forward or REV; LIMIT; WITHSCORES) through
// one parser, as Redis 7.0's zrangeGenericCommand does: the legacy commands (ZREVRANGE,
// ZRANGEBYSCORE…) are ZRANGE with the type and direction fixed, so their errors match too.

/** The ranks `[start, end)` whose scores are within `min..max`. */
export function scoreRange(zset: SortedSet, min: ScoreBound, max: ScoreBound): [number, number] {
  const start = zset.lowerBound(min.value, min.exclusive);
  const end = zset.upperBound(max.value, max.exclusive);
  return [start, Math.max(start, end)];
}

const LEX_ERROR = 'ERR min or max not valid string range item';

/** A lex bound: `-`, `+`, `[member` (inclusive) or `(member` (exclusive). */
function lexBound(zset: SortedSet, arg: RedisArg, isMax: boolean): number {
  const text = memberOf(arg);
  if (text === '-') return 0;
  if (text === '+') return zset.length;
  const kind = text[0];
  if (kind !== '[' && kind !== '(') fail(LEX_ERROR);
  const member = text.slice(1);
  // Min: the first member not below it (after it when exclusive). Max: past the last member
  // not above it (before it when exclusive).
  return isMax ? zset.lexBound(member, kind === '[') : zset.lexBound(member, kind === '(');
}

function checkLex(arg: RedisArg): void {
  const text = textOf(arg);
  if (text !== '-' && text !== '+' && text[0] !== '[' && text[0] !== '(') fail(LEX_ERROR);
}

type RangeType = 'rank' | 'score' | 'lex';

interface Preset {
  type?: RangeType;
  reverse?: boolean;
}

function zrange(db: Keyspace, args: readonly RedisArg[], preset: Preset): Reply {
  let type = preset.type;
  let reverse = preset.reverse;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let i = 3; i < args.length; i++) {
    const option = optionOf(args[i]!);
    if (option === 'WITHSCORES') withScores = true;
    else if (option === 'LIMIT' && args.length - i - 1 >= 2) {
      offset = integerOf(args[i + 1]!);
      limit = integerOf(args[i + 2]!);
      i += 2;
    } else if (reverse === undefined && option === 'REV') reverse = true;
    else if (type === undefined && option === 'BYLEX') type = 'lex';
    else if (type === undefined && option === 'BYSCORE') type = 'score';
    else fail(SYNTAX);
  }
  const rangeType = type ?? 'rank';
  const rev = reverse ?? false;
  if (limit !== -1 && rangeType === 'rank') {
    fail('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  }
  if (withScores && rangeType === 'lex') {
    fail('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  }
  // REV ranges by score or lex are given as max, min.
  const [minArg, maxArg] =
    rev && rangeType !== 'rank' ? [args[2]!, args[1]!] : [args[1]!, args[2]!];
  let ranks: [number, number] | undefined;
  let min: ScoreBound | undefined;
  let max: ScoreBound | undefined;
  if (rangeType === 'rank') ranks = [integerOf(minArg), integerOf(maxArg)];
  else if (rangeType === 'score') {
    min = boundOf(minArg, MIN_MAX_NOT_FLOAT);
    max = boundOf(maxArg, MIN_MAX_NOT_FLOAT);
  } else {
    checkLex(minArg);
    checkLex(maxArg);
  }
  const entry = db.read(keyOf(args[0]!), 'zset');
  if (entry === undefined) return [];
  const zset = entry.value;
  let items: [string, number][];
  if (ranks) {
    items = byRank(zset, ranks[0], ranks[1], rev);
  } else {
    const [start, end] =
      rangeType === 'score'
        ? scoreRange(zset, min!, max!)
        : [lexBound(zset, minArg, false), lexBound(zset, maxArg, true)];
    // LIMIT: a negative offset selects nothing, a negative count everything after the offset.
    const count = Math.max(0, end - start);
    const from = offset;
    const to = limit < 0 ? count : Math.min(count, offset + limit);
    if (from < 0 || from >= to) items = [];
    else if (rev) items = zset.slice(end - to, end - from).reverse();
    else items = zset.slice(start + from, start + to);
  }
  const out: Buffer[] = [];
  for (const [member, score] of items) {
    out.push(memberBytes(member));
    if (withScores) out.push(Buffer.from(formatDouble(score)));
  }
  return out;
}

/** ZRANGE start stop by rank (negative = from the end), in reply order. */
function byRank(zset: SortedSet, from: number, to: number, reverse: boolean): [string, number][] {
  const length = zset.length;
  let start = from < 0 ? from + length : from;
  let end = to < 0 ? to + length : to;
  start = Math.max(start, 0);
  if (start > end || start >= length) return [];
  end = Math.min(end, length - 1);
  if (!reverse) return zset.slice(start, end + 1);
  return zset.slice(length - 1 - end, length - start).reverse();
}

function zcount(db: Keyspace, args: readonly RedisArg[]): Reply {
  const min = boundOf(args[1]!, MIN_MAX_NOT_FLOAT);
  const max = boundOf(args[2]!, MIN_MAX_NOT_FLOAT);
  const entry = db.read(keyOf(args[0]!), 'zset');
  if (entry === undefined) return 0;
  const [start, end] = scoreRange(entry.value, min, max);
  return end - start;
}

function zlexcount(db: Keyspace, args: readonly RedisArg[]): Reply {
  checkLex(args[1]!);
  checkLex(args[2]!);
  const entry = db.read(keyOf(args[0]!), 'zset');
  if (entry === undefined) return 0;
  const start = lexBound(entry.value, args[1]!, false);
  const end = lexBound(entry.value, args[2]!, true);
  return Math.max(0, end - start);
}

function ranged(preset: Preset) {
  return (db: Keyspace, args: readonly RedisArg[]): Reply => zrange(db, args, preset);
}

/** ZRANGE ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZCOUNT…: sorted-set ranges. */
export const sortedSetRangeCommands: CommandTable = {
  ZRANGE: { arity: -4, run: ranged({}) },
  ZREVRANGE: { arity: -4, run: ranged({ type: 'rank', reverse: true }) },
  ZRANGEBYSCORE: { arity: -4, run: ranged({ type: 'score', reverse: false }) },
  ZREVRANGEBYSCORE: { arity: -4, run: ranged({ type: 'score', reverse: true }) },
  ZRANGEBYLEX: { arity: -4, run: ranged({ type: 'lex', reverse: false }) },
  ZREVRANGEBYLEX: { arity: -4, run: ranged({ type: 'lex', reverse: true }) },
  ZCOUNT: { arity: 4, run: zcount },
  ZLEXCOUNT: { arity: 4, run: zlexcount },
};
