/**
 * Iteration counts per mode. Default: about 1–2 minutes on a 2-core machine, enough rounds that
 * the medians settle. `--quick`: a smoke run under 20 s that exercises every code path; its
 * numbers are noisy and only good for "does it run".
 */
export interface Mode {
  name: 'quick' | 'default';
  /** Section 1: one operation at a time. */
  latency: { rounds: number; opsPerRound: number; warmup: number };
  /** Section 2: many operations in flight. */
  throughput: { rounds: number; opsPerRound: number; concurrency: number; warmup: number };
  /** Section 3: getMany/setMany of `keys` keys. */
  many: { rounds: number; callsPerRound: number; keys: number; warmup: number };
  /** Section 4: ~100 KB values, set then get. */
  large: { rounds: number; pairsPerRound: number; warmup: number; bytes: number };
  /** Section 5: codec speed, each measurement time-boxed. */
  codec: { rounds: number; budgetMs: number };
  /** Section 6: the memory transport. */
  memory: { rounds: number; opsPerRound: number; warmup: number };
}

const DEFAULT_MODE: Mode = {
  name: 'default',
  latency: { rounds: 12, opsPerRound: 2000, warmup: 2000 },
  throughput: { rounds: 9, opsPerRound: 20000, concurrency: 64, warmup: 10000 },
  many: { rounds: 9, callsPerRound: 200, keys: 100, warmup: 100 },
  large: { rounds: 9, pairsPerRound: 60, warmup: 20, bytes: 100 * 1024 },
  codec: { rounds: 5, budgetMs: 60 },
  memory: { rounds: 7, opsPerRound: 50000, warmup: 10000 },
};

const QUICK_MODE: Mode = {
  name: 'quick',
  latency: { rounds: 3, opsPerRound: 300, warmup: 200 },
  throughput: { rounds: 3, opsPerRound: 3000, concurrency: 64, warmup: 1000 },
  many: { rounds: 3, callsPerRound: 30, keys: 100, warmup: 10 },
  large: { rounds: 3, pairsPerRound: 10, warmup: 3, bytes: 100 * 1024 },
  codec: { rounds: 1, budgetMs: 10 },
  memory: { rounds: 3, opsPerRound: 5000, warmup: 2000 },
};

/** Reads the mode from the command line (`--quick`); unknown flags are an error, not ignored. */
export function parseMode(argv: readonly string[]): Mode {
  let quick = false;
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--') continue;
    else throw new Error(`Unknown argument ${JSON.stringify(arg)} (supported: --quick)`);
  }
  return quick ? QUICK_MODE : DEFAULT_MODE;
}
