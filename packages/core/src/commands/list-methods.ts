import type { Out, Returns, ReturnsPromise, StepTable } from '../methods/types.js';
import {
  type LmoveOptions,
  type LposOptions,
  lindexStep,
  linsertStep,
  llenStep,
  lmoveStep,
  lposStep,
  lrangeStep,
  lremStep,
  lsetStep,
  ltrimStep,
  type PopOptions,
  popStep,
  pushStep,
} from './lists.js';
import {
  type BlmoveOptions,
  type BlockingPopOptions,
  blmoveStep,
  blockingPopStep,
} from './lists-blocking.js';
import type { VersionOptions } from './options.js';

export type {
  ListSide,
  LmoveOptions,
  LposOptions,
  MoveVersionOptions,
  PopOptions,
} from './lists.js';
export type {
  BlmoveOptions,
  BlockingOptions,
  BlockingPopOptions,
} from './lists-blocking.js';

/**
 * List methods of the Cache (also queued by pipelines). Elements are encoded by the codec, and
 * so are the values a method looks for (`lrem`, `lpos`, the `linsert` pivot), deterministically
 * (object keys sorted at every level): equal values encode to equal bytes whatever their key
 * order, so objects can be found too, and objects read back from a list have sorted keys.
 */
export interface ListMethods<R extends Returns = ReturnsPromise> {
  /**
   * Adds values at the head, one after the other (so the last one ends up first), creating
   * the list when missing. Resolves the new length. An empty `values` rejects with an
   * `InvalidArgumentError` before any I/O.
   */
  lpush(key: string, values: readonly unknown[], options?: VersionOptions): Out<R, number>;
  /** Adds values at the tail, in order; resolves the new length. See `lpush`. */
  rpush(key: string, values: readonly unknown[], options?: VersionOptions): Out<R, number>;
  /** Removes and returns the first element, or `undefined` when the key is missing. */
  lpop<T = unknown>(
    key: string,
    options?: VersionOptions & { count?: undefined },
  ): Out<R, T | undefined>;
  /**
   * With `count`: removes and returns up to `count` elements from the head, in order; `[]`
   * when the key is missing.
   */
  lpop<T = unknown>(key: string, options: VersionOptions & { count: number }): Out<R, T[]>;
  /** One element without `count`, an array with it. */
  lpop<T = unknown>(key: string, options?: PopOptions): Out<R, T | T[] | undefined>;
  /** Removes and returns the last element, or `undefined` when the key is missing. */
  rpop<T = unknown>(
    key: string,
    options?: VersionOptions & { count?: undefined },
  ): Out<R, T | undefined>;
  /**
   * With `count`: removes and returns up to `count` elements from the tail, last first; `[]`
   * when the key is missing.
   */
  rpop<T = unknown>(key: string, options: VersionOptions & { count: number }): Out<R, T[]>;
  /** One element without `count`, an array with it. */
  rpop<T = unknown>(key: string, options?: PopOptions): Out<R, T | T[] | undefined>;
  /** The length of the list; 0 when the key is missing. */
  llen(key: string, options?: VersionOptions): Out<R, number>;
  /**
   * The element at `index` (0 = head, -1 = tail), or `undefined` when the index is out of
   * range or the key is missing.
   */
  lindex<T = unknown>(key: string, index: number, options?: VersionOptions): Out<R, T | undefined>;
  /**
   * The elements from `start` to `stop`, both included; negative indexes count from the tail
   * (`lrange(k, 0, -1)` is the whole list). `[]` when the key is missing or the range is empty.
   */
  lrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options?: VersionOptions,
  ): Out<R, T[]>;
  /**
   * Replaces the element at `index`; resolves `true`. An index out of range rejects with a
   * `CommandError`, a missing key with a `KeyNotFoundError`.
   */
  lset(key: string, index: number, value: unknown, options?: VersionOptions): Out<R, boolean>;
  /**
   * Keeps only the elements from `start` to `stop` (both included, negative from the tail);
   * an empty range removes the key. Resolves `true`.
   */
  ltrim(key: string, start: number, stop: number, options?: VersionOptions): Out<R, boolean>;
  /**
   * Removes elements equal to `value`: the first `count` from the head when `count > 0`, the
   * last `|count|` from the tail when `count < 0`, all of them when `count` is 0. Resolves how
   * many were removed.
   */
  lrem(key: string, count: number, value: unknown, options?: VersionOptions): Out<R, number>;
  /**
   * Inserts `value` just before or after the first element equal to `pivot`. Resolves the new
   * length, -1 when the pivot is not in the list, 0 when the key is missing (nothing written).
   */
  linsert(
    key: string,
    where: 'BEFORE' | 'AFTER',
    pivot: unknown,
    value: unknown,
    options?: VersionOptions,
  ): Out<R, number>;
  /**
   * The index of a match of `value` (see `rank`, `maxlen`), or `undefined` when there is none.
   */
  lpos(
    key: string,
    value: unknown,
    options?: Omit<LposOptions, 'count'> & { count?: undefined },
  ): Out<R, number | undefined>;
  /**
   * With `count`: the indexes of up to `count` matches (0 = all), in search order; `[]` when
   * there is none.
   */
  lpos(
    key: string,
    value: unknown,
    options: Omit<LposOptions, 'count'> & { count: number },
  ): Out<R, number[]>;
  /** One index (or `undefined`) without `count`, an array with it. */
  lpos(key: string, value: unknown, options?: LposOptions): Out<R, number | number[] | undefined>;
  /**
   * Atomically pops an element from one end of `src` and pushes it to one end of `dst`
   * (default: head of `src` to tail of `dst`; `src` and `dst` may be the same list, which
   * rotates it). Resolves the element, or `undefined` when `src` is missing.
   */
  lmove<T = unknown>(src: string, dst: string, options?: LmoveOptions): Out<R, T | undefined>;
}

