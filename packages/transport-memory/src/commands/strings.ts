import type { RedisArg, Reply } from '@cachex/core';
import type { EntryOf } from '../entry.js';
import type { Keyspace } from '../keyspace.js';
import { fail, NOT_FLOAT, NOT_INTEGER, OVERFLOW, wrongArity } from '../reply-error.js';
import {
  bytesOf,
  expireTimeOf,
  fitsInt64,
  int64Of,
  integerReply,
  keyOf,
  ok,
  optionOf,
  parseInt64Text,
  syntax,
  textOf,
} from './args.js';
import { addLongDouble, formatLongDouble, parseLongDouble } from './float.js';
import type { CommandTable } from './types.js';

function getString(db: Keyspace, key: string): EntryOf<'string'> | undefined {
  return db.read(key, 'string');
}

/** Stores a string, replacing any value of any type; the TTL goes unless `keepTtl`. */
function store(db: Keyspace, key: string, value: Buffer, expiresAt?: number, keepTtl = false) {
  const previous = keepTtl ? db.lookup(key) : undefined;
  const entry = db.create('string', value, value.length);
  entry.expiresAt = expiresAt ?? previous?.expiresAt;
  db.put(key, entry);
}

function copy(entry: EntryOf<'string'> | undefined): Reply {
  return entry === undefined ? null : Buffer.from(entry.value);
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL], parsed like Redis 7.0's
// parseExtendedStringArgumentsOrReply: conflicting options are a syntax error.
function set(db: Keyspace, args: readonly RedisArg[]): Reply {
  const key = keyOf(args[0]!);
  let nx = false;
  let xx = false;
  let get = false;
  let keepTtl = false;
  let expiry: { option: string; arg: RedisArg } | undefined;
  for (let i = 2; i < args.length; i++) {
    const option = optionOf(args[i]!);
    const next = args[i + 1];
    if (option === 'NX' && !xx) nx = true;
    else if (option === 'XX' && !nx) xx = true;
    else if (option === 'GET') get = true;
    else if (option === 'KEEPTTL' && expiry === undefined) keepTtl = true;
    else if (
      (option === 'EX' || option === 'PX' || option === 'EXAT' || option === 'PXAT') &&
      !keepTtl &&
      (expiry === undefined || expiry.option === option) &&
      next !== undefined
    ) {
      expiry = { option, arg: next };
      i++;
    } else syntax(false);
  }
  const expiresAt =
    expiry &&
    expireTimeOf(
      expiry.arg,
      expiry.option.startsWith('E') ? 's' : 'ms',
      expiry.option.endsWith('AT') ? 0 : db.now,
      'set',
      true,
    );
  const previous = get ? copy(getString(db, key)) : null;
  const found = db.lookup(key) !== undefined;
  if ((nx && found) || (xx && !found)) return get ? previous : null;
  store(db, key, bytesOf(args[1]!), expiresAt, keepTtl);
  return get ? previous : ok();
}

function setWithExpiry(name: string, unit: 's' | 'ms') {
  return (db: Keyspace, args: readonly RedisArg[]): Reply => {
    const expiresAt = expireTimeOf(args[1]!, unit, db.now, name, true);
    store(db, keyOf(args[0]!), bytesOf(args[2]!), expiresAt);
    return ok();
  };
}

function mset(nx: boolean) {
  return (db: Keyspace, args: readonly RedisArg[]): Reply => {
    if (args.length % 2 !== 0) throw wrongArity(nx ? 'msetnx' : 'mset');
    if (nx) {
      for (let i = 0; i < args.length; i += 2) if (db.lookup(keyOf(args[i]!))) return 0;
    }
    for (let i = 0; i < args.length; i += 2) store(db, keyOf(args[i]!), bytesOf(args[i + 1]!));
    return nx ? 1 : ok();
  };
}

