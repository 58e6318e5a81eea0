/**
 * Iteration counts per mode. Default: about 2–3 minutes on a 2-core machine, enough rounds that
 * the medians settle. `--quick`: a smoke run under 60 s (a private cluster included) that
 * exercises every code path; its numbers are noisy and only good for "does it run".
 */
export interface Mode {
  name: 'quick' | 'default';
  /** Section 1: the workloads W1–W4, each with its own count per round. */
  workloads: {
    rounds: number;
    /** W1: set + get pairs per round, one at a time. */
    w1: { pairsPerRound: number; warmup: number };
    /** W2: gets per round, `concurrency` in flight. */
    w2: { opsPerRound: number; concurrency: number; warmup: number };
    /** W3: getMany calls per round, one at a time. */
    w3: { callsPerRound: number; keys: number; warmup: number };
    /** W4: set + get pairs of a large value per round. */
    w4: { pairsPerRound: number; warmup: number; bytes: number };
  };
  /** Section 5: getMany/setMany on a private 6-node cluster. */
  cluster: { rounds: number; callsPerRound: number; keys: number; warmup: number };
  /** Section 2: one operation at a time. */
  latency: { rounds: number; opsPerRound: number; warmup: number };
  /** Section 3: many operations in flight. */
  throughput: { rounds: number; opsPerRound: number; concurrency: number; warmup: number };
  /** Section 4: getMany/setMany of `keys` keys. */
  many: { rounds: number; callsPerRound: number; keys: number; warmup: number };
  /** Section 6: ~100 KB values, set then get. */
  large: { rounds: number; pairsPerRound: number; warmup: number; bytes: number };
  /** Section 7: codec speed, each measurement time-boxed. */
  codec: { rounds: number; budgetMs: number };
  /** Section 8: the memory transport. */
  memory: { rounds: number; opsPerRound: number; warmup: number };
  /**
   * Section 9: near cache hits in the W2 shape (gets per round, `concurrency` in flight), then
   * `memoryKeys` distinct values read once each through a near cache of `memoryMaxBytes`.
   */
  nearCache: {
    rounds: number;
    opsPerRound: number;
    concurrency: number;
    warmup: number;
    memoryKeys: number;
    memoryMaxBytes: number;
  };
}

const DEFAULT_MODE: Mode = {
  name: 'default',
  workloads: {
    rounds: 9,
    w1: { pairsPerRound: 1000, warmup: 1000 },
    w2: { opsPerRound: 20000, concurrency: 256, warmup: 10000 },
    w3: { callsPerRound: 200, keys: 100, warmup: 100 },
    w4: { pairsPerRound: 60, warmup: 20, bytes: 100 * 1024 },
  },
  cluster: { rounds: 9, callsPerRound: 150, keys: 100, warmup: 50 },
  latency: { rounds: 12, opsPerRound: 2000, warmup: 2000 },
  throughput: { rounds: 9, opsPerRound: 20000, concurrency: 64, warmup: 10000 },
  many: { rounds: 9, callsPerRound: 200, keys: 100, warmup: 100 },
  large: { rounds: 9, pairsPerRound: 60, warmup: 20, bytes: 100 * 1024 },
  codec: { rounds: 5, budgetMs: 60 },
  memory: { rounds: 7, opsPerRound: 50000, warmup: 10000 },
  nearCache: {
    rounds: 9,
    opsPerRound: 20000,
    concurrency: 256,
    warmup: 10000,
    memoryKeys: 20000,
    memoryMaxBytes: 8 * 1024 * 1024,
  },
};

const QUICK_MODE: Mode = {
  name: 'quick',
  workloads: {
    rounds: 3,
    w1: { pairsPerRound: 150, warmup: 100 },
    w2: { opsPerRound: 3000, concurrency: 256, warmup: 1000 },
    w3: { callsPerRound: 20, keys: 100, warmup: 10 },
    w4: { pairsPerRound: 8, warmup: 3, bytes: 100 * 1024 },
  },
  cluster: { rounds: 3, callsPerRound: 20, keys: 100, warmup: 10 },
  latency: { rounds: 3, opsPerRound: 300, warmup: 200 },
  throughput: { rounds: 3, opsPerRound: 3000, concurrency: 64, warmup: 1000 },
  many: { rounds: 3, callsPerRound: 30, keys: 100, warmup: 10 },
  large: { rounds: 3, pairsPerRound: 10, warmup: 3, bytes: 100 * 1024 },
  codec: { rounds: 1, budgetMs: 10 },
  memory: { rounds: 3, opsPerRound: 5000, warmup: 2000 },
  nearCache: {
    rounds: 3,
    opsPerRound: 3000,
    concurrency: 256,
    warmup: 1000,
    memoryKeys: 20000,
    memoryMaxBytes: 8 * 1024 * 1024,
  },
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