/** The builders behind {@link ListMethods}. */
export const listSteps: StepTable<ListMethods> = {
  lpush: (ctx, key, values, options) => pushStep(ctx, 'LPUSH', key, values, options),
  rpush: (ctx, key, values, options) => pushStep(ctx, 'RPUSH', key, values, options),
  lpop: (ctx, key, options) => popStep(ctx, 'LPOP', key, options),
  rpop: (ctx, key, options) => popStep(ctx, 'RPOP', key, options),
  llen: llenStep,
  lindex: lindexStep,
  lrange: lrangeStep,
  lset: lsetStep,
  ltrim: ltrimStep,
  lrem: lremStep,
  linsert: linsertStep,
  lpos: lposStep,
  lmove: lmoveStep,
};

/**
 * Blocking list methods (BLPOP, BRPOP, BLMOVE). Cache only, not pipelines: they run on a
 * dedicated connection so that waiting never stalls other commands.
 */
export interface BlockingListMethods {
  /**
   * Pops the head of the first non-empty list among `keys` (checked in order), waiting up to
   * `timeout` seconds (default 0 = for ever) for an element to arrive. Resolves
   * `[key, element]` with the user key it came from, or `undefined` on timeout. Runs on a
   * connection of its own, so other calls on the cache are not held up while it waits.
   */
  blpop<T = unknown>(
    keys: string | readonly string[],
    options?: BlockingPopOptions,
  ): Promise<[key: string, value: T] | undefined>;
  /** Pops the tail of the first non-empty list among `keys`, waiting; see `blpop`. */
  brpop<T = unknown>(
    keys: string | readonly string[],
    options?: BlockingPopOptions,
  ): Promise<[key: string, value: T] | undefined>;
  /**
   * `lmove` that waits up to `timeout` seconds (default 0 = for ever) for `src` to have an
   * element. Resolves the moved element, or `undefined` on timeout.
   */
  blmove<T = unknown>(src: string, dst: string, options?: BlmoveOptions): Promise<T | undefined>;
}

/** The builders behind {@link BlockingListMethods}. */
export const blockingListSteps: StepTable<BlockingListMethods> = {
  blpop: (ctx, keys, options) => blockingPopStep(ctx, 'BLPOP', keys, options),
  brpop: (ctx, keys, options) => blockingPopStep(ctx, 'BRPOP', keys, options),
  blmove: blmoveStep,
};
