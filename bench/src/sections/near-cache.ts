import { setTimeout as sleep } from 'node:timers/promises';
import type { Cache, NearCacheOptions } from '@cachex/core';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import type { Redis } from 'ioredis';
import { type AsyncContender, measureThroughput, opsOf, planSettings } from '../compare.js';
import type { BenchEnvironment } from '../environment.js';
import { runConcurrent } from '../harness.js';
import type { Mode } from '../mode.js';
import { jsonBytes, listValue } from '../payloads.js';
import type { Row, SectionResult } from '../report.js';
import { keySet } from './keys.js';

/** The baseline of the speed ratios, as in W2. */
const BASELINE = 'ioredis';
const NEAR = 'cachex near cache (hits)';
const BENTO = 'bentocache L1 (hits)';
const BENTO_OBJECTS = 'bentocache L1 serialize:false (hits)';
/** Keys per contender, as in W2. */
const KEYS = 1000;
/** Entries per setMany when writing the keys of the memory table. */
const WRITE_CHUNK = 1000;
/** How long the near cache may take to turn tracking on before the section gives up. */
const TRACKING_TIMEOUT_MS = 10_000;
/** Reads in flight when filling a near cache in the memory table. */
const FILL_CONCURRENCY = 256;
/** maxBytes of the memory table's reference row: large enough to hold every value read. */
const REFERENCE_MAX_BYTES = 256 * 1024 * 1024;

type Value = ReturnType<typeof listValue>;

/** Parses what raw ioredis read (`null` = a miss, which this section never expects). */
function parse(bytes: Buffer | null): unknown {
  if (bytes === null) throw new Error('unexpected miss');
  return JSON.parse(bytes.toString('utf8'));
}

/** Not a timing check: a wrong round trip would make every number meaningless. */
function checkValue(name: string, back: unknown, value: Value): void {
  if ((back as Partial<Value> | undefined)?.items?.length !== value.items.length) {
    throw new Error(`${name}: the value did not round-trip`);
  }
}

/**
 * Waits until the server tracks the cache's reads (set up in the background by its first get):
 * before that, the near cache keeps nothing.
 */
async function waitForTracking(name: string, cache: Cache): Promise<void> {
  const deadline = Date.now() + TRACKING_TIMEOUT_MS;
  for (;;) {
    const stats = cache.nearCacheStats();
    if (stats === undefined) throw new Error(`${name}: the near cache is not enabled`);
    if (stats.tracking) return;
    if (Date.now() > deadline) {
      const why = stats.lastError === undefined ? '' : `: ${stats.lastError}`;
      throw new Error(`${name}: tracking not on after ${TRACKING_TIMEOUT_MS} ms${why}`);
    }
    await sleep(10);
  }
}

/** Reads of keys the server has served so far (INFO stats: keyspace hits + misses). */
async function serverReads(raw: Redis): Promise<number> {
  const info = await raw.info('stats');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
    if (match === null) throw new Error(`INFO stats has no ${name}`);
    return Number(match[1]);
  };
  return field('keyspace_hits') + field('keyspace_misses');
}

/**
 * Not a timing check: runs `op` once per key and throws if any of those gets reached the
 * server, so that a "hits" row measures in-process hits and nothing else.
 */
async function checkInProcess(raw: Redis, contender: AsyncContender): Promise<void> {
  const before = await serverReads(raw);
  for (let i = 0; i < KEYS; i++) await contender.op(i);
  const reads = (await serverReads(raw)) - before;
  if (reads !== 0) {
    throw new Error(`${contender.name}: ${reads} of ${KEYS} gets went to the server`);
  }
}

/**
 * Section 9, first table: get of a ~1 KB value in the W2 shape (256 in flight, 1000 keys), the
 * near cache's in-process hits against cachex without it, raw ioredis GET + JSON.parse (the
 * 1.00× baseline) and bentocache's memory L1 in front of its redis L2 (hits only).
 */
