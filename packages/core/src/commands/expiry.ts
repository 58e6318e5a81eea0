import type { CacheContext } from '../cache-context.js';
import { InvalidArgumentError } from '../errors.js';
import { FIRST_KEY } from '../key-spec.js';
import { type Step, step } from '../step.js';
import { checkDuration } from '../timeout.js';
import type { VersionOptions } from './options.js';
import { toBool, toInt } from './reply.js';

function duration(value: number, unit: 's' | 'ms', what: string, key: string): number {
  try {
    return checkDuration(value, unit, what);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message, { context: { key } });
  }
}

// Unix time 1e11 is both March 1973 in milliseconds and the year 5138 in seconds: no real
// expiry lies on the wrong side of it, so a number there was given in the other unit. Passing
// `Date.now()` to expireAt would otherwise set an expiry 56,000 years away, and passing seconds
// to pexpireAt would delete the key at once.
const UNIT_BOUNDARY = 1e11;

function unixSeconds(when: number, key: string): number {
  const s = duration(when, 's', 'expireAt: unix time', key);
  if (s >= UNIT_BOUNDARY) {
    throw new InvalidArgumentError(
      `expireAt: ${s} looks like milliseconds (as seconds it is after the year 5000); pass unix seconds, a Date, or use pexpireAt`,
      { context: { key } },
    );
  }
  return s;
}

function unixMilliseconds(when: number, key: string): number {
  const ms = duration(when, 'ms', 'pexpireAt: unix time', key);
  if (ms > 0 && ms < UNIT_BOUNDARY) {
    throw new InvalidArgumentError(
      `pexpireAt: ${ms} looks like seconds (as milliseconds it is in 1970-1973); pass unix milliseconds, a Date, or use expireAt`,
      { context: { key } },
    );
  }
  return ms;
}

function dateMs(when: Date, method: string, key: string): number {
  const ms = when.getTime();
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(`${method}: the Date is invalid`, { context: { key } });
  }
  return ms;
}

/** Seconds left: -1 when the key has no expiry, -2 when it does not exist. */
export function ttlStep(ctx: CacheContext, key: string, options?: VersionOptions): Step<number> {
  return step(
    { name: 'TTL', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: true },
    toInt,
    key,
  );
}

/** Milliseconds left: -1 when the key has no expiry, -2 when it does not exist. */
export function pttlStep(ctx: CacheContext, key: string, options?: VersionOptions): Step<number> {
  return step(
    { name: 'PTTL', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: true },
    toInt,
    key,
  );
}

export function expireStep(
  ctx: CacheContext,
  key: string,
  seconds: number,
  options?: VersionOptions,
): Step<boolean> {
  const s = duration(seconds, 's', 'expire: seconds', key);
  const storedKey = ctx.makeKey(key, options?.version);
  if (Number.isInteger(s))
    return step({ name: 'EXPIRE', keys: FIRST_KEY, args: [storedKey, s] }, toBool, key);
  return step(
    { name: 'PEXPIRE', keys: FIRST_KEY, args: [storedKey, Math.ceil(s * 1000)] },
    toBool,
    key,
  );
}

export function pexpireStep(
  ctx: CacheContext,
  key: string,
  ms: number,
  options?: VersionOptions,
): Step<boolean> {
  const m = Math.ceil(duration(ms, 'ms', 'pexpire: milliseconds', key));
  return step(
    { name: 'PEXPIRE', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version), m] },
    toBool,
    key,
  );
}

/**
 * `when` is a Date or unix time in seconds (fractions allowed). A number of 1e11 or more is
 * refused: it is a time in milliseconds (see {@link UNIT_BOUNDARY}).
 */
export function expireAtStep(
  ctx: CacheContext,
  key: string,
  when: Date | number,
  options?: VersionOptions,
): Step<boolean> {
  const storedKey = ctx.makeKey(key, options?.version);
  if (when instanceof Date)
    return step(
      { name: 'PEXPIREAT', keys: FIRST_KEY, args: [storedKey, dateMs(when, 'expireAt', key)] },
      toBool,
      key,
    );
  const s = unixSeconds(when, key);
  if (Number.isInteger(s))
    return step({ name: 'EXPIREAT', keys: FIRST_KEY, args: [storedKey, s] }, toBool, key);
  return step(
    { name: 'PEXPIREAT', keys: FIRST_KEY, args: [storedKey, Math.ceil(s * 1000)] },
    toBool,
    key,
  );
}

/**
 * `when` is a Date or unix time in milliseconds. A positive number below 1e11 (before March
 * 1973) is refused: it is a time in seconds.
 */
export function pexpireAtStep(
  ctx: CacheContext,
  key: string,
  when: Date | number,
  options?: VersionOptions,
): Step<boolean> {
  const ms = when instanceof Date ? dateMs(when, 'pexpireAt', key) : unixMilliseconds(when, key);
  return step(
    {
      name: 'PEXPIREAT',
      keys: FIRST_KEY,
      args: [ctx.makeKey(key, options?.version), Math.ceil(ms)],
    },
    toBool,
    key,
  );
}

export function persistStep(
  ctx: CacheContext,
  key: string,
  options?: VersionOptions,
): Step<boolean> {
  return step(
    { name: 'PERSIST', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)] },
    toBool,
    key,
  );
}

/** Unix time in seconds at which the key expires: -1 without expiry, -2 when missing (Redis 7+). */
export function expireTimeStep(
  ctx: CacheContext,
  key: string,
  options?: VersionOptions,
): Step<number> {
  return step(
    { name: 'EXPIRETIME', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: true },
    toInt,
    key,
  );
}