/** INCRBY and friends: 64-bit integer arithmetic on the text, keeping the TTL. */
function incrementBy(db: Keyspace, keyArg: RedisArg, delta: bigint): Reply {
  const key = keyOf(keyArg);
  const entry = getString(db, key);
  const current = entry === undefined ? 0n : parseInt64Text(entry.value.toString('latin1'));
  if (current === undefined) fail(NOT_INTEGER);
  const next = current + delta;
  if (!fitsInt64(next)) fail(OVERFLOW);
  store(db, key, Buffer.from(next.toString()), undefined, true);
  return integerReply(next);
}

function decrementBy(db: Keyspace, keyArg: RedisArg, delta: bigint): Reply {
  if (delta === -(2n ** 63n)) fail('ERR decrement would overflow');
  return incrementBy(db, keyArg, -delta);
}

function incrbyfloat(db: Keyspace, args: readonly RedisArg[]): Reply {
  const key = keyOf(args[0]!);
  const entry = getString(db, key);
  const current =
    entry === undefined
      ? { negative: false, mantissa: 0n, exponent: 0 }
      : parseLongDouble(entry.value.toString('latin1'));
  const delta = parseLongDouble(textOf(args[1]!));
  if (current === undefined || delta === undefined) fail(NOT_FLOAT);
  const sum =
    typeof current === 'number' || typeof delta === 'number'
      ? undefined
      : addLongDouble(current, delta);
  if (sum === undefined) fail('ERR increment would produce NaN or Infinity');
  const text = Buffer.from(formatLongDouble(sum));
  store(db, key, text, undefined, true);
  return Buffer.from(text);
}

function append(db: Keyspace, args: readonly RedisArg[]): Reply {
  const key = keyOf(args[0]!);
  const entry = getString(db, key);
  const value = entry ? Buffer.concat([entry.value, bytesOf(args[1]!)]) : bytesOf(args[1]!);
  store(db, key, value, undefined, true);
  return value.length;
}

/** GET SET MGET MSET INCR… : the string commands. */
export const stringCommands: CommandTable = {
  GET: { arity: 2, run: (db, args) => copy(getString(db, keyOf(args[0]!))) },
  SET: { arity: -3, run: set },
  SETNX: {
    arity: 3,
    run: (db, args) => (set(db, [args[0]!, args[1]!, 'NX']) === null ? 0 : 1),
  },
  SETEX: { arity: 4, run: setWithExpiry('setex', 's') },
  PSETEX: { arity: 4, run: setWithExpiry('psetex', 'ms') },
  GETSET: { arity: 3, run: (db, args) => set(db, [args[0]!, args[1]!, 'GET']) },
  GETDEL: {
    arity: 2,
    run: (db, args) => {
      const key = keyOf(args[0]!);
      const value = copy(getString(db, key));
      if (value !== null) db.delete(key);
      return value;
    },
  },
  MGET: {
    arity: -2,
    // MGET answers nil for a key of another type instead of failing.
    run: (db, args) =>
      args.map((arg) => {
        const entry = db.lookup(keyOf(arg));
        return entry?.type === 'string' ? Buffer.from(entry.value) : null;
      }),
  },
  MSET: { arity: -3, run: mset(false) },
  MSETNX: { arity: -3, run: mset(true) },
  STRLEN: { arity: 2, run: (db, args) => getString(db, keyOf(args[0]!))?.value.length ?? 0 },
  APPEND: { arity: 3, run: append },
  INCR: { arity: 2, run: (db, args) => incrementBy(db, args[0]!, 1n) },
  DECR: { arity: 2, run: (db, args) => incrementBy(db, args[0]!, -1n) },
  INCRBY: { arity: 3, run: (db, args) => incrementBy(db, args[0]!, int64Of(args[1]!)) },
  DECRBY: { arity: 3, run: (db, args) => decrementBy(db, args[0]!, int64Of(args[1]!)) },
  INCRBYFLOAT: { arity: 3, run: incrbyfloat },
};