export async function nearCacheSection(env: BenchEnvironment, mode: Mode): Promise<SectionResult> {
  const plan = mode.nearCache;
  const value = listValue(1024);
  const raw = env.raw();
  const keys = keySet('near', 'k', KEYS);
  const near = env.cache({}, 'near-hits', { nearCache: { maxEntries: 10_000 } });
  const plain = env.cache({}, 'near-plain');
  const rawKeys = keys.user.map((key) => `near-raw:${key}`);
  await near.setMany(new Map(keys.user.map((key) => [key, value])));
  await plain.setMany(new Map(keys.user.map((key) => [key, value])));
  const fill = raw.pipeline();
  for (const key of rawKeys) fill.set(key, JSON.stringify(value), 'EX', 300);
  await fill.exec();

  // No bus: one process, nothing to tell other instances; the L1 then answers every get of a
  // key it holds. serialize (the default) keeps JSON text in the L1 and parses it on every hit;
  // serialize: false keeps the object itself and hands out that same (mutable) object.
  const connection = { host: env.server.host, port: env.server.port, protocol: 2 as const };
  const bento = new BentoCache({
    default: 'text',
    stores: {
      text: bentostore({ prefix: 'bento-text' })
        .useL1Layer(memoryDriver({ maxItems: 10_000 }))
        .useL2Layer(redisDriver({ connection })),
      objects: bentostore({ prefix: 'bento-objects' })
        .useL1Layer(memoryDriver({ maxItems: 10_000, serialize: false }))
        .useL2Layer(redisDriver({ connection })),
    },
  });
  try {
    const bentoText = bento.use('text');
    const bentoObjects = bento.use('objects');
    for (const store of [bentoText, bentoObjects]) {
      for (const key of keys.user) await store.set({ key, value, ttl: '5m' });
      for (const key of keys.user) checkValue('bentocache', await store.get({ key }), value);
    }

    // The near cache keeps values only once tracking is on: one get starts it, then every key
    // is read once more so that the measured gets are hits.
    await near.get(keys.user[0]!);
    await waitForTracking(NEAR, near);
    for (const key of keys.user) checkValue(NEAR, await near.get(key), value);
    const held = near.nearCacheStats()!.entries;
    if (held !== KEYS) throw new Error(`${NEAR}: ${held} of ${KEYS} values held`);

    const contenders: AsyncContender[] = [
      { name: NEAR, op: (i) => near.get(keys.user[i % KEYS]!) },
      { name: 'cachex', op: (i) => plain.get(keys.user[i % KEYS]!) },
      { name: BASELINE, op: async (i) => parse(await raw.getBuffer(rawKeys[i % KEYS]!)) },
      { name: BENTO, op: (i) => bentoText.get({ key: keys.user[i % KEYS]! }) },
      { name: BENTO_OBJECTS, op: (i) => bentoObjects.get({ key: keys.user[i % KEYS]! }) },
    ];
    for (const c of contenders) checkValue(c.name, await c.op(0), value);
    for (const c of contenders.filter((c) => c.name !== 'cachex' && c.name !== BASELINE)) {
      await checkInProcess(raw, c);
    }

    const before = near.nearCacheStats()!;
    const results = await measureThroughput(contenders, plan);
    const after = near.nearCacheStats()!;
    const rate = opsOf(results);
    const base = rate(BASELINE);
    const bentoRate = rate(BENTO);
    const bentoObjectsRate = rate(BENTO_OBJECTS);
    return {
      id: 'near-cache',
      title: '9. Near cache: get hits in the W2 shape (ops/s and speed ratio)',
      description:
        'get of a ~1 KB value, 256 in flight, keys from a set of 1000, every value already held in process (near cache, bentocache L1) or read from the server (cachex, ioredis). Median ops/s over interleaved rounds. SPEED ratios (higher is faster): ops/s ÷ raw ioredis GET + JSON.parse ops/s, and ops/s ÷ each bentocache L1 row’s ops/s. bentocache: memory L1 + redis L2 on the same server, no bus.',
      columns: [
        { key: 'contender', label: 'contender', format: 'text' },
        { key: 'opsPerSec', label: 'ops/s', format: 'ops' },
        { key: 'speed', label: 'speed ratio (↑ faster)', format: 'ratio' },
        { key: 'vsBento', label: 'vs bentocache L1', format: 'ratio' },
        { key: 'vsBentoObjects', label: 'vs bentocache L1 serialize:false', format: 'ratio' },
      ],
      rows: results.map(
        (r): Row => ({
          contender: r.name,
          opsPerSec: r.opsPerSec,
          speed: r.opsPerSec / base,
          vsBento: r.opsPerSec / bentoRate,
          vsBentoObjects: r.opsPerSec / bentoObjectsRate,
        }),
      ),
      settings: {
        ...planSettings(plan),
        valueBytes: jsonBytes(value),
        // Every measured near-cache get should be a hit (misses would be round trips).
        nearHits: after.hits - before.hits,
        nearMisses: after.misses - before.misses,
      },
    };
  } finally {
    await bento.disconnectAll();
  }
}

