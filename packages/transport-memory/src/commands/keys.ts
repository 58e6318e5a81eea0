import type { RedisArg, Reply } from '@cachex/core';
import type { Entry } from '../entry.js';
import type { Keyspace } from '../keyspace.js';
import { fail, NO_SUCH_KEY, SYNTAX, wrongArity } from '../reply-error.js';
import { bytesOf, expireTimeOf, integerOf, keyOf, ok, optionOf, status, textOf } from './args.js';
import { compileGlob } from './glob.js';
import type { CommandTable } from './types.js';

function count(args: readonly RedisArg[], action: (key: string) => boolean): number {
  let n = 0;
  for (const arg of args) if (action(keyOf(arg))) n++;
  return n;
}

function rename(nx: boolean) {
  return (db: Keyspace, args: readonly RedisArg[]): Reply => {
    const src = keyOf(args[0]!);
    const dst = keyOf(args[1]!);
    const entry = db.lookup(src);
    if (entry === undefined) fail(NO_SUCH_KEY);
    if (src === dst) return nx ? 0 : ok();
    if (nx && db.lookup(dst) !== undefined) return 0;
    // The entry moves with its expiry time: atomic, and the TTL is kept (incrVersion relies on it).
    db.delete(src);
    db.delete(dst);
    db.put(dst, entry);
    return nx ? 1 : ok();
  };
}

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

function expireFlags(args: readonly RedisArg[]): number {
  let flags = 0;
  for (const arg of args.slice(2)) {
    const option = optionOf(arg);
    if (option === 'NX') flags |= NX;
    else if (option === 'XX') flags |= XX;
    else if (option === 'GT') flags |= GT;
    else if (option === 'LT') flags |= LT;
    else fail(`ERR Unsupported option ${textOf(arg)}`);
  }
  if (flags & NX && flags & (XX | GT | LT)) {
    fail('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags & GT && flags & LT) fail('ERR GT and LT options at the same time are not compatible');
  return flags;
}

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX/XX/GT/LT; a time not in the future deletes. */
function expire(name: string, unit: 's' | 'ms', absolute: boolean) {
  return (db: Keyspace, args: readonly RedisArg[]): Reply => {
    const flags = expireFlags(args);
    const when = expireTimeOf(args[1]!, unit, absolute ? 0 : db.now, name, false);
    const key = keyOf(args[0]!);
    const entry = db.lookup(key);
    if (entry === undefined) return 0;
    const current = entry.expiresAt;
    if (flags & NX && current !== undefined) return 0;
    if (flags & XX && current === undefined) return 0;
    // No expiry counts as infinite: GT never applies to it, LT always does.
    if (flags & GT && (current === undefined || when <= current)) return 0;
    if (flags & LT && current !== undefined && when >= current) return 0;
    if (when <= db.now) db.delete(key);
    else db.setExpiry(key, entry, when);
    return 1;
  };
}

/** TTL/PTTL (relative) and EXPIRETIME/PEXPIRETIME (absolute); -2 missing, -1 no expiry. */
function ttl(ms: boolean, absolute: boolean) {
  return (db: Keyspace, args: readonly RedisArg[]): Reply => {
    const entry = db.peek(keyOf(args[0]!));
    if (entry === undefined) return -2;
    if (entry.expiresAt === undefined) return -1;
    const left = absolute ? entry.expiresAt : Math.max(0, entry.expiresAt - db.now);
    return ms ? Math.floor(left) : Math.floor((left + 500) / 1000);
  };
}

function flush(db: Keyspace, args: readonly RedisArg[]): Reply {
  for (const arg of args) {
    const option = optionOf(arg);
    if (option !== 'ASYNC' && option !== 'SYNC') fail(SYNTAX);
  }
  db.flush();
  return ok();
}

function typeName(entry: Entry | undefined): string {
  return entry === undefined ? 'none' : entry.type;
}

function keys(db: Keyspace, args: readonly RedisArg[]): Reply {
  const match = compileGlob(textOf(args[0]!));
  const found: Buffer[] = [];
  for (const [key, entry] of db.entries()) {
    if (!db.isExpired(entry) && match(key)) found.push(Buffer.from(key));
  }
  return found;
}

/** DEL EXISTS RENAME TTL EXPIRE TYPE FLUSHDB PING…: commands on keys and the database. */
export const keyCommands: CommandTable = {
  DEL: { arity: -2, run: (db, args) => count(args, (k) => db.delete(k)) },
  UNLINK: { arity: -2, run: (db, args) => count(args, (k) => db.delete(k)) },
  EXISTS: { arity: -2, run: (db, args) => count(args, (k) => db.peek(k) !== undefined) },
  TOUCH: { arity: -2, run: (db, args) => count(args, (k) => db.lookup(k) !== undefined) },
  RENAME: { arity: 3, run: rename(false) },
  RENAMENX: { arity: 3, run: rename(true) },
  TTL: { arity: 2, run: ttl(false, false) },
  PTTL: { arity: 2, run: ttl(true, false) },
  EXPIRETIME: { arity: 2, run: ttl(false, true) },
  PEXPIRETIME: { arity: 2, run: ttl(true, true) },
  EXPIRE: { arity: -3, run: expire('expire', 's', false) },
  PEXPIRE: { arity: -3, run: expire('pexpire', 'ms', false) },
  EXPIREAT: { arity: -3, run: expire('expireat', 's', true) },
  PEXPIREAT: { arity: -3, run: expire('pexpireat', 'ms', true) },
  PERSIST: {
    arity: 2,
    run: (db, args) => {
      const key = keyOf(args[0]!);
      const entry = db.lookup(key);
      if (entry?.expiresAt === undefined) return 0;
      db.setExpiry(key, entry, undefined);
      return 1;
    },
  },
  TYPE: { arity: 2, run: (db, args) => status(typeName(db.peek(keyOf(args[0]!)))) },
  KEYS: { arity: 2, run: keys },
  FLUSHDB: { arity: -1, run: flush },
  FLUSHALL: { arity: -1, run: flush },
  DBSIZE: {
    arity: 1,
    run: (db) => {
      db.sweep(Number.POSITIVE_INFINITY);
      return db.size;
    },
  },
  PING: {
    arity: -1,
    run: (_db, args) => {
      if (args.length > 1) throw wrongArity('ping');
      return args.length === 0 ? status('PONG') : bytesOf(args[0]!);
    },
  },
  ECHO: { arity: 2, run: (_db, args) => bytesOf(args[0]!) },
  // No replicas: every write is acknowledged by all 0 of them at once.
  WAIT: {
    arity: 3,
    run: (_db, args) => {
      integerOf(args[0]!);
      if (integerOf(args[1]!) < 0) fail('ERR timeout is negative');
      return 0;
    },
  },
};
