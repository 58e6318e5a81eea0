import type { RedisArg, Reply } from '@cachex/core';
import type { EntryOf } from '../entry.js';
import type { Keyspace } from '../keyspace.js';
import { ListValue } from '../list-value.js';
import {
  fail,
  INDEX_OUT_OF_RANGE,
  MUST_BE_POSITIVE,
  NO_SUCH_KEY,
  SYNTAX,
  wrongArity,
} from '../reply-error.js';
import { bytesOf, integerOf, keyOf, ok, optionOf, syntax } from './args.js';
import type { CommandTable } from './types.js';

// A list is an array of element bytes (head first); its byte size is the sum of their lengths.
// Blocking pops are in lists-blocking.ts.

function read(db: Keyspace, arg: RedisArg): EntryOf<'list'> | undefined {
  return db.read(keyOf(arg), 'list');
}

function copy(element: Buffer | undefined): Reply {
  return element === undefined ? null : Buffer.from(element);
}

/** A LEFT/RIGHT argument, true for LEFT. */
export function sideOf(arg: RedisArg): boolean {
  const side = optionOf(arg);
  syntax(side === 'LEFT' || side === 'RIGHT');
  return side === 'LEFT';
}

/** Pops one element from a non-empty list and commits it. */
export function popElement(db: Keyspace, key: string, entry: EntryOf<'list'>, left: boolean) {
  const element = (left ? entry.value.shift() : entry.value.pop())!;
  entry.bytes -= element.length;
  db.commit(key, entry);
  return element;
}

/** Pushes elements (in argument order) at one end, creating the list; returns the length. */
function pushElements(db: Keyspace, key: string, elements: Buffer[], left: boolean) {
  const entry = db.read(key, 'list') ?? db.create('list', new ListValue());
  for (const element of elements) {
    if (left) entry.value.unshift(element);
    else entry.value.push(element);
    entry.bytes += element.length;
  }
  db.commit(key, entry);
  return entry.value.length;
}

/** LMOVE's work once the source is known to hold elements: pop, type-check, push. */
export function moveElement(
  db: Keyspace,
  src: string,
  dst: string,
  from: boolean,
  to: boolean,
): Buffer {
  const source = db.read(src, 'list')!;
  db.read(dst, 'list');
  const element = popElement(db, src, source, from);
  pushElements(db, dst, [element], to);
  return Buffer.from(element);
}

function push(left: boolean, onlyExisting: boolean) {
  return (db: Keyspace, args: readonly RedisArg[]): Reply => {
    const key = keyOf(args[0]!);
    if (onlyExisting && read(db, key) === undefined) return 0;
    return pushElements(db, key, args.slice(1).map(bytesOf), left);
  };
}

function pop(left: boolean) {
  return (db: Keyspace, args: readonly RedisArg[]): Reply => {
    if (args.length > 2) throw wrongArity(left ? 'lpop' : 'rpop');
    const count = args.length === 2 ? integerOf(args[1]!, MUST_BE_POSITIVE) : undefined;
    if (count !== undefined && count < 0) fail(MUST_BE_POSITIVE);
    const key = keyOf(args[0]!);
    const entry = db.read(key, 'list');
    if (entry === undefined) return null;
    if (count === undefined) return Buffer.from(popElement(db, key, entry, left));
    const taken: Buffer[] = [];
    while (taken.length < count && entry.value.length > 0) {
      const element = (left ? entry.value.shift() : entry.value.pop())!;
      entry.bytes -= element.length;
      taken.push(Buffer.from(element));
    }
    if (taken.length > 0) db.commit(key, entry);
    return taken;
  };
}

/** Clamps start/stop like LRANGE and LTRIM; undefined when the range is empty. */
function span(length: number, from: number, to: number): [number, number] | undefined {
  const start = Math.max(from < 0 ? from + length : from, 0);
  const end = Math.min(to < 0 ? to + length : to, length - 1);
  return start > end || start >= length ? undefined : [start, end];
}

function lrange(db: Keyspace, args: readonly RedisArg[]): Reply {
  const from = integerOf(args[1]!);
  const to = integerOf(args[2]!);
  const list = read(db, args[0]!)?.value;
  const range = list && span(list.length, from, to);
  return range ? list!.slice(range[0], range[1] + 1).map((e) => Buffer.from(e)) : [];
}

function ltrim(db: Keyspace, args: readonly RedisArg[]): Reply {
  const from = integerOf(args[1]!);
  const to = integerOf(args[2]!);
  const key = keyOf(args[0]!);
  const entry = db.read(key, 'list');
  if (entry === undefined) return ok();
  const range = span(entry.value.length, from, to);
  const kept = range ? entry.value.slice(range[0], range[1] + 1) : [];
  entry.value = new ListValue(kept);
  entry.bytes = kept.reduce((sum, e) => sum + e.length, 0);
  db.commit(key, entry);
  return ok();
}

/** The index of a list position (negative from the end), or undefined when out of range. */
function indexIn(list: ListValue, index: number): number | undefined {
  const i = index < 0 ? list.length + index : index;
  return i >= 0 && i < list.length ? i : undefined;
}

