import type { CacheContext } from '../cache-context.js';
import { InvalidArgumentError } from '../errors.js';
import { FIRST_KEY, TWO_KEYS } from '../key-spec.js';
import { type Step, step } from '../step.js';
import type { RedisArg } from '../types/transport.js';
import { decodeArray, decodeOrUndefined, encodeMembers, thenMaybe } from './encoding.js';
import { type VersionOptions, versionFor } from './options.js';
import { isOk, toArray, toInt } from './reply.js';

/** An end of a list: LEFT is the head (index 0), RIGHT the tail. */
export type ListSide = 'LEFT' | 'RIGHT';

/** Options of `lpop`/`rpop`. */
export interface PopOptions extends VersionOptions {
  /** Pop up to this many elements and resolve an array (`[]` when the key is missing). */
  count?: number;
}

/** Options of `lpos`. */
export interface LposOptions extends VersionOptions {
  /**
   * Which match to return: 1 = the first (default), 2 = the second…; negative counts from the
   * tail (-1 = the last match). 0 is not allowed.
   */
  rank?: number;
  /** Return up to this many matches as an array (0 = all of them). */
  count?: number;
  /** Compare at most this many elements (0 = the whole list). */
  maxlen?: number;
}

/** Versions of a two-key command: `version` for both, or one per key. */
export interface MoveVersionOptions extends VersionOptions {
  /** Version of the source key (default: `version`, else the cache's). */
  versionSrc?: number;
  /** Version of the destination key (default: `version`, else the cache's). */
  versionDst?: number;
}

/** Options of `lmove`. */
export interface LmoveOptions extends MoveVersionOptions {
  /** The end of the source to take from. Default `'LEFT'` (the head). */
  from?: ListSide;
  /** The end of the destination to add to. Default `'RIGHT'` (the tail). */
  to?: ListSide;
}

const READ = true;

/** Rejects anything but a safe integer (the server would answer with a vaguer error). */
function integer(value: number, what: string, key: string): number {
  if (!Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(`${what} must be an integer, got ${String(value)}`, {
      context: { key },
    });
  }
  return value;
}

function nonNegative(value: number, what: string, key: string): number {
  if (integer(value, what, key) < 0) {
    throw new InvalidArgumentError(`${what} must not be negative, got ${String(value)}`, {
      context: { key },
    });
  }
  return value;
}

/** Validates a list end; `undefined` takes the default. */
export function side(value: ListSide | undefined, fallback: ListSide, what: string, key: string) {
  const s = value ?? fallback;
  if (s !== 'LEFT' && s !== 'RIGHT') {
    throw new InvalidArgumentError(`${what} must be 'LEFT' or 'RIGHT', got ${String(value)}`, {
      context: { key },
    });
  }
  return s;
}

/** The stored source and destination keys of a two-key command. */
export function moveKeys(
  ctx: CacheContext,
  src: string,
  dst: string,
  options?: MoveVersionOptions,
): [string, string] {
  return [
    ctx.makeKey(src, versionFor(options?.versionSrc, options)),
    ctx.makeKey(dst, versionFor(options?.versionDst, options)),
  ];
}

export function pushStep(
  ctx: CacheContext,
  name: 'LPUSH' | 'RPUSH',
  key: string,
  values: readonly unknown[],
  options?: VersionOptions,
) {
  // An empty push is a server syntax error; say why before any I/O.
  if (!Array.isArray(values) || values.length === 0) {
    throw new InvalidArgumentError(`${name.toLowerCase()}: values must be a non-empty array`, {
      context: { key },
    });
  }
  const storedKey = ctx.makeKey(key, options?.version);
  return thenMaybe(encodeMembers(ctx, values, key), (encoded) =>
    step({ name, keys: FIRST_KEY, args: [storedKey, ...encoded] }, toInt, key),
  );
}

export function popStep(
  ctx: CacheContext,
  name: 'LPOP' | 'RPOP',
  key: string,
  options?: PopOptions,
): Step<unknown> {
  const storedKey = ctx.makeKey(key, options?.version);
  if (options?.count === undefined) {
    return step(
      { name, keys: FIRST_KEY, args: [storedKey] },
      (r) => decodeOrUndefined(ctx, r, key),
      key,
    );
  }
  const count = nonNegative(options.count, `${name.toLowerCase()}: count`, key);
  // A missing key answers nil rather than an empty array: toArray makes both `[]`.
  return step(
    { name, keys: FIRST_KEY, args: [storedKey, count] },
    (r) => decodeArray(ctx, r, key),
    key,
  );
}

export function llenStep(ctx: CacheContext, key: string, options?: VersionOptions): Step<number> {
  return step(
    { name: 'LLEN', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: READ },
    toInt,
    key,
  );
}

