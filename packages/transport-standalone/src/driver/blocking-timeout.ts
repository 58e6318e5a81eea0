import type { RedisArg } from '@cachex/core';

// Where blocking commands take their timeout, in seconds (0 = wait for ever).
const TIMEOUT_LAST = new Set(['BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BLMOVE', 'BZPOPMIN', 'BZPOPMAX']);
const TIMEOUT_FIRST = new Set(['BLMPOP', 'BZMPOP']);

/** When a blocking call gives up, and which argument says so. */
export interface BlockingDeadline {
  /** Index of the timeout argument. */
  index: number;
  /** `performance.now()` time at which the call times out. */
  at: number;
}

/**
 * The deadline of a blocking command started at `start`, or undefined when it waits for ever
 * (timeout 0) or its timeout is not one this transport knows how to read.
 */
export function blockingDeadline(
  name: string,
  args: readonly RedisArg[],
  start: number,
): BlockingDeadline | undefined {
  const upper = name.toUpperCase();
  const index = TIMEOUT_LAST.has(upper) ? args.length - 1 : TIMEOUT_FIRST.has(upper) ? 0 : -1;
  if (index < 0 || index >= args.length) return undefined;
  const arg = args[index]!;
  const seconds = typeof arg === 'number' ? arg : Number(arg.toString());
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  return { index, at: start + seconds * 1000 };
}

/**
 * The arguments with the timeout that is left at `now`, to the millisecond, rounded up and at
 * least 1 ms: a call that waited for a connection until (or past) its deadline still checks its
 * lists once, and never turns into 0 ("wait for ever").
 */
export function withTimeoutLeft(
  args: readonly RedisArg[],
  deadline: BlockingDeadline,
  now: number,
): RedisArg[] {
  const leftMs = Math.max(1, Math.ceil(deadline.at - now));
  const copy = [...args];
  copy[deadline.index] = leftMs / 1000;
  return copy;
}
