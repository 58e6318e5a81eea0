import type { CacheContext } from '../cache-context.js';
import { InvalidArgumentError } from '../errors.js';
import { ALL_BUT_LAST, TWO_KEYS } from '../key-spec.js';
import { type Step, step } from '../step.js';
import { decodeOrUndefined, thenMaybe } from './encoding.js';
import { type ListSide, type MoveVersionOptions, moveKeys, side } from './lists.js';
import type { VersionOptions } from './options.js';
import { toArray, toText } from './reply.js';

/** How long a blocking pop may wait. */
export interface BlockingOptions {
  /**
   * Seconds to wait for an element; fractions are kept (to the millisecond). `0`, the
   * default, waits for ever, like Redis.
   */
  timeout?: number;
}

/** Options of `blpop`/`brpop`. */
export interface BlockingPopOptions extends BlockingOptions, VersionOptions {}

/** Options of `blmove`. */
export interface BlmoveOptions extends BlockingOptions, MoveVersionOptions {
  /** The end of the source to take from. Default `'LEFT'` (the head). */
  from?: ListSide;
  /** The end of the destination to add to. Default `'RIGHT'` (the tail). */
  to?: ListSide;
}

/**
 * The server's timeout argument, to the millisecond and rounded up: a tiny positive timeout
 * must never turn into 0 ("wait for ever") on a server or transport that truncates.
 */
function serverTimeout(timeout: number | undefined, key: string): number {
  const seconds = timeout ?? 0;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidArgumentError(
      `timeout must be a finite number of seconds >= 0, got ${String(timeout)}`,
      { context: { key } },
    );
  }
  if (Number.isInteger(seconds)) return seconds;
  // Round to the microsecond first so 0.3 * 1000 = 300.00000000000006 stays 300 ms.
  const ms = Math.max(1, Math.ceil(Math.round(seconds * 1e6) / 1e3));
  return ms / 1000;
}

export function blockingPopStep(
  ctx: CacheContext,
  name: 'BLPOP' | 'BRPOP',
  keys: string | readonly string[],
  options?: BlockingPopOptions,
): Step<[string, unknown] | undefined> {
  const list: readonly string[] = typeof keys === 'string' ? [keys] : keys;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidArgumentError(
      `${name.toLowerCase()}: keys must be a key or a non-empty array`,
    );
  }
  const first = list[0]!;
  const storedKeys = list.map((k) => ctx.makeKey(k, options?.version));
  const timeout = serverTimeout(options?.timeout, first);
  return step(
    { name, keys: ALL_BUT_LAST, args: [...storedKeys, timeout], blocking: true },
    (reply) => {
      // nil on timeout; otherwise [stored key, element].
      if (reply === null) return undefined;
      const [storedKey, element] = toArray(reply);
      const key = ctx.reverseKey(toText(storedKey ?? null));
      return thenMaybe(
        decodeOrUndefined(ctx, element ?? null, key),
        (value) =>
          // A popped element is never nil; the tuple keeps the key the value came from.
          [key, value] as [string, unknown],
      );
    },
    list.length === 1 ? first : undefined,
  );
}

export function blmoveStep(
  ctx: CacheContext,
  src: string,
  dst: string,
  options?: BlmoveOptions,
): Step<unknown> {
  const [storedSrc, storedDst] = moveKeys(ctx, src, dst, options);
  const from = side(options?.from, 'LEFT', 'blmove: from', src);
  const to = side(options?.to, 'RIGHT', 'blmove: to', src);
  const timeout = serverTimeout(options?.timeout, src);
  return step(
    {
      name: 'BLMOVE',
      keys: TWO_KEYS,
      args: [storedSrc, storedDst, from, to, timeout],
      blocking: true,
    },
    (r) => decodeOrUndefined(ctx, r, src),
    src,
  );
}
