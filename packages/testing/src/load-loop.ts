import { setTimeout as delay } from 'node:timers/promises';

/** One cache call of a {@link startLoad} worker: resolves or rejects, like a Cache method. */
export type LoadCall = (worker: number, iteration: number) => Promise<unknown>;

/** What a {@link startLoad} loop saw, as {@link LoadLoop.report} sums it up. */
export interface LoadReport {
  /** Calls started (and settled) while the loop ran. */
  calls: number;
  /** Calls that rejected. */
  failed: number;
  /** The longest single call, in milliseconds (rounded). */
  longestMs: number;
  /** The error codes of the failed calls, with how many times each was seen. */
  codes: Record<string, number>;
}

/** A running load loop (see {@link startLoad}). */
export interface LoadLoop {
  /** When each call settled (`performance.now()`), and whether it succeeded. */
  readonly settled: readonly { at: number; ok: boolean; ms: number }[];
  /** The figures so far, or since `from` (a `performance.now()` time) when given. */
  report(from?: number): LoadReport;
  /**
   * Resolves with the time of the first successful call that started at or after `from`, or
   * rejects after `withinMs` without one.
   */
  firstSuccessAfter(from: number, withinMs: number): Promise<number>;
  /** Stops the workers and waits for their last calls. */
  stop(): Promise<void>;
}

/**
 * Runs `workers` concurrent loops of `call`, each pausing `pauseMs` between calls, and
 * records how long every call took and whether it failed. Never rejects: a failed call is
 * counted, not thrown.
 */
export function startLoad(call: LoadCall, workers = 4, pauseMs = 5): LoadLoop {
  const settled: { at: number; began: number; ok: boolean; ms: number; code?: string }[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let i = 0; running; i += 1) {
      const began = performance.now();
      let ok = true;
      let code: string | undefined;
      try {
        await call(worker, i);
      } catch (error) {
        ok = false;
        const c = (error as { code?: unknown } | null)?.code;
        code = typeof c === 'string' ? c : error instanceof Error ? error.name : 'unknown';
      }
      const at = performance.now();
      settled.push({ at, began, ok, ms: at - began, ...(code === undefined ? {} : { code }) });
      await delay(pauseMs);
    }
  });
  return {
    settled,
    report(from = 0) {
      const seen = settled.filter((s) => s.began >= from);
      const codes: Record<string, number> = {};
      for (const s of seen) if (s.code !== undefined) codes[s.code] = (codes[s.code] ?? 0) + 1;
      return {
        calls: seen.length,
        failed: seen.filter((s) => !s.ok).length,
        longestMs: Math.round(seen.reduce((m, s) => Math.max(m, s.ms), 0)),
        codes,
      };
    },
    async firstSuccessAfter(from, withinMs) {
      const deadline = performance.now() + withinMs;
      for (;;) {
        const hit = settled.find((s) => s.ok && s.began >= from);
        if (hit) return hit.at;
        if (performance.now() > deadline) {
          throw new Error(`no successful call within ${withinMs} ms`);
        }
        await delay(10);
      }
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/**
 * Counts the process's unhandled rejections until `stop()`, which returns the count and
 * removes the listener.
 */
export function countUnhandledRejections(): { readonly count: number; stop(): number } {
  let count = 0;
  const listener = (): void => {
    count += 1;
  };
  process.on('unhandledRejection', listener);
  return {
    get count() {
      return count;
    },
    stop() {
      process.off('unhandledRejection', listener);
      return count;
    },
  };
}
