import {
  type Contender,
  interleave,
  median,
  nowNs,
  runConcurrent,
  runSequential,
  Samples,
} from './harness.js';
import type { Row } from './report.js';

/** A contender whose unit of work is one async call (`index` picks the key, if any). */
export interface AsyncContender extends Contender {
  op(index: number): Promise<unknown>;
}

export interface LatencyPlan {
  rounds: number;
  opsPerRound: number;
  warmup: number;
}

export interface LatencyResult {
  name: string;
  /** Percentiles over every sample of every round, in microseconds. */
  p50: number;
  p99: number;
}

/**
 * One call at a time, each call timed: warm-up for every contender, then interleaved rounds.
 * Percentiles pool the samples of all rounds (a p99 over one short round would be one sample).
 */
export async function measureLatency(
  contenders: readonly AsyncContender[],
  plan: LatencyPlan,
): Promise<LatencyResult[]> {
  for (const c of contenders) await runSequential(plan.warmup, undefined, (i) => c.op(i));
  const samples = new Map(
    contenders.map((c) => [c.name, new Samples(plan.rounds * plan.opsPerRound)]),
  );
  await interleave(contenders, plan.rounds, (c) =>
    runSequential(plan.opsPerRound, samples.get(c.name), (i) => c.op(i)),
  );
  return contenders.map((c) => {
    const s = samples.get(c.name)!;
    return { name: c.name, p50: s.percentile(50), p99: s.percentile(99) };
  });
}

export interface ThroughputPlan {
  rounds: number;
  opsPerRound: number;
  concurrency: number;
  warmup: number;
}

/** A throughput plan as a section's `settings` (only its own fields, whatever else `plan` holds). */
export function planSettings(plan: ThroughputPlan): Record<string, number> {
  const { rounds, opsPerRound, concurrency, warmup } = plan;
  return { rounds, opsPerRound, concurrency, warmup };
}

/** The ops/s of each contender of a {@link measureThroughput} result, by name. */
export function opsOf(
  results: readonly { name: string; opsPerSec: number }[],
): (name: string) => number {
  return (name) => {
    const found = results.find((r) => r.name === name);
    if (found === undefined) throw new Error(`no result for ${name}`);
    return found.opsPerSec;
  };
}

/**
 * Many calls in flight (`concurrency` workers): ops/s per round, and the median over rounds.
 * Each call is not timed on its own: with 64 in flight the clock would measure the queue.
 */
export async function measureThroughput(
  contenders: readonly AsyncContender[],
  plan: ThroughputPlan,
): Promise<{ name: string; opsPerSec: number }[]> {
  for (const c of contenders) await runConcurrent(plan.warmup, plan.concurrency, (i) => c.op(i));
  const perRound = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  await interleave(contenders, plan.rounds, async (c) => {
    const ns = await runConcurrent(plan.opsPerRound, plan.concurrency, (i) => c.op(i));
    perRound.get(c.name)!.push((plan.opsPerRound * 1e9) / ns);
  });
  return contenders.map((c) => ({ name: c.name, opsPerSec: median(perRound.get(c.name)!) }));
}

/**
 * Table rows for latency results: p50/p99 and the ratio of each to the baseline's (the time
 * ratio: 1.25× = 25% slower than the baseline).
 */
export function latencyRows(
  operation: string,
  results: readonly LatencyResult[],
  baseline: string,
): Row[] {
  const base = results.find((r) => r.name === baseline)!;
  return results.map((r) => ({
    operation,
    contender: r.name,
    p50: r.p50,
    p99: r.p99,
    ratioP50: r.p50 / base.p50,
    ratioP99: r.p99 / base.p99,
  }));
}

/**
 * Runs `perRound` units of work per round for each contender (interleaved rounds) and returns
 * the median ops/s of each. `runRound` does one round and resolves its elapsed nanoseconds.
 */
export async function medianRates<C extends Contender>(
  contenders: readonly C[],
  rounds: number,
  perRound: number,
  runRound: (contender: C) => Promise<number>,
): Promise<Map<string, number>> {
  const perContender = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  await interleave(contenders, rounds, async (c) => {
    const ns = await runRound(c);
    perContender.get(c.name)!.push((perRound * 1e9) / ns);
  });
  return new Map(contenders.map((c) => [c.name, median(perContender.get(c.name)!)]));
}

/** Runs `op` `count` times, one at a time, and resolves the elapsed nanoseconds. */
async function timeCalls(contender: AsyncContender, count: number): Promise<number> {
  const start = nowNs();
  for (let i = 0; i < count; i++) await contender.op(i);
  return nowNs() - start;
}

/**
 * One call at a time, not timed one by one: ops/s per round and the median over rounds (after
 * a warm-up of every contender).
 */
export async function measureSequentialRate(
  contenders: readonly AsyncContender[],
  plan: LatencyPlan,
): Promise<Map<string, number>> {
  for (const c of contenders) await timeCalls(c, plan.warmup);
  return medianRates(contenders, plan.rounds, plan.opsPerRound, (c) =>
    timeCalls(c, plan.opsPerRound),
  );
}
