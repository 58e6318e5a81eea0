import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { CompressorName } from '@cachex/codecs';
import type { Cache } from '@cachex/core';
import type { Redis } from 'ioredis';
import type { Redis as Valkey } from 'iovalkey';
import {
  type AsyncContender,
  measureSequentialRate,
  measureThroughput,
  medianRates,
} from '../compare.js';
import type { BenchEnvironment, NodeRedisClient } from '../environment.js';
import { type Contender, median, nowNs, Samples } from '../harness.js';
import type { Mode } from '../mode.js';
import { jsonBytes, listValue } from '../payloads.js';
import type { Row, SectionResult } from '../report.js';
import { keySet } from './keys.js';

/** The baseline of every speed ratio in this section. */
const BASELINE = 'ioredis';
/** Keys per contender in W1, W2 and W4 (W3 uses `mode.workloads.w3.keys`). */
const W1_KEYS = 100;
const W2_KEYS = 1000;
const W4_KEYS = 4;

type Value = ReturnType<typeof listValue>;

/** A contender whose unit of work is a set then a get of the same key (W1, W4). */
interface PairContender extends Contender {
  set(index: number): Promise<unknown>;
  get(index: number): Promise<unknown>;
  /** The key as stored on the server, for STRLEN. */
  storedKey: string;
}

/** Everything a contender's calls need: one client per contender, each on its own connection. */
interface Clients {
  raw: Redis;
  autopipelined: Redis;
  valkey: Valkey;
  nodeRedis: NodeRedisClient;
}

/** Parses what a raw client read (`null` = a miss, which no workload expects). */
function parse(bytes: Buffer | string | null): unknown {
  if (bytes === null) throw new Error('unexpected miss');
  return JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
}

/** Not a timing check: a wrong round trip would make every number meaningless. */
function checkValue(name: string, back: unknown, value: Value): void {
  if ((back as Partial<Value> | undefined)?.items?.length !== value.items.length) {
    throw new Error(`${name}: the value did not round-trip`);
  }
}

/** The cachex, cachex+zstd, ioredis, iovalkey and node-redis pair contenders on `value`. */
function pairContenders(
  env: BenchEnvironment,
  clients: Clients,
  tag: string,
  value: Value,
  keyCount: number,
  peers: boolean,
): PairContender[] {
  const cachex = (
    name: string,
    compressor: CompressorName | null,
    serializer: 'json' | 'msgpack' = 'json',
  ): PairContender => {
    const prefix = `${tag}-${serializer}-${compressor ?? 'none'}`;
    const cache: Cache = env.cache({ compressor, serializer }, prefix);
    const keys = keySet(prefix, 'k', keyCount);
    return {
      name,
      storedKey: keys.stored[0]!,
      set: (i) => cache.set(keys.user[i % keyCount]!, value),
      get: (i) => cache.get(keys.user[i % keyCount]!),
    };
  };
  // Raw clients write JSON.stringify with the cache's default timeout (300 s), and read it back.
  const rawKeys = (client: string): string[] =>
    Array.from({ length: keyCount }, (_, i) => `${tag}-${client}:k:${i}`);
  const ioredis = rawKeys('ioredis');
  const contenders: PairContender[] = [
    cachex('cachex', null),
    cachex('cachex msgpack', null, 'msgpack'),
    cachex('cachex+zstd', 'zstd'),
    {
      name: BASELINE,
      storedKey: ioredis[0]!,
      set: (i) => clients.raw.set(ioredis[i % keyCount]!, JSON.stringify(value), 'EX', 300),
      get: async (i) => parse(await clients.raw.getBuffer(ioredis[i % keyCount]!)),
    },
  ];
  if (peers) {
    const valkey = rawKeys('iovalkey');
    const nodeRedis = rawKeys('node-redis');
    contenders.push(
      {
        name: 'iovalkey',
        storedKey: valkey[0]!,
        set: (i) => clients.valkey.set(valkey[i % keyCount]!, JSON.stringify(value), 'EX', 300),
        get: async (i) => parse(await clients.valkey.getBuffer(valkey[i % keyCount]!)),
      },
      {
        name: 'node-redis',
        storedKey: nodeRedis[0]!,
        set: (i) =>
          clients.nodeRedis.set(nodeRedis[i % keyCount]!, JSON.stringify(value), {
            expiration: { type: 'EX', value: 300 },
          }),
        get: async (i) => parse(await clients.nodeRedis.get(nodeRedis[i % keyCount]!)),
      },
    );
  }
  return contenders;
}

