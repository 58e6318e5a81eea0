import { LRUCache } from 'lru-cache';

/** Failed refreshes of one key: how many in a row, and when the next may be tried. */
interface Failures {
  count: number;
  retryAt: number;
}

/** Most keys remembered (failures and factory durations alike); the least recent go first. */
const MAX_KEYS = 10_000;
/** The backoff doubles on each failure in a row, up to this many times the first. */
const MAX_BACKOFF_FACTOR = 16;

/**
 * What this process remembers of each key's refreshes: how long its factory took (XFetch's
 * delta) and its failures in a row (the grace backoff). Bounded, so a cache with millions of
 * keys keeps only the recent ones.
 */
export class RefreshState {
  readonly #failures = new LRUCache<string, Failures>({ max: MAX_KEYS });
  readonly #durations = new LRUCache<string, number>({ max: MAX_KEYS });

  /** The last factory duration of `stored` in ms, if measured here. */
  duration(stored: string): number | undefined {
    return this.#durations.get(stored);
  }

  /** Records a successful factory call: its duration, and the end of any backoff. */
  succeeded(stored: string, ms: number): void {
    this.#durations.set(stored, ms);
    this.#failures.delete(stored);
  }

  /** Records a failed factory call; resolves the ms until the next try. */
  failed(stored: string, backoffMs: number, now = Date.now()): number {
    const count = (this.#failures.get(stored)?.count ?? 0) + 1;
    const wait = backoffMs * Math.min(MAX_BACKOFF_FACTOR, 2 ** (count - 1));
    this.#failures.set(stored, { count, retryAt: now + wait });
    return wait;
  }

  /** Whether `stored` failed recently and is not to be tried again yet. */
  backingOff(stored: string, now = Date.now()): boolean {
    const failures = this.#failures.get(stored);
    return failures !== undefined && failures.retryAt > now;
  }
}
