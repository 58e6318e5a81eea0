import { type CacheContext, checkVersion } from '../cache-context.js';
import { InvalidArgumentError } from '../errors.js';
import { FIRST_KEY, TWO_KEYS } from '../key-spec.js';
import { type AnyStep, type Step, step } from '../step.js';
import { resolveExpiry } from '../timeout.js';
import type { EncodedValue, MaybePromise } from '../types/codec.js';
import type { Reply } from '../types/transport.js';
import { thenMaybe } from './encoding.js';
import { checkOptions, flag } from './flags.js';
import type { GetOptions, SetOptions, TimeoutOptions, VersionOptions } from './options.js';
import { isOk, toBool, toInt, toPositive } from './reply.js';

const READ = true;

export function getStep<T, D>(
  ctx: CacheContext,
  key: string,
  options?: GetOptions<D>,
): Step<T | D | undefined> {
  checkOptions(options, 'get', 'for a default value pass { default: value }', key);
  return step(
    { name: 'GET', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: READ },
    (reply) =>
      reply === null ? options?.default : (ctx.decode(reply as Buffer, key) as MaybePromise<T>),
    key,
  );
}

function then<A, B>(value: MaybePromise<A>, fn: (a: A) => B): MaybePromise<B> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}

export function setStep(
  ctx: CacheContext,
  key: string,
  value: unknown,
  options?: SetOptions,
): MaybePromise<Step<boolean>> {
  checkOptions(options, 'set', 'for a timeout pass { timeout: seconds }', key);
  const nx = flag(options, 'nx', 'set', key);
  const xx = flag(options, 'xx', 'set', key);
  if (nx && xx)
    throw new InvalidArgumentError('set: nx and xx cannot be used together', { context: { key } });
  const storedKey = ctx.makeKey(key, options?.version);
  const expiry = resolveExpiry(options?.timeout, ctx.defaultTimeout);
  // Encode even when the write turns into a delete, so bad values fail the same way always.
  return then(ctx.encode(value, key), (encoded: EncodedValue): Step<boolean> => {
    if (expiry.kind === 'delete') {
      // Decided without writing: no transient SET-then-DEL window.
      if (nx)
        return step(
          { name: 'EXISTS', keys: FIRST_KEY, args: [storedKey] },
          (r) => toInt(r) === 0,
          key,
        );
      if (xx) return step({ name: 'DEL', keys: FIRST_KEY, args: [storedKey] }, toPositive, key);
      return step({ name: 'DEL', keys: FIRST_KEY, args: [storedKey] }, () => true, key);
    }
    const args: (string | Buffer | number)[] = [storedKey, encoded];
    if (expiry.kind === 'expire') args.push(expiry.unit, expiry.amount);
    if (nx) args.push('NX');
    else if (xx) args.push('XX');
    return step({ name: 'SET', keys: FIRST_KEY, args }, isOk, key);
  });
}

/**
 * SET … GET: stores the value and resolves the previous one (`undefined` when there was none).
 * A timeout <= 0 reads and removes the key in one MULTI block.
 */
export function getSetStep<T>(
  ctx: CacheContext,
  key: string,
  value: unknown,
  options?: TimeoutOptions,
): MaybePromise<AnyStep<T | undefined>> {
  checkOptions(options, 'getSet', 'for a timeout pass { timeout: seconds }', key);
  const storedKey = ctx.makeKey(key, options?.version);
  const expiry = resolveExpiry(options?.timeout, ctx.defaultTimeout);
  const previous = (reply: Reply) =>
    reply === null ? undefined : (ctx.decode(reply as Buffer, key) as MaybePromise<T>);
  return thenMaybe(ctx.encode(value, key), (encoded): AnyStep<T | undefined> => {
    if (expiry.kind === 'delete') {
      return {
        commands: [
          { name: 'GET', keys: FIRST_KEY, args: [storedKey] },
          { name: 'DEL', keys: FIRST_KEY, args: [storedKey] },
        ],
        transaction: true,
        key,
        reduce: (replies) => previous(replies[0] ?? null),
      };
    }
    const args: (string | Buffer | number)[] = [storedKey, encoded];
    if (expiry.kind === 'expire') args.push(expiry.unit, expiry.amount);
    args.push('GET');
    return step({ name: 'SET', keys: FIRST_KEY, args }, previous, key);
  });
}

export function touchStep(
  ctx: CacheContext,
  key: string,
  options?: TimeoutOptions,
): AnyStep<boolean> {
  checkOptions(options, 'touch', 'for a timeout pass { timeout: seconds }', key);
  const storedKey = ctx.makeKey(key, options?.version);
  const expiry = resolveExpiry(options?.timeout, ctx.defaultTimeout);
  if (expiry.kind === 'delete')
    return step({ name: 'DEL', keys: FIRST_KEY, args: [storedKey] }, toPositive, key);
  if (expiry.kind === 'persist') {
    // PERSIST alone answers 0 for a key that exists without a TTL; touch reports existence.
    return {
      commands: [
        { name: 'PERSIST', keys: FIRST_KEY, args: [storedKey] },
        { name: 'EXISTS', keys: FIRST_KEY, args: [storedKey] },
      ],
      key,
      reduce: (replies) => toBool(replies[1] ?? null),
    };
  }
  return step(
    {
      name: expiry.unit === 'EX' ? 'EXPIRE' : 'PEXPIRE',
      keys: FIRST_KEY,
      args: [storedKey, expiry.amount],
    },
    toBool,
    key,
  );
}

export function deleteStep(
  ctx: CacheContext,
  key: string,
  options?: VersionOptions,
): Step<boolean> {
  return step(
    { name: 'DEL', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)] },
    toPositive,
    key,
  );
}

export function hasStep(ctx: CacheContext, key: string, options?: VersionOptions): Step<boolean> {
  return step(
    { name: 'EXISTS', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: READ },
    toPositive,
    key,
  );
}

function checkDelta(method: string, delta: number, key: string): void {
  if (!Number.isSafeInteger(delta)) {
    throw new InvalidArgumentError(
      `${method}: delta must be a safe integer, got ${String(delta)}`,
      {
        context: { key },
      },
    );
  }
}

export function incrStep(
  ctx: CacheContext,
  key: string,
  delta: number,
  options?: VersionOptions,
): Step<number> {
  checkDelta('incr/decr', delta, key);
  return step(
    { name: 'INCRBY', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version), delta] },
    toInt,
    key,
  );
}

export function incrVersionStep(
  ctx: CacheContext,
  key: string,
  delta: number,
  options?: VersionOptions,
): Step<number> {
  checkDelta('incrVersion/decrVersion', delta, key);
  const from = options?.version === undefined ? ctx.version : checkVersion(options.version);
  const to = from + delta;
  // RENAME moves value and TTL atomically; a missing key is a KeyNotFoundError.
  return step(
    { name: 'RENAME', keys: TWO_KEYS, args: [ctx.makeKey(key, from), ctx.makeKey(key, to)] },
    () => to,
    key,
  );
}