/** Sets then reads back every key once per contender; throws on a wrong round trip. */
async function fillPairs(contenders: readonly PairContender[], keys: number, value: Value) {
  for (const c of contenders) {
    for (let i = 0; i < keys; i++) await c.set(i);
    checkValue(c.name, await c.get(0), value);
  }
}

/**
 * W1: set then get of a ~1 KB object, one operation in flight. ops/s counts pairs; each get is
 * timed on its own for the get p50.
 */
async function w1(env: BenchEnvironment, clients: Clients, mode: Mode): Promise<Row[]> {
  const plan = mode.workloads.w1;
  const value = listValue(1024);
  const contenders = pairContenders(env, clients, 'w1', value, W1_KEYS, true);
  await fillPairs(contenders, W1_KEYS, value);
  const samples = new Map(
    contenders.map((c) => [c.name, new Samples(mode.workloads.rounds * plan.pairsPerRound)]),
  );
  const pairs = async (c: PairContender, count: number, into?: Samples): Promise<number> => {
    const start = nowNs();
    for (let i = 0; i < count; i++) {
      await c.set(i);
      const getStart = nowNs();
      await c.get(i);
      into?.push((nowNs() - getStart) / 1e3);
    }
    return nowNs() - start;
  };
  for (const c of contenders) await pairs(c, plan.warmup);
  const rates = await medianRates(contenders, mode.workloads.rounds, plan.pairsPerRound, (c) =>
    pairs(c, plan.pairsPerRound, samples.get(c.name)),
  );
  const baseP50 = samples.get(BASELINE)!.percentile(50);
  return contenders.map((c) => {
    const p50 = samples.get(c.name)!.percentile(50);
    return {
      workload: `W1 set+get ~${Math.round(jsonBytes(value) / 1024)} KB`,
      contender: c.name,
      opsPerSec: rates.get(c.name)!,
      speed: rates.get(c.name)! / rates.get(BASELINE)!,
      getP50: p50,
      getP50Delta: p50 - baseP50,
    };
  });
}

/** W2: get of a ~1 KB value, `concurrency` (256) in flight from a shared counter. */
async function w2(env: BenchEnvironment, clients: Clients, mode: Mode): Promise<Row[]> {
  const plan = mode.workloads.w2;
  const value = listValue(1024);
  const cache = env.cache({}, 'w2');
  const cacheMsgpack = env.cache({ serializer: 'msgpack' }, 'w2');
  const keys = keySet('w2', 'k', W2_KEYS);
  const msgpackKeys = keySet('w2', 'm', W2_KEYS);
  const rawKeys = keys.user.map((key) => `w2-raw:${key}`);
  await cache.setMany(new Map(keys.user.map((key) => [key, value])));
  await cacheMsgpack.setMany(new Map(msgpackKeys.user.map((key) => [key, value])));
  const fill = clients.raw.pipeline();
  for (const key of rawKeys) fill.set(key, JSON.stringify(value), 'EX', 300);
  await fill.exec();

  const contenders: AsyncContender[] = [
    { name: 'cachex', op: (i) => cache.get(keys.user[i % W2_KEYS]!) },
    { name: 'cachex msgpack', op: (i) => cacheMsgpack.get(msgpackKeys.user[i % W2_KEYS]!) },
    { name: BASELINE, op: async (i) => parse(await clients.raw.getBuffer(rawKeys[i % W2_KEYS]!)) },
    {
      name: 'ioredis autopipelining',
      op: async (i) => parse(await clients.autopipelined.getBuffer(rawKeys[i % W2_KEYS]!)),
    },
    {
      name: 'iovalkey',
      op: async (i) => parse(await clients.valkey.getBuffer(rawKeys[i % W2_KEYS]!)),
    },
    {
      name: 'node-redis',
      op: async (i) => parse(await clients.nodeRedis.get(rawKeys[i % W2_KEYS]!)),
    },
  ];
  for (const c of contenders) checkValue(c.name, await c.op(0), value);
  const results = await measureThroughput(contenders, { ...plan, rounds: mode.workloads.rounds });
  const base = results.find((r) => r.name === BASELINE)!.opsPerSec;
  return results.map((r) => ({
    workload: `W2 get, ${plan.concurrency} in flight`,
    contender: r.name,
    opsPerSec: r.opsPerSec,
    speed: r.opsPerSec / base,
  }));
}

