/**
 * A tiny timing harness. No framework: each section needs a slightly different loop (one op at a
 * time, many in flight, time-boxed CPU work), and what they share is small: a clock, interleaved
 * rounds, percentiles and medians.
 */

/** Nanoseconds from an arbitrary origin, as a double (exact well past a day of uptime). */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/** Something measured against others in the same rounds. */
export interface Contender {
  readonly name: string;
}

/**
 * Runs `rounds` rounds; in each, every contender runs once via `runOne`. The order flips every
 * round (A B, B A, A B …): drift in the machine (CPU frequency, the server's memory, GC pressure
 * building up) then hits every contender about equally, and no one always runs "second".
 */
export async function interleave<C extends Contender>(
  contenders: readonly C[],
  rounds: number,
  runOne: (contender: C, round: number) => Promise<void>,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const forward = round % 2 === 0;
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[forward ? i : contenders.length - 1 - i]!;
      await runOne(contender, round);
    }
  }
}

/**
 * A preallocated buffer of samples (one Float64Array, no per-sample allocation), filled by
 * `push` and read as percentiles once the rounds are over.
 */
export class Samples {
  readonly #values: Float64Array;
  #count = 0;

  constructor(capacity: number) {
    this.#values = new Float64Array(capacity);
  }

  get count(): number {
    return this.#count;
  }

  push(value: number): void {
    // Silently dropping extra samples would bias the percentiles; a sizing bug should be loud.
    if (this.#count >= this.#values.length) throw new Error('Samples: capacity exceeded');
    this.#values[this.#count++] = value;
  }

  /** The `p`-th percentile (0–100), nearest-rank on the sorted samples; NaN when empty. */
  percentile(p: number): number {
    return percentile(this.#values.subarray(0, this.#count), p);
  }
}

/** Nearest-rank percentile of `values` (sorted in place; a copy is not worth it here). */
function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return Number.NaN;
  values.sort();
  const rank = Math.ceil((p / 100) * values.length);
  return values[Math.min(values.length - 1, Math.max(0, rank - 1))]!;
}

/** The median of a small list of per-round figures. */
export function median(values: readonly number[]): number {
  return percentile(Float64Array.from(values), 50);
}

/**
 * Runs `op` `total` times with at most `concurrency` calls in flight and resolves the elapsed
 * nanoseconds. Workers pull the next index from a shared counter, so the pipe stays full until
 * the very end, as in a busy service (not `Promise.all` of everything, which measures the
 * driver's queue more than the library).
 */
export async function runConcurrent(
  total: number,
  concurrency: number,
  op: (index: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) await op(next++);
  };
  const workers: Promise<void>[] = [];
  const start = nowNs();
  for (let i = 0; i < Math.min(concurrency, total); i++) workers.push(worker());
  await Promise.all(workers);
  return nowNs() - start;
}

/** Runs `op` `count` times, one at a time, recording each call's duration in microseconds. */
export async function runSequential(
  count: number,
  samples: Samples | undefined,
  op: (index: number) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const start = nowNs();
    await op(i);
    samples?.push((nowNs() - start) / 1e3);
  }
}

/**
 * Repeats a synchronous `op` in batches until `budgetMs` have passed and returns the
 * nanoseconds per call. Batches keep the clock out of the loop for tiny ops; the result sink
 * keeps V8 from discarding calls whose result is never used.
 */
export function timeSync(op: () => unknown, budgetMs: number, batch: number): number {
  let calls = 0;
  const start = nowNs();
  const deadline = start + budgetMs * 1e6;
  let now = start;
  do {
    for (let i = 0; i < batch; i++) sink = op();
    calls += batch;
    now = nowNs();
  } while (now < deadline);
  return (now - start) / calls;
}

/**
 * Written by {@link timeSync} so that results stay observable: exported, so the optimiser
 * cannot prove the writes dead.
 * @public
 */
export let sink: unknown;

/** Collects garbage when node runs with `--expose-gc`, so no section pays for the previous one. */
export function collectGarbage(): void {
  globalThis.gc?.();
}
