import { InvalidArgumentError, type MaybePromise, type RedisArg, type Reply } from '@cachex/core';
import { thenMaybe } from '@cachex/core/internal';
import type { ScriptHelpers } from './helpers.js';

/**
 * One ARGV value as it is sent: text, a number or a bigint (sent as decimal text, which Lua's
 * `tonumber` reads), or bytes. Anything else must be encoded first (see {@link fullEncodePre}).
 */
export type ScriptArg = string | number | bigint | Uint8Array;

/** What a pre hook hands on: the KEYS and ARGV the script receives, as they are sent. */
export interface ScriptCall {
  /** KEYS, as stored keys (already prefixed, when the hook prefixes them). */
  readonly keys: readonly (string | Uint8Array)[];
  /** ARGV. */
  readonly args: readonly ScriptArg[];
}

/**
 * Turns the caller's keys and args into what the script receives, before anything is sent
 * (django-cachex's `pre_func`). May be async. Errors it throws reject the call (or fill its
 * pipeline slot); nothing is sent.
 */
export type PreHook = (
  helpers: ScriptHelpers,
  keys: readonly string[],
  args: readonly unknown[],
) => MaybePromise<ScriptCall>;

/**
 * Turns the script's reply into the call's result (django-cachex's `post_func`). May be async.
 * The reply is as the transport hands it: Lua integers as numbers, bulk strings as Buffers,
 * nil as `null`, tables as arrays.
 */
export type PostHook<R = unknown> = (helpers: ScriptHelpers, result: Reply) => MaybePromise<R>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Checks the ARGV values a pre hook produced and puts them in the form transports send
 * (bigints as decimal text, byte views as Buffers). Throws an `InvalidArgumentError` naming the
 * first value that is not a {@link ScriptArg}.
 */
export function toRedisArgs(args: readonly unknown[], script: string): RedisArg[] {
  return args.map((arg, i) => {
    if (typeof arg === 'string' || Buffer.isBuffer(arg)) return arg;
    if (typeof arg === 'number' && Number.isFinite(arg)) return arg;
    if (typeof arg === 'bigint') return arg.toString();
    if (arg instanceof Uint8Array) return Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength);
    throw new InvalidArgumentError(
      `ARGV[${i + 1}] of script ${JSON.stringify(script)} is ${describe(arg)}: scripts receive strings, finite numbers, bigints or bytes. Encode values with fullEncodePre (or helpers.encode in your pre hook).`,
      { context: { script, arg: i + 1 } },
    );
  });
}

/**
 * Prefixes the keys (with the call's version) and leaves the args as they are: numbers and
 * strings reach the script as text, for Lua's `tonumber` and comparisons. The default pre hook.
 * An arg that is not a {@link ScriptArg} (an object, `undefined`, `NaN`…) is an
 * `InvalidArgumentError`.
 *
 * @example
 * ```ts
 * registerScript(cache, 'hit', "return redis.call('INCRBY', KEYS[1], ARGV[1])", { pre: keysOnlyPre });
 * await evalScript(cache, 'hit', { keys: ['hits'], args: [5] }); // INCRBY myapp:1:hits 5
 * ```
 */
export const keysOnlyPre: PreHook = (helpers, keys, args) => ({
  keys: helpers.makeKeys(keys),
  args: toRedisArgs(args, helpers.script),
});

/**
 * Prefixes the keys and encodes every arg with the cache's codec, as `cache.set` would store
 * it: a script that writes an arg to a key leaves a value `cache.get` (and a Django service
 * with the same codec) reads back.
 *
 * @example
 * ```ts
 * registerScript(cache, 'swap', "return redis.call('SET', KEYS[1], ARGV[1], 'GET')", {
 *   pre: fullEncodePre,
 *   post: decodeSinglePost,
 * });
 * ```
 */
export const fullEncodePre: PreHook = (helpers, keys, args) => {
  const prefixed = helpers.makeKeys(keys);
  return thenMaybe(helpers.encodeValues(args), (encoded) => ({ keys: prefixed, args: encoded }));
};

/**
 * Decodes a single value the script returned (see {@link ScriptHelpers.decode}); nil gives
 * `null`, a Lua integer stays a number.
 */
export const decodeSinglePost: PostHook<unknown> = (helpers, result) =>
  result === null ? null : helpers.decode(result);

/**
 * Decodes each element of the array the script returned; nil elements stay `null`, in their
 * place. A nil reply gives `[]`.
 */
export const decodeListPost: PostHook<unknown[]> = (helpers, result) =>
  result === null ? [] : helpers.decodeValues(result);

/** Like {@link decodeListPost}, but a nil reply gives `null` instead of `[]`. */
export const decodeListOrNullPost: PostHook<unknown[] | null> = (helpers, result) =>
  result === null ? null : helpers.decodeValues(result);

/**
 * Returns the reply unchanged: Lua integers as numbers, bulk strings as Buffers, nil as
 * `null`, tables as arrays. The default post hook.
 */
export const noopPost: PostHook<Reply> = (_helpers, result) => result;