/** Parses the replies of an MGET into an array, as a raw user would. */
function parseAll(replies: readonly (Buffer | string | null)[]): unknown[] {
  const values: unknown[] = new Array(replies.length);
  for (let i = 0; i < replies.length; i++) values[i] = parse(replies[i]!);
  return values;
}

/** W3: getMany of `keys` (100) keys of ~1 KB, one batch in flight. */
async function w3(env: BenchEnvironment, clients: Clients, mode: Mode): Promise<Row[]> {
  const plan = mode.workloads.w3;
  const value = listValue(1024);
  const plain = keySet('w3-json', 'k', plan.keys);
  const zstd = keySet('w3-zstd', 'k', plan.keys);
  const cache = env.cache({}, 'w3-json');
  const cacheZstd = env.cache({ compressor: 'zstd' }, 'w3-zstd');
  const msgpack = keySet('w3-msgpack', 'k', plan.keys);
  const cacheMsgpack = env.cache({ serializer: 'msgpack' }, 'w3-msgpack');
  await cache.setMany(new Map(plain.user.map((key) => [key, value])));
  await cacheMsgpack.setMany(new Map(msgpack.user.map((key) => [key, value])));
  await cacheZstd.setMany(new Map(zstd.user.map((key) => [key, value])));
  const rawKeys = plain.user.map((key) => `w3-raw:${key}`);
  const fill = clients.raw.pipeline();
  for (const key of rawKeys) fill.set(key, JSON.stringify(value), 'EX', 300);
  await fill.exec();

  const contenders: AsyncContender[] = [
    { name: 'cachex', op: () => cache.getMany(plain.user) },
    { name: 'cachex msgpack', op: () => cacheMsgpack.getMany(msgpack.user) },
    { name: 'cachex+zstd', op: () => cacheZstd.getMany(zstd.user) },
    { name: BASELINE, op: async () => parseAll(await clients.raw.mgetBuffer(rawKeys)) },
    {
      name: 'ioredis autopipelining',
      op: async () => parseAll(await clients.autopipelined.mgetBuffer(rawKeys)),
    },
    { name: 'iovalkey', op: async () => parseAll(await clients.valkey.mgetBuffer(rawKeys)) },
    { name: 'node-redis', op: async () => parseAll(await clients.nodeRedis.mGet(rawKeys)) },
  ];
  for (const c of contenders) {
    const back = (await c.op(0)) as Map<string, unknown> | unknown[];
    const size = back instanceof Map ? back.size : back.length;
    const first = back instanceof Map ? back.values().next().value : back[0];
    if (size !== plan.keys) throw new Error(`${c.name}: getMany returned ${size} values`);
    checkValue(c.name, first, value);
  }
  const rates = await measureSequentialRate(contenders, {
    rounds: mode.workloads.rounds,
    opsPerRound: plan.callsPerRound,
    warmup: plan.warmup,
  });
  return contenders.map((c) => ({
    workload: `W3 getMany ${plan.keys} keys`,
    contender: c.name,
    opsPerSec: rates.get(c.name)!,
    speed: rates.get(c.name)! / rates.get(BASELINE)!,
  }));
}

/**
 * W4: set then get of a ~100 KB JSON array of records. Besides ops/s: the bytes the server keeps
 * (STRLEN) and the event-loop delay p99 during that contender's measured rounds only.
 */
