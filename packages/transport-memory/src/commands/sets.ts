import type { RedisArg, Reply } from '@cachex/core';
import type { EntryOf } from '../entry.js';
import type { Keyspace } from '../keyspace.js';
import { fail, MUST_BE_POSITIVE } from '../reply-error.js';
import { integerOf, keyOf, memberBytes, memberOf } from './args.js';
import type { CommandTable } from './types.js';

// A set is a Set of members (latin1 strings of their bytes); its byte size is the sum of the
// member lengths.

function read(db: Keyspace, arg: RedisArg): EntryOf<'set'> | undefined {
  return db.read(keyOf(arg), 'set');
}

function add(entry: EntryOf<'set'>, member: string): boolean {
  if (entry.value.has(member)) return false;
  entry.value.add(member);
  entry.bytes += member.length;
  return true;
}

function remove(entry: EntryOf<'set'>, member: string): boolean {
  if (!entry.value.delete(member)) return false;
  entry.bytes -= member.length;
  return true;
}

function sadd(db: Keyspace, args: readonly RedisArg[]): Reply {
  const key = keyOf(args[0]!);
  const entry = db.read(key, 'set') ?? db.create('set', new Set<string>());
  let added = 0;
  for (const arg of args.slice(1)) if (add(entry, memberOf(arg))) added++;
  db.commit(key, entry);
  return added;
}

function srem(db: Keyspace, args: readonly RedisArg[]): Reply {
  const entry = read(db, args[0]!);
  if (entry === undefined) return 0;
  let removed = 0;
  for (const arg of args.slice(1)) if (remove(entry, memberOf(arg))) removed++;
  db.commit(keyOf(args[0]!), entry);
  return removed;
}

/** `count` distinct random members (a partial Fisher-Yates shuffle). */
function sample(members: Set<string>, count: number): string[] {
  const all = [...members];
  const n = Math.min(count, all.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(Math.random() * (all.length - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, n);
}

function spop(db: Keyspace, args: readonly RedisArg[]): Reply {
  const count = args.length > 1 ? integerOf(args[1]!, MUST_BE_POSITIVE) : undefined;
  if (count !== undefined && count < 0) fail(MUST_BE_POSITIVE);
  if (args.length > 2) fail('ERR syntax error');
  const key = keyOf(args[0]!);
  const entry = db.read(key, 'set');
  if (entry === undefined) return count === undefined ? null : [];
  const popped = sample(entry.value, count ?? 1);
  for (const member of popped) remove(entry, member);
  db.commit(key, entry);
  if (count === undefined) return memberBytes(popped[0]!);
  return popped.map(memberBytes);
}

function srandmember(db: Keyspace, args: readonly RedisArg[]): Reply {
  if (args.length > 2) fail('ERR syntax error');
  const count = args.length > 1 ? integerOf(args[1]!) : undefined;
  const entry = read(db, args[0]!);
  if (count === undefined) {
    return entry === undefined ? null : memberBytes(sample(entry.value, 1)[0]!);
  }
  if (entry === undefined || count === 0) return [];
  if (count > 0) return sample(entry.value, count).map(memberBytes);
  // A negative count may repeat members and always returns |count| of them.
  const all = [...entry.value];
  return Array.from({ length: -count }, () =>
    memberBytes(all[Math.floor(Math.random() * all.length)]!),
  );
}

function smove(db: Keyspace, args: readonly RedisArg[]): Reply {
  const srcKey = keyOf(args[0]!);
  const dstKey = keyOf(args[1]!);
  const src = db.lookup(srcKey);
  const dst = db.lookup(dstKey);
  if (src === undefined) return 0;
  const source = db.read(srcKey, 'set')!;
  const target = db.read(dstKey, 'set');
  const member = memberOf(args[2]!);
  if (src === dst) return source.value.has(member) ? 1 : 0;
  if (!remove(source, member)) return 0;
  db.commit(srcKey, source);
  const destination = target ?? db.create('set', new Set<string>());
  add(destination, member);
  db.commit(dstKey, destination);
  return 1;
}

type Combine = 'inter' | 'union' | 'diff';

/** SINTER/SUNION/SDIFF over every key (missing keys are empty sets; every key is type-checked). */
function combine(db: Keyspace, keys: readonly RedisArg[], how: Combine): Set<string> {
  const sets = keys.map((k) => read(db, k)?.value ?? new Set<string>());
  const [first = new Set<string>(), ...rest] = sets;
  if (how === 'union') {
    const out = new Set<string>();
    for (const set of sets) for (const m of set) out.add(m);
    return out;
  }
  const out = new Set<string>();
  for (const m of first) {
    const keep = how === 'inter' ? rest.every((s) => s.has(m)) : rest.every((s) => !s.has(m));
    if (keep) out.add(m);
  }
  return out;
}

function combineCommand(how: Combine) {
  return (db: Keyspace, args: readonly RedisArg[]): Reply =>
    [...combine(db, args, how)].map(memberBytes);
}

function combineStore(how: Combine) {
  return (db: Keyspace, args: readonly RedisArg[]): Reply => {
    const result = combine(db, args.slice(1), how);
    const key = keyOf(args[0]!);
    db.delete(key);
    if (result.size > 0) {
      let bytes = 0;
      for (const m of result) bytes += m.length;
      db.put(key, db.create('set', result, bytes));
    }
    return result.size;
  };
}

/** SADD SREM SMEMBERS SPOP SMOVE SINTER…: the set commands. */
export const setCommands: CommandTable = {
  SADD: { arity: -3, run: sadd },
  SREM: { arity: -3, run: srem },
  SMEMBERS: {
    arity: 2,
    run: (db, args) => [...(read(db, args[0]!)?.value ?? [])].map(memberBytes),
  },
  SISMEMBER: {
    arity: 3,
    run: (db, args) => (read(db, args[0]!)?.value.has(memberOf(args[1]!)) ? 1 : 0),
  },
  SMISMEMBER: {
    arity: -3,
    run: (db, args) => {
      const set = read(db, args[0]!)?.value;
      return args.slice(1).map((arg) => (set?.has(memberOf(arg)) ? 1 : 0));
    },
  },
  SCARD: { arity: 2, run: (db, args) => read(db, args[0]!)?.value.size ?? 0 },
  SPOP: { arity: -2, run: spop },
  SRANDMEMBER: { arity: -2, run: srandmember },
  SMOVE: { arity: 4, run: smove },
  SINTER: { arity: -2, run: combineCommand('inter') },
  SUNION: { arity: -2, run: combineCommand('union') },
  SDIFF: { arity: -2, run: combineCommand('diff') },
  SINTERSTORE: { arity: -3, run: combineStore('inter') },
  SUNIONSTORE: { arity: -3, run: combineStore('union') },
  SDIFFSTORE: { arity: -3, run: combineStore('diff') },
};
