import type { RedisArg } from './types/transport.js';

/**
 * Where a command's keys are among its arguments, in the form of Redis' own key specs: from
 * `first` to `last` (a negative `last` counts from the end: -1 is the last argument), every
 * `step`-th. Step builders attach one to every command, so a transport can route by hash slot
 * and refuse a multi-key command whose keys span slots, without knowing command names.
 */
export interface KeySpec {
  readonly first: number;
  readonly last: number;
  readonly step: number;
}

/** The command touches no key (FLUSHDB, PING…). */
export const NO_KEYS: KeySpec = Object.freeze({ first: 0, last: -1, step: 0 });
/** One key, the first argument (GET, HSET, ZADD…). */
export const FIRST_KEY: KeySpec = Object.freeze({ first: 0, last: 0, step: 1 });
/** Two keys, the first two arguments (RENAME, SMOVE, LMOVE…). */
export const TWO_KEYS: KeySpec = Object.freeze({ first: 0, last: 1, step: 1 });
/** Every argument is a key (MGET, UNLINK, SINTER, SINTERSTORE…). */
export const ALL_KEYS: KeySpec = Object.freeze({ first: 0, last: -1, step: 1 });
/** Every argument but the last (BLPOP/BRPOP: the last is the timeout). */
export const ALL_BUT_LAST: KeySpec = Object.freeze({ first: 0, last: -2, step: 1 });
/** Keys and values alternate (MSET). */
export const KEY_VALUE_PAIRS: KeySpec = Object.freeze({ first: 0, last: -1, step: 2 });

/** The keys of a command, as sent (strings or Buffers). */
export function keysOf(spec: KeySpec, args: readonly RedisArg[]): RedisArg[] {
  if (spec.step <= 0) return [];
  const last = spec.last < 0 ? args.length + spec.last : spec.last;
  const keys: RedisArg[] = [];
  for (let i = spec.first; i <= last && i < args.length; i += spec.step) keys.push(args[i]!);
  return keys;
}
