import type { Out, Returns, ReturnsPromise, StepTable } from '../methods/types.js';
import {
  type HashMapping,
  hdelStep,
  hexistsStep,
  hgetallStep,
  hgetStep,
  hincrbyfloatStep,
  hincrbyStep,
  hkeysStep,
  hlenStep,
  hmgetStep,
  hsetnxStep,
  hsetStep,
  hvalsStep,
} from './hashes.js';
import type { VersionOptions } from './options.js';

export type { HashMapping } from './hashes.js';

/**
 * Hash methods of the Cache (also queued by pipelines). Field names are stored as raw strings
 * (so `HKEYS` on the server shows plain names); values go through the codec, except exact
 * integers, which are stored as decimal text so `hincrby` works on them.
 */
export interface HashMethods<R extends Returns = ReturnsPromise> {
  /**
   * Sets one field (HSET). Resolves the number of fields that were new: 1, or 0 when the
   * field existed and was overwritten.
   */
  hset(key: string, field: string, value: unknown, options?: VersionOptions): Out<R, number>;
  /**
   * Sets every field of `mapping` in one HSET and resolves how many were new. An empty
   * mapping rejects with an `InvalidArgumentError` without touching the server.
   */
  hset(key: string, mapping: HashMapping, options?: VersionOptions): Out<R, number>;
  /**
   * Either form of `hset`: a field and its value, or a mapping (its options may come third or
   * fourth).
   */
  hset(
    key: string,
    fieldOrMapping: string | HashMapping,
    valueOrOptions?: unknown,
    options?: VersionOptions,
  ): Out<R, number>;
  /** Sets a field only when it does not exist (HSETNX). Resolves whether it was set. */
  hsetnx(key: string, field: string, value: unknown, options?: VersionOptions): Out<R, boolean>;
  /** The value of a field; `undefined` when the field or the key is missing. */
  hget<T = unknown>(key: string, field: string, options?: VersionOptions): Out<R, T | undefined>;
  /**
   * The values of several fields, in the order asked, with `undefined` for missing fields
   * (all `undefined` when the key is missing). No fields resolves `[]` without I/O.
   */
  hmget<T = unknown>(
    key: string,
    fields: readonly string[],
    options?: VersionOptions,
  ): Out<R, (T | undefined)[]>;
  /** Every field and value as a plain object; `{}` when the key is missing. */
  hgetall<T = unknown>(key: string, options?: VersionOptions): Out<R, Record<string, T>>;
  /**
   * Removes one field or several (HDEL) and resolves how many existed. Removing the last
   * field removes the key. An empty list resolves 0 without I/O.
   */
  hdel(key: string, fields: string | readonly string[], options?: VersionOptions): Out<R, number>;
  /** True when the field exists. */
  hexists(key: string, field: string, options?: VersionOptions): Out<R, boolean>;
  /** The number of fields; 0 when the key is missing. */
  hlen(key: string, options?: VersionOptions): Out<R, number>;
  /** The field names (plain strings, server order); `[]` when the key is missing. */
  hkeys(key: string, options?: VersionOptions): Out<R, string[]>;
  /** The decoded values, in the same order as `hkeys`; `[]` when the key is missing. */
  hvals<T = unknown>(key: string, options?: VersionOptions): Out<R, T[]>;
  /**
   * Adds an integer `amount` (default 1) to a field (HINCRBY) and resolves the new value. A
   * missing field or key starts from 0. The field must hold an integer (as `hset` writes
   * integers), otherwise it rejects with a `NotIntegerError`; a non-integer `amount` rejects
   * with an `InvalidArgumentError`.
   */
  hincrby(key: string, field: string, amount?: number, options?: VersionOptions): Out<R, number>;
  /**
   * Adds a float `amount` (default 1) to a field (HINCRBYFLOAT) and resolves the new value. A
   * missing field or key starts from 0. The field must hold numeric text: integers written by
   * `hset` always do, and so do floats with the JSON serializer; a field another serializer
   * wrote (msgpack, v8) rejects with a `CommandError` from the server ("hash value is not a
   * float"). The server stores the result as text (`"10.75"`), which `hget` decodes as a
   * number with the JSON serializer only.
   */
  hincrbyfloat(
    key: string,
    field: string,
    amount?: number,
    options?: VersionOptions,
  ): Out<R, number>;
}

/** The builders behind {@link HashMethods}. */
export const hashSteps: StepTable<HashMethods> = {
  hset: hsetStep,
  hsetnx: hsetnxStep,
  hget: hgetStep,
  hmget: hmgetStep,
  hgetall: hgetallStep,
  hdel: hdelStep,
  hexists: hexistsStep,
  hlen: hlenStep,
  hkeys: hkeysStep,
  hvals: hvalsStep,
  hincrby: (ctx, key, field, amount = 1, options) => hincrbyStep(ctx, key, field, amount, options),
  hincrbyfloat: (ctx, key, field, amount = 1, options) =>
    hincrbyfloatStep(ctx, key, field, amount, options),
};
