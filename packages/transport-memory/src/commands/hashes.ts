import type { RedisArg, Reply } from '@cachex/core';
import type { EntryOf } from '../entry.js';
import type { Keyspace } from '../keyspace.js';
import { fail, NOT_FLOAT, OVERFLOW, wrongArity } from '../reply-error.js';
import {
  bytesOf,
  fitsInt64,
  int64Of,
  integerReply,
  keyOf,
  memberBytes,
  memberOf,
  ok,
  parseInt64Text,
  textOf,
} from './args.js';
import { addLongDouble, formatLongDouble, parseLongDouble } from './float.js';
import type { CommandTable } from './types.js';

// A hash is a Map of field (latin1 string of its bytes) → value bytes, in insertion order like
// a small Redis hash. Its byte size is the sum of field and value lengths.

function read(db: Keyspace, args: readonly RedisArg[]): EntryOf<'hash'> | undefined {
  return db.read(keyOf(args[0]!), 'hash');
}

function readOrCreate(db: Keyspace, key: string): EntryOf<'hash'> {
  return db.read(key, 'hash') ?? db.create('hash', new Map<string, Buffer>());
}

/** Sets a field; returns whether it is new. The caller commits the entry. */
function setField(entry: EntryOf<'hash'>, field: string, value: Buffer): boolean {
  const old = entry.value.get(field);
  entry.value.set(field, value);
  entry.bytes += old === undefined ? field.length + value.length : value.length - old.length;
  return old === undefined;
}

function hset(name: string) {
  return (db: Keyspace, args: readonly RedisArg[]): Reply => {
    if (args.length % 2 === 0) throw wrongArity(name);
    const key = keyOf(args[0]!);
    const entry = readOrCreate(db, key);
    let added = 0;
    for (let i = 1; i < args.length; i += 2) {
      if (setField(entry, memberOf(args[i]!), bytesOf(args[i + 1]!))) added++;
    }
    db.commit(key, entry);
    return name === 'hmset' ? ok() : added;
  };
}

function hsetnx(db: Keyspace, args: readonly RedisArg[]): Reply {
  const key = keyOf(args[0]!);
  const entry = readOrCreate(db, key);
  const field = memberOf(args[1]!);
  if (entry.value.has(field)) return 0;
  setField(entry, field, bytesOf(args[2]!));
  db.commit(key, entry);
  return 1;
}

function hdel(db: Keyspace, args: readonly RedisArg[]): Reply {
  const entry = read(db, args);
  if (entry === undefined) return 0;
  let removed = 0;
  for (const arg of args.slice(1)) {
    const field = memberOf(arg);
    const old = entry.value.get(field);
    if (old === undefined) continue;
    entry.value.delete(field);
    entry.bytes -= field.length + old.length;
    removed++;
  }
  db.commit(keyOf(args[0]!), entry);
  return removed;
}

function hincrby(db: Keyspace, args: readonly RedisArg[]): Reply {
  const delta = int64Of(args[2]!);
  const key = keyOf(args[0]!);
  const entry = readOrCreate(db, key);
  const field = memberOf(args[1]!);
  const old = entry.value.get(field);
  const current = old === undefined ? 0n : parseInt64Text(old.toString('latin1'));
  if (current === undefined) fail('ERR hash value is not an integer');
  const next = current + delta;
  if (!fitsInt64(next)) fail(OVERFLOW);
  setField(entry, field, Buffer.from(next.toString()));
  db.commit(key, entry);
  return integerReply(next);
}

function hincrbyfloat(db: Keyspace, args: readonly RedisArg[]): Reply {
  const delta = parseLongDouble(textOf(args[2]!));
  if (delta === undefined) fail(NOT_FLOAT);
  if (typeof delta === 'number') fail('ERR value is NaN or Infinity');
  const key = keyOf(args[0]!);
  const entry = readOrCreate(db, key);
  const field = memberOf(args[1]!);
  const old = entry.value.get(field);
  const current =
    old === undefined
      ? { negative: false, mantissa: 0n, exponent: 0 }
      : parseLongDouble(old.toString('latin1'));
  if (current === undefined) fail('ERR hash value is not a float');
  const sum = typeof current === 'number' ? undefined : addLongDouble(current, delta);
  if (sum === undefined) fail('ERR increment would produce NaN or Infinity');
  const text = Buffer.from(formatLongDouble(sum));
  setField(entry, field, text);
  db.commit(key, entry);
  return Buffer.from(text);
}

function hgetall(db: Keyspace, args: readonly RedisArg[]): Reply {
  const out: Buffer[] = [];
  for (const [field, value] of read(db, args)?.value ?? []) {
    out.push(memberBytes(field), Buffer.from(value));
  }
  return out;
}

/** HSET HGET HGETALL HINCRBY…: the hash commands. */
export const hashCommands: CommandTable = {
  HSET: { arity: -4, run: hset('hset') },
  HMSET: { arity: -4, run: hset('hmset') },
  HSETNX: { arity: 4, run: hsetnx },
  HGET: {
    arity: 3,
    run: (db, args) => {
      const value = read(db, args)?.value.get(memberOf(args[1]!));
      return value === undefined ? null : Buffer.from(value);
    },
  },
  HMGET: {
    arity: -3,
    run: (db, args) => {
      const hash = read(db, args)?.value;
      return args.slice(1).map((arg) => {
        const value = hash?.get(memberOf(arg));
        return value === undefined ? null : Buffer.from(value);
      });
    },
  },
  HGETALL: { arity: 2, run: hgetall },
  HDEL: { arity: -3, run: hdel },
  HEXISTS: { arity: 3, run: (db, args) => (read(db, args)?.value.has(memberOf(args[1]!)) ? 1 : 0) },
  HLEN: { arity: 2, run: (db, args) => read(db, args)?.value.size ?? 0 },
  HSTRLEN: {
    arity: 3,
    run: (db, args) => read(db, args)?.value.get(memberOf(args[1]!))?.length ?? 0,
  },
  HKEYS: {
    arity: 2,
    run: (db, args) => [...(read(db, args)?.value.keys() ?? [])].map(memberBytes),
  },
  HVALS: {
    arity: 2,
    run: (db, args) => [...(read(db, args)?.value.values() ?? [])].map((v) => Buffer.from(v)),
  },
  HINCRBY: { arity: 4, run: hincrby },
  HINCRBYFLOAT: { arity: 4, run: hincrbyfloat },
};
