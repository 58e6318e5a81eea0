import type { Cache } from './cache.js';

/**
 * The method's failures always reject, even with `ignoreExceptions`: its result has no honest
 * neutral value (a counter's new value, a version number, a queue pop that would spin).
 */
export const REJECTS: unique symbol = Symbol('cachex.ignored.rejects');

/** The method does no I/O (or only hands out an object): there is nothing to ignore. */
export const NO_IO: unique symbol = Symbol('cachex.ignored.noIo');

/**
 * The method fails open by a rule of its own, written in the method (`getOrSet` and
 * `getManyOrSet` run the factory and return its value without storing it).
 */
export const IN_METHOD: unique symbol = Symbol('cachex.ignored.inMethod');

/**
 * What a method resolves instead of rejecting, with `ignoreExceptions`, when the server cannot
 * be reached: computed from the call's arguments, or one of the markers above.
 */
export type IgnoredResult =
  | ((args: readonly unknown[]) => unknown)
  | typeof REJECTS
  | typeof NO_IO
  | typeof IN_METHOD;

/** Names of the Cache's methods (its properties and getters excluded). */
export type CacheMethodName = Exclude<
  Extract<keyof Cache, string>,
  'context' | 'keyPrefix' | 'version' | 'status'
>;

interface CallOptions {
  default?: unknown;
  count?: number;
}

function optionsAt(args: readonly unknown[], index: number): CallOptions | undefined {
  const options = args[index];
  return typeof options === 'object' && options !== null ? (options as CallOptions) : undefined;
}

const missing = (): undefined => undefined;
const no = (): false => false;
const zero = (): 0 => 0;
const nothing = (): never[] => [];
// TTL and PTTL answer -2 for a key that does not exist: what a cache that is down holds.
const noKey = (): -2 => -2;

/** A single value, or with `count` a list: a miss is `undefined`, or `[]`. */
function oneOrList(optionsIndex: number): (args: readonly unknown[]) => undefined | never[] {
  return (args) => (optionsAt(args, optionsIndex)?.count === undefined ? undefined : []);
}

/** One `value` per item of the list argument at `index` (hmget, smismember, zmscore). */
function eachOf(index: number, value: unknown): (args: readonly unknown[]) => unknown[] {
  return (args) => {
    const list = args[index];
    return Array.isArray(list) ? list.map(() => value) : [];
  };
}

/**
 * The one place that says what each Cache method gives with `ignoreExceptions` when the server
 * cannot be reached (E_CONNECTION, E_TIMEOUT): reads give a miss (their `default`, `undefined`,
 * an empty collection, `-2` for a TTL), writes give "nothing changed" (`false`, `0`). Its type
 * lists every method, so a method added later cannot be left out; a test checks the prototype
 * too. The table in the core README says the same for users.
 */
export const IGNORED_RESULTS: { readonly [M in CacheMethodName]: IgnoredResult } = {
  // Keys and values
  get: (args) => optionsAt(args, 1)?.default,
  set: no,
  add: no,
  touch: no,
  delete: no,
  has: no,
  getMany: () => new Map(),
  setMany: missing,
  deleteMany: zero,
  incr: REJECTS,
  decr: REJECTS,
  incrVersion: REJECTS,
  decrVersion: REJECTS,
  ttl: noKey,
  pttl: noKey,
  expireTime: noKey,
  expire: no,
  pexpire: no,
  expireAt: no,
  pexpireAt: no,
  persist: no,
  getSet: missing,
  rename: no,
  renamenx: no,
  type: missing,
  // Hashes
  hset: zero,
  hsetnx: no,
  hget: missing,
  hmget: eachOf(1, undefined),
  hgetall: () => ({}),
  hdel: zero,
  hexists: no,
  hlen: zero,
  hkeys: nothing,
  hvals: nothing,
  hincrby: REJECTS,
  hincrbyfloat: REJECTS,
  // Sets
  sadd: zero,
  srem: zero,
  smembers: nothing,
  sismember: no,
  smismember: eachOf(1, false),
  scard: zero,
  spop: oneOrList(1),
  srandmember: oneOrList(1),
  smove: no,
  sdiff: nothing,
  sinter: nothing,
  sunion: nothing,
  sdiffstore: zero,
  sinterstore: zero,
  sunionstore: zero,
  // Sorted sets
  zadd: zero,
  zcard: zero,
  zcount: zero,
  zincrby: REJECTS,
  zrange: nothing,
  zrevrange: nothing,
  zrangebyscore: nothing,
  zrevrangebyscore: nothing,
  zrank: missing,
  zrevrank: missing,
  zscore: missing,
  zmscore: eachOf(1, undefined),
  zrem: zero,
  zremrangebyrank: zero,
  zremrangebyscore: zero,
  zpopmin: nothing,
  zpopmax: nothing,
  // Lists
  lpush: zero,
  rpush: zero,
  lpop: oneOrList(1),
  rpop: oneOrList(1),
  llen: zero,
  lindex: missing,
  lrange: nothing,
  lset: no,
  ltrim: no,
  lrem: zero,
  linsert: zero,
  lpos: oneOrList(2),
  lmove: missing,
  // Blocking pops are queue consumers: resolving "nothing" at once would make their loops spin.
  blpop: REJECTS,
  brpop: REJECTS,
  blmove: REJECTS,
  // Written by hand in cache.ts
  getOrSet: IN_METHOD,
  getManyOrSet: IN_METHOD,
  keys: nothing,
  iterKeys: nothing,
  deletePattern: zero,
  clear: zero,
  clearAllVersions: zero,
  flushDb: missing,
  // An extension's step: the cache cannot know a neutral value of its result.
  run: REJECTS,
  close: REJECTS,
  pipeline: NO_IO,
  makeKey: NO_IO,
  reverseKey: NO_IO,
  getClient: NO_IO,
  nearCacheStats: NO_IO,
  on: NO_IO,
  off: NO_IO,
};

/**
 * The codes `ignoreExceptions` swallows: the server could not be reached, did not answer in
 * time, or the circuit breaker kept the call from being sent.
 */
export const IGNORED_CODES: ReadonlySet<string> = new Set([
  'E_CONNECTION',
  'E_TIMEOUT',
  'E_CIRCUIT_OPEN',
]);
