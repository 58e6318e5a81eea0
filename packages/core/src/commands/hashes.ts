import type { CacheContext } from '../cache-context.js';
import { InvalidArgumentError } from '../errors.js';
import { FIRST_KEY } from '../key-spec.js';
import { type AnyStep, constant, type Step, step } from '../step.js';
import type { EncodedValue, MaybePromise } from '../types/codec.js';
import type { RedisArg, Reply } from '../types/transport.js';
import {
  decodeArray,
  decodeOrUndefined,
  encodeAll,
  mapMaybe,
  safeRecord,
  thenMaybe,
  toScore,
} from './encoding.js';
import type { VersionOptions } from './options.js';
import { toArray, toBool, toInt, toText } from './reply.js';

// Hash field names are raw strings on the server (django-cachex compatible, and what makes
// HINCRBY and HKEYS useful); only the values go through the codec.

const READ = true;

/** Field/value pairs for `hset`: a plain record or a Map with string field names. */
export type HashMapping<T = unknown> = Record<string, T> | ReadonlyMap<string, T>;

function mappingEntries(mapping: HashMapping, key: string): [string, unknown][] {
  const entries = mapping instanceof Map ? [...mapping.entries()] : Object.entries(mapping);
  for (const [field] of entries) {
    if (typeof field !== 'string') {
      throw new InvalidArgumentError(`hset: field names must be strings, got ${typeof field}`, {
        context: { key },
      });
    }
  }
  return entries;
}

/** One field or several, as a list. */
function fieldList(fields: string | readonly string[]): string[] {
  return typeof fields === 'string' ? [fields] : [...fields];
}

export function hsetStep(
  ctx: CacheContext,
  key: string,
  fieldOrMapping: string | HashMapping,
  valueOrOptions?: unknown,
  options?: VersionOptions,
): MaybePromise<Step<number>> {
  let entries: [string, unknown][];
  let opts: VersionOptions | undefined;
  if (typeof fieldOrMapping === 'string') {
    entries = [[fieldOrMapping, valueOrOptions]];
    opts = options;
  } else {
    entries = mappingEntries(fieldOrMapping, key);
    // The mapping form takes its options third; `hset(k, mapping, undefined, options)` works too.
    opts = (valueOrOptions as VersionOptions | undefined) ?? options;
    if (entries.length === 0) {
      throw new InvalidArgumentError('hset: the mapping has no fields', { context: { key } });
    }
  }
  const storedKey = ctx.makeKey(key, opts?.version);
  return thenMaybe(
    encodeAll(
      ctx,
      entries.map(([, v]) => v),
      key,
    ),
    (encoded: EncodedValue[]) => {
      const args: RedisArg[] = [storedKey];
      for (let i = 0; i < entries.length; i++) args.push(entries[i]![0], encoded[i]!);
      return step({ name: 'HSET', keys: FIRST_KEY, args }, toInt, key);
    },
  );
}

export function hsetnxStep(
  ctx: CacheContext,
  key: string,
  field: string,
  value: unknown,
  options?: VersionOptions,
): MaybePromise<Step<boolean>> {
  const storedKey = ctx.makeKey(key, options?.version);
  return thenMaybe(ctx.encode(value, key), (encoded) =>
    step({ name: 'HSETNX', keys: FIRST_KEY, args: [storedKey, field, encoded] }, toBool, key),
  );
}

export function hgetStep<T>(
  ctx: CacheContext,
  key: string,
  field: string,
  options?: VersionOptions,
): Step<T | undefined> {
  return step(
    {
      name: 'HGET',
      keys: FIRST_KEY,
      args: [ctx.makeKey(key, options?.version), field],
      read: READ,
    },
    (reply) => decodeOrUndefined(ctx, reply, key) as MaybePromise<T | undefined>,
    key,
  );
}

export function hmgetStep<T>(
  ctx: CacheContext,
  key: string,
  fields: readonly string[],
  options?: VersionOptions,
): AnyStep<(T | undefined)[]> {
  const storedKey = ctx.makeKey(key, options?.version);
  // HMGET needs at least one field; asking for none has an obvious answer.
  if (fields.length === 0) return constant([]);
  return step(
    { name: 'HMGET', keys: FIRST_KEY, args: [storedKey, ...fields], read: READ },
    (reply) => decodeArray(ctx, reply, key) as MaybePromise<(T | undefined)[]>,
    key,
  );
}

export function hgetallStep<T>(
  ctx: CacheContext,
  key: string,
  options?: VersionOptions,
): Step<Record<string, T>> {
  return step(
    { name: 'HGETALL', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: READ },
    (reply: Reply) => {
      const flat = toArray(reply);
      const fields: string[] = [];
      const values: Reply[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        fields.push(toText(flat[i] ?? null));
        values.push(flat[i + 1] ?? null);
      }
      return thenMaybe(
        mapMaybe(values, (value) => ctx.decode(value as Buffer, key)),
        (decoded) =>
          // safeRecord: a field named "__proto__" must stay an ordinary field.
          safeRecord(fields.map((field, i): [string, T] => [field, decoded[i] as T])),
      );
    },
    key,
  );
}

export function hdelStep(
  ctx: CacheContext,
  key: string,
  fields: string | readonly string[],
  options?: VersionOptions,
): AnyStep<number> {
  const storedKey = ctx.makeKey(key, options?.version);
  const list = fieldList(fields);
  if (list.length === 0) return constant(0);
  return step({ name: 'HDEL', keys: FIRST_KEY, args: [storedKey, ...list] }, toInt, key);
}

export function hexistsStep(
  ctx: CacheContext,
  key: string,
  field: string,
  options?: VersionOptions,
): Step<boolean> {
  return step(
    {
      name: 'HEXISTS',
      keys: FIRST_KEY,
      args: [ctx.makeKey(key, options?.version), field],
      read: READ,
    },
    toBool,
    key,
  );
}

export function hlenStep(ctx: CacheContext, key: string, options?: VersionOptions): Step<number> {
  return step(
    { name: 'HLEN', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: READ },
    toInt,
    key,
  );
}

export function hkeysStep(
  ctx: CacheContext,
  key: string,
  options?: VersionOptions,
): Step<string[]> {
  return step(
    { name: 'HKEYS', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: READ },
    (reply) => toArray(reply).map(toText),
    key,
  );
}

export function hvalsStep<T>(ctx: CacheContext, key: string, options?: VersionOptions): Step<T[]> {
  return step(
    { name: 'HVALS', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: READ },
    (reply) => decodeArray(ctx, reply, key) as MaybePromise<T[]>,
    key,
  );
}

export function hincrbyStep(
  ctx: CacheContext,
  key: string,
  field: string,
  amount: number,
  options?: VersionOptions,
): Step<number> {
  if (!Number.isSafeInteger(amount)) {
    throw new InvalidArgumentError(
      `hincrby: amount must be a safe integer, got ${String(amount)}`,
      { context: { key } },
    );
  }
  return step(
    { name: 'HINCRBY', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version), field, amount] },
    toInt,
    key,
  );
}

export function hincrbyfloatStep(
  ctx: CacheContext,
  key: string,
  field: string,
  amount: number,
  options?: VersionOptions,
): Step<number> {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new InvalidArgumentError(
      `hincrbyfloat: amount must be a finite number, got ${String(amount)}`,
      { context: { key } },
    );
  }
  return step(
    {
      name: 'HINCRBYFLOAT',
      keys: FIRST_KEY,
      args: [ctx.makeKey(key, options?.version), field, amount],
    },
    // The server answers the new value as text ("10.75").
    (reply) => toScore(reply) as number,
    key,
  );
}