export function lindexStep(
  ctx: CacheContext,
  key: string,
  index: number,
  options?: VersionOptions,
): Step<unknown> {
  const args = [ctx.makeKey(key, options?.version), integer(index, 'lindex: index', key)];
  return step(
    { name: 'LINDEX', keys: FIRST_KEY, args, read: READ },
    (r) => decodeOrUndefined(ctx, r, key),
    key,
  );
}

export function lrangeStep(
  ctx: CacheContext,
  key: string,
  start: number,
  stop: number,
  options?: VersionOptions,
): Step<unknown[]> {
  const args = [
    ctx.makeKey(key, options?.version),
    integer(start, 'lrange: start', key),
    integer(stop, 'lrange: stop', key),
  ];
  return step(
    { name: 'LRANGE', keys: FIRST_KEY, args, read: READ },
    (r) => decodeArray(ctx, r, key),
    key,
  );
}

export function lsetStep(
  ctx: CacheContext,
  key: string,
  index: number,
  value: unknown,
  options?: VersionOptions,
) {
  const storedKey = ctx.makeKey(key, options?.version);
  const i = integer(index, 'lset: index', key);
  return thenMaybe(ctx.encodeMember(value, key), (encoded) =>
    step({ name: 'LSET', keys: FIRST_KEY, args: [storedKey, i, encoded] }, isOk, key),
  );
}

export function ltrimStep(
  ctx: CacheContext,
  key: string,
  start: number,
  stop: number,
  options?: VersionOptions,
): Step<boolean> {
  const args = [
    ctx.makeKey(key, options?.version),
    integer(start, 'ltrim: start', key),
    integer(stop, 'ltrim: stop', key),
  ];
  return step({ name: 'LTRIM', keys: FIRST_KEY, args }, isOk, key);
}

export function lremStep(
  ctx: CacheContext,
  key: string,
  count: number,
  value: unknown,
  options?: VersionOptions,
) {
  const storedKey = ctx.makeKey(key, options?.version);
  const n = integer(count, 'lrem: count', key);
  return thenMaybe(ctx.encodeMember(value, key), (encoded) =>
    step({ name: 'LREM', keys: FIRST_KEY, args: [storedKey, n, encoded] }, toInt, key),
  );
}

export function linsertStep(
  ctx: CacheContext,
  key: string,
  where: 'BEFORE' | 'AFTER',
  pivot: unknown,
  value: unknown,
  options?: VersionOptions,
) {
  if (where !== 'BEFORE' && where !== 'AFTER') {
    throw new InvalidArgumentError(
      `linsert: where must be 'BEFORE' or 'AFTER', got ${String(where)}`,
      { context: { key } },
    );
  }
  const storedKey = ctx.makeKey(key, options?.version);
  return thenMaybe(encodeMembers(ctx, [pivot, value], key), ([p, v]) =>
    step({ name: 'LINSERT', keys: FIRST_KEY, args: [storedKey, where, p!, v!] }, toInt, key),
  );
}

export function lposStep(ctx: CacheContext, key: string, value: unknown, options?: LposOptions) {
  const storedKey = ctx.makeKey(key, options?.version);
  const extra: RedisArg[] = [];
  if (options?.rank !== undefined) {
    // RANK 0 is a server error; negative ranks search from the tail.
    if (integer(options.rank, 'lpos: rank', key) === 0) {
      throw new InvalidArgumentError('lpos: rank must not be 0', { context: { key } });
    }
    extra.push('RANK', options.rank);
  }
  const withCount = options?.count !== undefined;
  if (options?.count !== undefined)
    extra.push('COUNT', nonNegative(options.count, 'lpos: count', key));
  if (options?.maxlen !== undefined)
    extra.push('MAXLEN', nonNegative(options.maxlen, 'lpos: maxlen', key));
  return thenMaybe(ctx.encodeMember(value, key), (encoded) =>
    step(
      { name: 'LPOS', keys: FIRST_KEY, args: [storedKey, encoded, ...extra], read: READ },
      (r): number | number[] | undefined =>
        withCount ? toArray(r).map(toInt) : r === null ? undefined : toInt(r),
      key,
    ),
  );
}

export function lmoveStep(
  ctx: CacheContext,
  src: string,
  dst: string,
  options?: LmoveOptions,
): Step<unknown> {
  const [storedSrc, storedDst] = moveKeys(ctx, src, dst, options);
  const from = side(options?.from, 'LEFT', 'lmove: from', src);
  const to = side(options?.to, 'RIGHT', 'lmove: to', src);
  return step(
    { name: 'LMOVE', keys: TWO_KEYS, args: [storedSrc, storedDst, from, to] },
    (r) => decodeOrUndefined(ctx, r, src),
    src,
  );
}
