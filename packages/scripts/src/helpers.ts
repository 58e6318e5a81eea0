import {
  DecodeError,
  type EncodedValue,
  EncodeError,
  isCachexError,
  type MaybePromise,
  type Reply,
} from '@cachex/core';
import { type CacheContext, withErrorContext } from '@cachex/core/internal';

/**
 * What pre and post hooks receive: the cache's key making and value encoding, for the key
 * version of the call. The counterpart of django-cachex's `ScriptHelpers`.
 *
 * `encode`, `encodeValues`, `decode` and `decodeValues` return a value, or a promise of it
 * when the codec works asynchronously (some compressors do): `await` them.
 */
export interface ScriptHelpers {
  /** The name of the script being run, for error messages. */
  readonly script: string;
  /** The key version of this call: its `version` option, else the cache's (or pipeline's). */
  readonly version: number;
  /**
   * The stored key of a user key (`${prefix}:${version}:${key}` by default), for `version`
   * (default: {@link ScriptHelpers.version}). Checks the key like every cache method
   * (`InvalidKeyError`).
   */
  makeKey(key: string, version?: number): string;
  /** {@link ScriptHelpers.makeKey} for each key, with this call's version. */
  makeKeys(keys: readonly string[]): string[];
  /**
   * Encodes a value with the cache's codec, exactly as `cache.set` stores it (integers as
   * decimal text, so Lua can `INCR` them and `tonumber` them). A value the codec cannot
   * represent is an `EncodeError`.
   */
  encode(value: unknown): MaybePromise<EncodedValue>;
  /** {@link ScriptHelpers.encode} for each value. */
  encodeValues(values: readonly unknown[]): MaybePromise<EncodedValue[]>;
  /**
   * Decodes one value a script returned, as `cache.get` would: bytes go through the codec, a
   * Lua integer (a number) comes back as it is, and nil (`null`) stays `null`. An array, or
   * bytes the codec cannot read, is a `DecodeError`.
   */
  decode(value: Reply): MaybePromise<unknown>;
  /**
   * Decodes each element of an array reply with {@link ScriptHelpers.decode}: nil elements stay
   * `null`, in their place. A reply that is not an array is a `DecodeError`.
   */
  decodeValues(values: Reply): MaybePromise<unknown[]>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function settleAll<T>(items: MaybePromise<T>[]): MaybePromise<T[]> {
  return items.some((item) => item instanceof Promise) ? Promise.all(items) : (items as T[]);
}

/** Runs `fn`, sync or async, handing any error it throws or rejects with to `fail`. */
function guarded<T>(fn: () => MaybePromise<T>, fail: (error: unknown) => never): MaybePromise<T> {
  try {
    const result = fn();
    return result instanceof Promise ? result.catch(fail) : result;
  } catch (error) {
    return fail(error);
  }
}

function describeReply(value: Reply): string {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return 'an array';
  return Buffer.isBuffer(value) ? 'bytes' : typeof value;
}

/** The helpers of one call of script `script`, on `context` with key version `version`. */
export function createHelpers(
  context: CacheContext,
  version: number,
  script: string,
): ScriptHelpers {
  const about = { script };
  const encodeFailed = (error: unknown): never => {
    if (isCachexError(error)) throw withErrorContext(error, about);
    throw new EncodeError(
      `Cannot encode an argument of script ${JSON.stringify(script)}: ${messageOf(error)}`,
      { cause: error, context: about },
    );
  };
  const decodeFailed = (error: unknown): never => {
    if (isCachexError(error)) throw withErrorContext(error, about);
    throw new DecodeError(
      `Cannot decode the reply of script ${JSON.stringify(script)}: ${messageOf(error)}`,
      { cause: error, context: about },
    );
  };
  const helpers: ScriptHelpers = {
    script,
    version,
    makeKey: (key, v = version) => context.makeKey(key, v),
    makeKeys: (keys) => keys.map((key) => context.makeKey(key, version)),
    encode: (value) => guarded(() => context.codec.encode(value), encodeFailed),
    encodeValues: (values) => settleAll(values.map((value) => helpers.encode(value))),
    decode(value) {
      if (value === null || typeof value === 'number') return value;
      if (Array.isArray(value)) {
        throw new DecodeError(
          `Script ${JSON.stringify(script)} returned an array where one value was expected (decode each element with decodeValues, or use decodeListPost)`,
          { context: about },
        );
      }
      return guarded(() => context.codec.decode(value), decodeFailed);
    },
    decodeValues(values) {
      if (!Array.isArray(values)) {
        throw new DecodeError(
          `Script ${JSON.stringify(script)} returned ${describeReply(values)} where an array was expected`,
          { context: about },
        );
      }
      return settleAll(values.map((value) => helpers.decode(value)));
    },
  };
  return Object.freeze(helpers);
}