/** heapUsed after two full collections (the second one catches what the first freed up). */
function settledHeap(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

/**
 * Section 9, second table: many more distinct values than `maxBytes` holds, each read once,
 * then the near cache's own count and estimate, and how much the heap grew (after collections).
 * A cache without a near cache and one large enough to hold everything frame the bounded row.
 */
export async function nearCacheMemorySection(
  env: BenchEnvironment,
  mode: Mode,
): Promise<SectionResult> {
  const plan = mode.nearCache;
  const prefix = 'near-mem';
  const base = listValue(1024);
  const keys = Array.from({ length: plan.memoryKeys }, (_, i) => `m:${i}`);
  const writer = env.cache({}, prefix);
  for (let start = 0; start < keys.length; start += WRITE_CHUNK) {
    const chunk = keys.slice(start, start + WRITE_CHUNK);
    // Distinct values (page = the key's number), each ~1 KB of JSON.
    await writer.setMany(new Map(chunk.map((key, j) => [key, { ...base, page: start + j }])));
  }
  await writer.close();

  const mib = (bytes: number): string => `${bytes / (1024 * 1024)} MiB`;
  const variants: { name: string; nearCache?: NearCacheOptions }[] = [
    { name: 'cachex (no near cache)' },
    {
      name: `near cache, maxBytes ${mib(plan.memoryMaxBytes)}`,
      nearCache: { maxBytes: plan.memoryMaxBytes },
    },
    {
      name: `near cache, maxBytes ${mib(REFERENCE_MAX_BYTES)}, maxEntries ${plan.memoryKeys} (holds all)`,
      nearCache: { maxBytes: REFERENCE_MAX_BYTES, maxEntries: plan.memoryKeys },
    },
  ];
  const rows: Row[] = [];
  for (const variant of variants) {
    const cache = env.cache(
      {},
      prefix,
      variant.nearCache === undefined ? {} : { nearCache: variant.nearCache },
    );
    try {
      checkValue(variant.name, await cache.get(keys[0]!), base);
      if (variant.nearCache !== undefined) await waitForTracking(variant.name, cache);
      const heapBefore = settledHeap();
      await runConcurrent(keys.length, FILL_CONCURRENCY, (i) => cache.get(keys[i]!));
      const heapAfter = settledHeap();
      const stats = cache.nearCacheStats();
      rows.push({
        contender: variant.name,
        reads: keys.length,
        ...(stats === undefined
          ? {}
          : {
              entries: stats.entries,
              bytes: stats.bytes,
              maxBytes: variant.nearCache?.maxBytes ?? 0,
            }),
        heapGrowth: heapAfter - heapBefore,
      });
    } finally {
      // Closing empties the near cache, so the next row starts from the same heap.
      await cache.close();
    }
  }
  return {
    id: 'near-cache-memory',
    title: `9. Near cache: memory, ${plan.memoryKeys} distinct ~1 KB values read once each`,
    description:
      'Each row: a fresh cache (tracking on first), then one get of every key, 256 in flight. entries and estimated bytes = nearCacheStats() after the reads; heap growth = heapUsed after the reads − before, each after gc() (node --expose-gc). The near cache’s estimate counts strings at two bytes per character, numbers at eight, plus a small overhead per object and property.',
    columns: [
      { key: 'contender', label: 'cache', format: 'text' },
      { key: 'reads', label: 'values read', format: 'count' },
      { key: 'entries', label: 'entries held', format: 'count' },
      { key: 'bytes', label: 'estimated bytes', format: 'bytes' },
      { key: 'maxBytes', label: 'maxBytes', format: 'bytes' },
      { key: 'heapGrowth', label: 'heap growth bytes', format: 'bytes' },
    ],
    rows,
    settings: {
      keys: plan.memoryKeys,
      valueBytes: jsonBytes(base),
      jsonBytesRead: plan.memoryKeys * jsonBytes(base),
      gc: globalThis.gc === undefined ? 'not exposed' : 'exposed',
    },
  };
}
