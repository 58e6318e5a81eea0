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

/** Decodes an array reply element by element; nil elements become `undefined`. */
export async function decodeArray(
  ctx: CacheContext,
  reply: Reply,
  key: string,
): Promise<unknown[]> {
  const items = toArray(reply);
  const out: unknown[] = new Array(items.length);
  for (let i = 0; i < items.length; i++)
    out[i] = await decodeOrUndefined(ctx, items[i] ?? null, key);
  return out;
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
