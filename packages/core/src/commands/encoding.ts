import type { CacheContext } from '../cache-context.js';
import type { EncodedValue, MaybePromise } from '../types/codec.js';
import type { Reply } from '../types/transport.js';
import { toArray } from './reply.js';

/** Applies `fn` to a value that may still be a promise, staying synchronous when it is not. */
export function thenMaybe<A, B>(
  value: MaybePromise<A>,
  fn: (a: A) => MaybePromise<B>,
): MaybePromise<B> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}

function settleAll(encoded: MaybePromise<EncodedValue>[]): MaybePromise<EncodedValue[]> {
  return encoded.some((e) => e instanceof Promise)
    ? Promise.all(encoded)
    : (encoded as EncodedValue[]);
}

/** Encodes several values of one key (hash values). */
export function encodeAll(
  ctx: CacheContext,
  values: readonly unknown[],
  key: string,
): MaybePromise<EncodedValue[]> {
  return settleAll(values.map((v) => ctx.encode(v, key)));
}

/**
 * Encodes several members of one key (set and sorted-set members, list elements)
 * deterministically, so that the server finds equal values whatever their key order.
 */
export function encodeMembers(
  ctx: CacheContext,
  values: readonly unknown[],
  key: string,
): MaybePromise<EncodedValue[]> {
  return settleAll(values.map((v) => ctx.encodeMember(v, key)));
}

/** Decodes one bulk reply; nil (absent) becomes `undefined`. */
export function decodeOrUndefined(
  ctx: CacheContext,
  reply: Reply,
  key: string,
): MaybePromise<unknown> {
  return reply === null ? undefined : ctx.decode(reply as Buffer, key);
}

/**
 * `items.map(fn)` for a `fn` that may return a promise (a value read through an asynchronous
 * compressor): synchronous, with no promise and no microtask turn per item, unless an item's
 * result is a promise; from that item on it finishes asynchronously, still in order. Replies of
 * many values (getMany, list and hash reads) go through here: an `await` per value cost up to
 * 0.35 µs per value (a 100-value getMany reduce: 659 µs of CPU instead of 694 µs).
 */
export function mapMaybe<I, O>(
  items: readonly I[],
  fn: (item: I, index: number) => MaybePromise<O>,
): MaybePromise<O[]> {
  const out: O[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const result = fn(items[i]!, i);
    if (result instanceof Promise) return finishMapAsync(items, fn, out, i, result);
    out[i] = result;
  }
  return out;
}

async function finishMapAsync<I, O>(
  items: readonly I[],
  fn: (item: I, index: number) => MaybePromise<O>,
  out: O[],
  from: number,
  pending: Promise<O>,
): Promise<O[]> {
  out[from] = await pending;
  for (let i = from + 1; i < items.length; i++) out[i] = await fn(items[i]!, i);
  return out;
}

/** Decodes an array reply element by element; nil elements become `undefined`. */
export function decodeArray(ctx: CacheContext, reply: Reply, key: string): MaybePromise<unknown[]> {
  return mapMaybe(toArray(reply), (item) => decodeOrUndefined(ctx, item ?? null, key));
}

/** Parses a score or float reply (`"1.5"`, `"inf"`, `"-inf"`); nil becomes `undefined`. */
export function toScore(reply: Reply): number | undefined {
  if (reply === null) return undefined;
  const text = reply.toString().toLowerCase();
  if (text === 'inf' || text === '+inf') return Number.POSITIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/**
 * Builds a plain object from field/value pairs without letting a field named `__proto__`
 * change the object's prototype.
 */
export function safeRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const record: Record<string, T> = {};
  for (const [field, value] of entries) {
    Object.defineProperty(record, field, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return record;
}