async function w4(env: BenchEnvironment, clients: Clients, mode: Mode): Promise<Row[]> {
  const plan = mode.workloads.w4;
  const value = listValue(plan.bytes);
  const contenders = pairContenders(env, clients, 'w4', value, W4_KEYS, false);
  await fillPairs(contenders, W4_KEYS, value);
  // A fresh histogram per round, enabled only while that round runs. Not one per contender
  // enabled and disabled again: a re-enabled histogram's first sample spans the whole time it
  // was disabled (node keeps the previous tick), which would put the other contenders' rounds
  // into this one's p99. Hence the p99 of each round, and the median over rounds.
  const delays = new Map<string, { p99: number[]; max: number }>(
    contenders.map((c) => [c.name, { p99: [], max: 0 }]),
  );
  const pairs = async (c: PairContender, count: number): Promise<number> => {
    const start = nowNs();
    for (let i = 0; i < count; i++) {
      await c.set(i);
      await c.get(i);
    }
    return nowNs() - start;
  };
  for (const c of contenders) await pairs(c, plan.warmup);
  const rates = await medianRates(
    contenders,
    mode.workloads.rounds,
    plan.pairsPerRound,
    async (c) => {
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
      try {
        return await pairs(c, plan.pairsPerRound);
      } finally {
        histogram.disable();
        const delay = delays.get(c.name)!;
        delay.p99.push(histogram.percentile(99) / 1e6);
        delay.max = Math.max(delay.max, histogram.max / 1e6);
      }
    },
  );
  const baseBytes = Number(
    await clients.raw.strlen(contenders.find((c) => c.name === BASELINE)!.storedKey),
  );
  const rows: Row[] = [];
  for (const c of contenders) {
    const bytes = Number(await clients.raw.strlen(c.storedKey));
    rows.push({
      workload: `W4 set+get ~${Math.round(jsonBytes(value) / 1024)} KB`,
      contender: c.name,
      opsPerSec: rates.get(c.name)!,
      speed: rates.get(c.name)! / rates.get(BASELINE)!,
      bytes,
      bytesRatio: bytes / baseBytes,
      loopDelayP99: median(delays.get(c.name)!.p99),
      loopDelayMax: delays.get(c.name)!.max,
    });
  }
  return rows;
}

/**
 * Section 1: the workloads the speed goals are stated in, cachex against raw ioredis (the 1.00×
 * baseline) and peer clients as reference columns, in the same run with interleaved rounds.
 * Every row reports ops/s and a SPEED ratio (ops/s ÷ raw ioredis ops/s: higher is faster),
 * the opposite reading of the time ratios in the other tables.
 */
export async function workloadsSection(env: BenchEnvironment, mode: Mode): Promise<SectionResult> {
  const clients: Clients = {
    raw: env.raw(),
    autopipelined: env.raw({ enableAutoPipelining: true }),
    valkey: env.valkey(),
    nodeRedis: await env.nodeRedis(),
  };
  const rows = [
    ...(await w1(env, clients, mode)),
    ...(await w2(env, clients, mode)),
    ...(await w3(env, clients, mode)),
    ...(await w4(env, clients, mode)),
  ];
  const plan = mode.workloads;
  return {
    id: 'workloads',
    title: '1. Workloads W1–W4 (ops/s and speed ratio)',
    description:
      'Median ops/s over interleaved rounds. SPEED ratio = ops/s ÷ raw ioredis ops/s: higher is faster (1.25× = 25% more ops/s), unlike the time ratios of the other tables. W1/W4 count set+get pairs, W3 getMany calls. Δ get p50 = get p50 − raw ioredis get p50. Loop delay = monitorEventLoopDelay (1 ms resolution) during that contender’s rounds only: p99 of each round, median over rounds; max over all rounds. An idle loop reads ~1 ms (the sampling interval).',
    columns: [
      { key: 'workload', label: 'workload', format: 'text' },
      { key: 'contender', label: 'contender', format: 'text' },
      { key: 'opsPerSec', label: 'ops/s', format: 'ops' },
      { key: 'speed', label: 'speed ratio (↑ faster)', format: 'ratio' },
      { key: 'getP50', label: 'get p50 µs', format: 'us' },
      { key: 'getP50Delta', label: 'Δ get p50 µs', format: 'us' },
      { key: 'bytes', label: 'bytes stored', format: 'bytes' },
      { key: 'bytesRatio', label: 'bytes ratio', format: 'ratio' },
      { key: 'loopDelayP99', label: 'loop delay p99 ms', format: 'ms' },
      { key: 'loopDelayMax', label: 'loop delay max ms', format: 'ms' },
    ],
    rows,
    settings: {
      rounds: plan.rounds,
      w1PairsPerRound: plan.w1.pairsPerRound,
      w2OpsPerRound: plan.w2.opsPerRound,
      w2Concurrency: plan.w2.concurrency,
      w3CallsPerRound: plan.w3.callsPerRound,
      w4PairsPerRound: plan.w4.pairsPerRound,
      valueBytes: jsonBytes(listValue(1024)),
      largeBytes: jsonBytes(listValue(plan.w4.bytes)),
    },
  };
}

/** The cachex standalone getMany rate of a workloads section (W3), for the cluster comparison. */
export function standaloneGetManyRate(section: SectionResult): number | undefined {
  const row = section.rows.find(
    (r) => String(r.workload).startsWith('W3') && r.contender === 'cachex',
  );
  return typeof row?.opsPerSec === 'number' ? row.opsPerSec : undefined;
}