function lset(db: Keyspace, args: readonly RedisArg[]): Reply {
  const key = keyOf(args[0]!);
  const entry = db.read(key, 'list');
  if (entry === undefined) fail(NO_SUCH_KEY);
  const i = indexIn(entry.value, integerOf(args[1]!));
  if (i === undefined) fail(INDEX_OUT_OF_RANGE);
  const element = bytesOf(args[2]!);
  entry.bytes += element.length - entry.value.get(i)!.length;
  entry.value.set(i, element);
  db.commit(key, entry);
  return ok();
}

function lrem(db: Keyspace, args: readonly RedisArg[]): Reply {
  const count = integerOf(args[1]!);
  const key = keyOf(args[0]!);
  const entry = db.read(key, 'list');
  if (entry === undefined) return 0;
  const element = bytesOf(args[2]!);
  const list = entry.value;
  const limit = count === 0 ? Number.POSITIVE_INFINITY : Math.abs(count);
  let removed = 0;
  // From the head for count >= 0, from the tail for count < 0.
  for (let n = 0; n < list.length && removed < limit; ) {
    const i = count < 0 ? list.length - 1 - n : n;
    if (list.get(i)!.equals(element)) {
      list.splice(i, 1);
      entry.bytes -= element.length;
      removed++;
    } else n++;
  }
  db.commit(key, entry);
  return removed;
}

function linsert(db: Keyspace, args: readonly RedisArg[]): Reply {
  const where = optionOf(args[1]!);
  if (where !== 'BEFORE' && where !== 'AFTER') fail(SYNTAX);
  const key = keyOf(args[0]!);
  const entry = db.read(key, 'list');
  if (entry === undefined) return 0;
  const pivot = bytesOf(args[2]!);
  const at = entry.value.indexOf(pivot);
  if (at < 0) return -1;
  const element = bytesOf(args[3]!);
  entry.value.splice(where === 'BEFORE' ? at : at + 1, 0, element);
  entry.bytes += element.length;
  db.commit(key, entry);
  return entry.value.length;
}

function lpos(db: Keyspace, args: readonly RedisArg[]): Reply {
  let rank = 1;
  let count: number | undefined;
  let maxlen = 0;
  for (let i = 2; i < args.length; i++) {
    const option = optionOf(args[i]!);
    syntax(i + 1 < args.length && ['RANK', 'COUNT', 'MAXLEN'].includes(option));
    const value = args[++i]!;
    if (option === 'RANK') {
      rank = integerOf(value);
      if (rank === 0) {
        fail(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
        );
      }
    } else {
      const error = `ERR ${option} can't be negative`;
      const n = integerOf(value, error);
      if (n < 0) fail(error);
      if (option === 'COUNT') count = n;
      else maxlen = n;
    }
  }
  const list = read(db, args[0]!)?.value;
  if (list === undefined) return count === undefined ? null : [];
  const element = bytesOf(args[1]!);
  const found: number[] = [];
  let skip = Math.abs(rank) - 1;
  const wanted = count === 0 ? Number.POSITIVE_INFINITY : (count ?? 1);
  const limit = maxlen === 0 ? list.length : Math.min(maxlen, list.length);
  for (let n = 0; n < limit && found.length < wanted; n++) {
    const i = rank > 0 ? n : list.length - 1 - n;
    if (!list.get(i)!.equals(element)) continue;
    if (skip > 0) skip--;
    else found.push(i);
  }
  return count === undefined ? (found[0] ?? null) : found;
}

function lmove(db: Keyspace, src: RedisArg, dst: RedisArg, from: boolean, to: boolean): Reply {
  const source = read(db, src);
  if (source === undefined) return null;
  return moveElement(db, keyOf(src), keyOf(dst), from, to);
}

/** LPUSH RPOP LRANGE LSET LPOS LMOVE…: the list commands. */
export const listCommands: CommandTable = {
  LPUSH: { arity: -3, run: push(true, false) },
  RPUSH: { arity: -3, run: push(false, false) },
  LPUSHX: { arity: -3, run: push(true, true) },
  RPUSHX: { arity: -3, run: push(false, true) },
  LPOP: { arity: -2, run: pop(true) },
  RPOP: { arity: -2, run: pop(false) },
  LLEN: { arity: 2, run: (db, args) => read(db, args[0]!)?.value.length ?? 0 },
  LINDEX: {
    arity: 3,
    run: (db, args) => {
      const list = read(db, args[0]!)?.value;
      if (list === undefined) return null;
      const i = indexIn(list, integerOf(args[1]!));
      return i === undefined ? null : copy(list.get(i));
    },
  },
  LRANGE: { arity: 4, run: lrange },
  LSET: { arity: 4, run: lset },
  LTRIM: { arity: 4, run: ltrim },
  LREM: { arity: 4, run: lrem },
  LINSERT: { arity: 5, run: linsert },
  LPOS: { arity: -3, run: lpos },
  LMOVE: {
    arity: 5,
    run: (db, args) => {
      const from = sideOf(args[2]!);
      const to = sideOf(args[3]!);
      return lmove(db, args[0]!, args[1]!, from, to);
    },
  },
  RPOPLPUSH: { arity: 3, run: (db, args) => lmove(db, args[0]!, args[1]!, false, true) },
};
