import type { CacheContext } from '../cache-context.js';
import { InvalidArgumentError } from '../errors.js';
import { type Step, step } from '../step.js';
import type { VersionOptions } from './options.js';
import { toBool, toInt } from './reply.js';

function finite(value: number, what: string, key: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`${what} must be a finite number, got ${String(value)}`, {
      context: { key },
    });
  }
  return value;
}

/** Seconds left: -1 when the key has no expiry, -2 when it does not exist. */
export function ttlStep(ctx: CacheContext, key: string, options?: VersionOptions): Step<number> {
  return step({ name: 'TTL', args: [ctx.makeKey(key, options?.version)], read: true }, toInt, key);
}

/** Milliseconds left: -1 when the key has no expiry, -2 when it does not exist. */
export function pttlStep(ctx: CacheContext, key: string, options?: VersionOptions): Step<number> {
  return step({ name: 'PTTL', args: [ctx.makeKey(key, options?.version)], read: true }, toInt, key);
}

export function expireStep(
  ctx: CacheContext,
  key: string,
  seconds: number,
  options?: VersionOptions,
): Step<boolean> {
  const s = finite(seconds, 'expire: seconds', key);
  const storedKey = ctx.makeKey(key, options?.version);
  if (Number.isInteger(s)) return step({ name: 'EXPIRE', args: [storedKey, s] }, toBool, key);
  return step({ name: 'PEXPIRE', args: [storedKey, Math.ceil(s * 1000)] }, toBool, key);
}

export function pexpireStep(
  ctx: CacheContext,
  key: string,
  ms: number,
  options?: VersionOptions,
): Step<boolean> {
  const m = Math.ceil(finite(ms, 'pexpire: milliseconds', key));
  return step({ name: 'PEXPIRE', args: [ctx.makeKey(key, options?.version), m] }, toBool, key);
}

/** `when` is a Date or unix time in seconds (fractions allowed). */
export function expireAtStep(
  ctx: CacheContext,
  key: string,
  when: Date | number,
  options?: VersionOptions,
): Step<boolean> {
  const storedKey = ctx.makeKey(key, options?.version);
  if (when instanceof Date)
    return step(
      { name: 'PEXPIREAT', args: [storedKey, finite(when.getTime(), 'expireAt: date', key)] },
      toBool,
      key,
    );
  const s = finite(when, 'expireAt: unix seconds', key);
  if (Number.isInteger(s)) return step({ name: 'EXPIREAT', args: [storedKey, s] }, toBool, key);
  return step({ name: 'PEXPIREAT', args: [storedKey, Math.ceil(s * 1000)] }, toBool, key);
}

/** `when` is a Date or unix time in milliseconds. */
export function pexpireAtStep(
  ctx: CacheContext,
  key: string,
  when: Date | number,
  options?: VersionOptions,
): Step<boolean> {
  const ms = when instanceof Date ? when.getTime() : when;
  return step(
    {
      name: 'PEXPIREAT',
      args: [ctx.makeKey(key, options?.version), Math.ceil(finite(ms, 'pexpireAt: time', key))],
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
  return step({ name: 'PERSIST', args: [ctx.makeKey(key, options?.version)] }, toBool, key);
}

/** Unix time in seconds at which the key expires: -1 without expiry, -2 when missing (Redis 7+). */
export function expireTimeStep(
  ctx: CacheContext,
  key: string,
  options?: VersionOptions,
): Step<number> {
  return step(
    { name: 'EXPIRETIME', args: [ctx.makeKey(key, options?.version)], read: true },
    toInt,
    key,
  );
}
