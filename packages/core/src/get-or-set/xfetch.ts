/**
 * Whether a read of a value with `freshLeftMs` of freshness left starts an early refresh
 * (XFetch: Vattani, Chierichetti, Lowenstein, "Optimal Probabilistic Cache Stampede
 * Prevention", VLDB 2015): refresh when `freshLeft ≤ delta · beta · −ln(U)`, U uniform in
 * (0, 1]. The chance rises as expiry nears, so under load one reader refreshes a little before
 * expiry and the others keep reading the value.
 *
 * XFetch alone can still let a value expire when no draw happens to fire early enough; a read
 * in the last `max(3 · delta, 100 ms)` (at most a quarter of the fresh period) therefore always
 * refreshes, which leaves the refresh at least twice its usual time to land before expiry, and
 * a busy event loop some slack.
 */
/** The least of the window in which a read always refreshes (see {@link refreshEarly}). */
const FLOOR_MS = 100;

export function refreshEarly(
  freshLeftMs: number,
  deltaMs: number,
  beta: number,
  freshMs: number,
  random: () => number = Math.random,
): boolean {
  if (freshLeftMs <= Math.min(Math.max(3 * deltaMs, FLOOR_MS), freshMs / 4)) return true;
  // 1 − random() is in (0, 1]: its logarithm is finite or 0, never −ln(0).
  return freshLeftMs <= deltaMs * beta * -Math.log(1 - random());
}

/** The delta to use when nothing measured it: a tenth of the fresh period, at most 1 s. */
export function defaultDeltaMs(freshMs: number): number {
  return Math.min(1000, freshMs / 10);
}
