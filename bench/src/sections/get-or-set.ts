import { setTimeout as sleep } from 'node:timers/promises';
import type { Cache, GetOrSetOptions, GetOrSetResult } from '@cachex/core';
import { BentoCache, bentostore } from 'bentocache';
import { redisDriver } from 'bentocache/drivers/redis';
import type { Redis } from 'ioredis';
import { type AsyncContender, measureThroughput, opsOf, planSettings } from '../compare.js';
import type { BenchEnvironment } from '../environment.js';
import { type Contender, interleave, nowNs, runConcurrent, Samples } from '../harness.js';
import type { Mode } from '../mode.js';
import { jsonBytes, listValue } from '../payloads.js';
import type { Row, SectionResult } from '../report.js';
import { keySet } from './keys.js';

/** The baseline of the speed ratios, as in W2. */
const BASELINE = 'ioredis';
/** The second ratio column: what getOrSet adds to a plain get. */
const GET = 'cachex get';
const META = 'cachex getOrSet { grace: 60, earlyRefresh: true, meta: true }';
/** Keys per contender, as in W2. */
const KEYS = 1000;
/** Calls in flight when a getOrSet contender fills its keys (each key's first call, a miss). */
const FILL_CONCURRENCY = 256;
/** Calls per contender, one at a time, whose commands are counted on the server. */
const COMMAND_CALLS = 100;
/** The stampede: concurrent calls of one missing key, and how long its factory takes. */
const STAMPEDE_CALLS = 500;
const STAMPEDE_FACTORY_MS = 20;
/** Caches (each on its own transport, same key prefix) that share the calls of a stampede. */
const STAMPEDE_CACHES = 4;
/**
 * Stampedes per row, each on a fresh key (one more, not reported, warms up first). Not timing
 * rounds (a stampede is over in tens of ms), so kept here rather than in mode.ts.
 */
const STAMPEDE_REPETITIONS: Record<Mode['name'], number> = { quick: 3, default: 20 };

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

/** `cmdstat_<name>:calls=N,…` lines of INFO commandstats, as name → calls. */
function parseCommandStats(info: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match) calls.set(match[1]!, Number(match[2]));
  }
  return calls;
}

/**
 * Runs `op` {@link COMMAND_CALLS} times, one at a time, and reads how many commands the server
 * received per call (the delta of INFO commandstats, INFO itself left out): `1.00 get`,
 * `2.00 (1.00 get, 1.00 pttl)`.
 */
async function commandsPerCall(raw: Redis, op: (index: number) => Promise<unknown>) {
  const before = parseCommandStats(await raw.info('commandstats'));
  for (let i = 0; i < COMMAND_CALLS; i++) await op(i);
  const after = parseCommandStats(await raw.info('commandstats'));
  const parts: string[] = [];
  let total = 0;
  for (const [name, count] of after) {
    if (name === 'info') continue;
    const delta = (count - (before.get(name) ?? 0)) / COMMAND_CALLS;
    if (delta <= 0) continue;
    total += delta;
    parts.push(`${delta.toFixed(2)} ${name}`);
  }
  return parts.length === 1 ? parts[0]! : `${total.toFixed(2)} (${parts.join(', ')})`;
}

/** A hits contender, and how many times its factory ran (`undefined`: it has none). */
interface HitContender extends AsyncContender {
  factoryCalls?: () => number;
}

/**
 * A getOrSet contender: `call` is one getOrSet on a cache of its own. Filling reads every key
 * once through it (all misses, so each factory call stores its key); after that, every call is
 * a hit.
 */
function getOrSetContender(
  name: string,
  keys: readonly string[],
  value: Value,
  call: (key: string, factory: () => Value) => Promise<unknown>,
): HitContender {
  let calls = 0;
  const factory = (): Value => {
    calls++;
    return value;
  };
  return { name, op: (i) => call(keys[i % KEYS]!, factory), factoryCalls: () => calls };
}

/**
 * Section 10, first table: getOrSet hits of a ~1 KB value in the W2 shape (256 in flight, 1000
 * keys), with and without the stampede options that make a hit read the TTL too, against
 * cachex `get`, raw ioredis GET + JSON.parse (the 1.00× baseline) and bentocache's getOrSet
 * on a redis-only store with grace.
 */
export async function getOrSetSection(env: BenchEnvironment, mode: Mode): Promise<SectionResult> {
  const plan = { ...mode.workloads.w2, rounds: mode.workloads.rounds };
  const value = listValue(1024);
  const raw = env.raw();
  const keys = keySet('gos', 'k', KEYS).user;
  const rawKeys = keys.map((key) => `gos-raw:${key}`);
  const plain = env.cache({}, 'gos-get');
  await plain.setMany(new Map(keys.map((key) => [key, value])));
  const fill = raw.pipeline();
  for (const key of rawKeys) fill.set(key, JSON.stringify(value), 'EX', 300);
  await fill.exec();

  // A store with a redis L2 and no L1 (bentocache's single-tier getOrSet: one GET per hit, the
  // factory behind an in-process lock on a miss), no bus; grace as a per-call option. bentocache
  // keeps an entry for `grace` in all (its key's TTL), not `ttl + grace` as cachex does: grace
  // 6m with ttl 5m is cachex's `{ timeout: 300, grace: 60 }` (a grace of 1m would drop every
  // key a minute after it was written, and the default run outlasts that).
  const connection = { host: env.server.host, port: env.server.port, protocol: 2 as const };
  const bento = new BentoCache({
    default: 'l2',
    stores: { l2: bentostore({ prefix: 'gos-bento' }).useL2Layer(redisDriver({ connection })) },
  });
  try {
    const bentoStore = bento.use('l2');
    let bentoCalls = 0;
    const bentoFactory = (): Value => {
      bentoCalls++;
      return value;
    };

    const gosPlain = env.cache({}, 'gos-plain');
    const gosGrace = env.cache({}, 'gos-grace');
    const gosMeta = env.cache({}, 'gos-meta');
    const contenders: HitContender[] = [
      { name: BASELINE, op: async (i) => parse(await raw.getBuffer(rawKeys[i % KEYS]!)) },
      { name: GET, op: (i) => plain.get(keys[i % KEYS]!) },
      getOrSetContender('cachex getOrSet', keys, value, (key, factory) =>
        gosPlain.getOrSet(key, factory),
      ),
      getOrSetContender('cachex getOrSet { grace: 60 }', keys, value, (key, factory) =>
        gosGrace.getOrSet(key, factory, { grace: 60 }),
      ),
      getOrSetContender(META, keys, value, (key, factory) =>
        gosMeta.getOrSet(key, factory, { grace: 60, earlyRefresh: true, meta: true }),
      ),
      {
        name: 'bentocache getOrSet (redis L2 only, ttl 5m, grace 6m)',
        op: (i) =>
          bentoStore.getOrSet({
            key: keys[i % KEYS]!,
            factory: bentoFactory,
            ttl: '5m',
            grace: '6m',
          }),
        factoryCalls: () => bentoCalls,
      },
    ];
    // The getOrSet contenders store their keys themselves: one miss per key.
    for (const c of contenders) {
      if (c.factoryCalls === undefined) continue;
      await runConcurrent(KEYS, FILL_CONCURRENCY, c.op);
      if (c.factoryCalls() !== KEYS) {
        throw new Error(`${c.name}: ${c.factoryCalls()} factory calls filling ${KEYS} keys`);
      }
    }
    for (const c of contenders) {
      const back = await c.op(0);
      if (c.name === META) {
        const result = back as GetOrSetResult<Value>;
        if (result.status !== 'hit') throw new Error(`${META}: status ${result.status}, not hit`);
        checkValue(c.name, result.value, value);
      } else {
        checkValue(c.name, back, value);
      }
    }

    const results = await measureThroughput(contenders, plan);
    // Every measured getOrSet must have been a hit: a factory call would be a miss.
    for (const c of contenders) {
      if (c.factoryCalls !== undefined && c.factoryCalls() !== KEYS) {
        throw new Error(`${c.name}: ${c.factoryCalls() - KEYS} measured calls ran the factory`);
      }
    }
    const commands = new Map<string, string>();
    for (const c of contenders) commands.set(c.name, await commandsPerCall(raw, c.op));

    const rate = opsOf(results);
    const base = rate(BASELINE);
    const getRate = rate(GET);
    return {
      id: 'get-or-set',
      title: '10. getOrSet: hits in the W2 shape (ops/s and speed ratio)',
      description:
        'getOrSet of a ~1 KB value already stored, 256 in flight, keys from a set of 1000 (each getOrSet contender filled its own keys through its own misses). Median ops/s over interleaved rounds. SPEED ratios (higher is faster): ops/s ÷ raw ioredis GET + JSON.parse ops/s, and ops/s ÷ cachex get ops/s. Commands = per call, one call at a time, INFO commandstats delta. bentocache: a store with a redis L2 only (no L1, no bus) on the same server.',
      columns: [
        { key: 'contender', label: 'contender', format: 'text' },
        { key: 'opsPerSec', label: 'ops/s', format: 'ops' },
        { key: 'speed', label: 'speed ratio (↑ faster)', format: 'ratio' },
        { key: 'vsGet', label: 'vs cachex get', format: 'ratio' },
        { key: 'commands', label: 'commands per call', format: 'text' },
      ],
      rows: results.map(
        (r): Row => ({
          contender: r.name,
          opsPerSec: r.opsPerSec,
          speed: r.opsPerSec / base,
          vsGet: r.opsPerSec / getRate,
          commands: commands.get(r.name)!,
        }),
      ),
      settings: {
        ...planSettings(plan),
        valueBytes: jsonBytes(value),
      },
    };
  } finally {
    await bento.disconnectAll();
  }
}

/** One way of sharing a stampede's factory call, measured on fresh keys. */
interface StampedeRow extends Contender {
  singleFlight: 'process' | 'cluster';
  caches: readonly Cache[];
  /** Factory calls by cache, summed over the reported repetitions. */
  factoryCalls: number[];
  /** Factory calls of each reported repetition, all caches together. */
  perRepetition: number[];
  waits: Samples;
}

/**
 * Section 10, second table: {@link STAMPEDE_CALLS} concurrent getOrSet of one missing key (a
 * fresh key per repetition) whose factory takes {@link STAMPEDE_FACTORY_MS} ms: how many times
 * the factory ran, and how long the callers waited.
 */
export async function getOrSetStampedeSection(
  env: BenchEnvironment,
  mode: Mode,
): Promise<SectionResult> {
  const repetitions = STAMPEDE_REPETITIONS[mode.name];
  const value = listValue(1024);
  const prefix = 'gos-stampede';
  const manyCaches = (count: number): Cache[] =>
    Array.from({ length: count }, () => env.cache({}, prefix));
  const row = (
    name: string,
    singleFlight: 'process' | 'cluster',
    caches: readonly Cache[],
  ): StampedeRow => ({
    name,
    singleFlight,
    caches,
    factoryCalls: caches.map(() => 0),
    perRepetition: [],
    waits: new Samples(repetitions * STAMPEDE_CALLS),
  });
  const rows: StampedeRow[] = [
    row(`singleFlight 'process', 1 cache`, 'process', manyCaches(1)),
    row(
      `singleFlight 'process', ${STAMPEDE_CACHES} caches`,
      'process',
      manyCaches(STAMPEDE_CACHES),
    ),
    row(
      `singleFlight 'cluster', ${STAMPEDE_CACHES} caches`,
      'cluster',
      manyCaches(STAMPEDE_CACHES),
    ),
  ];
  // Connected before the first stampede, so that no wait includes a connection's set-up.
  for (const r of rows) for (const cache of r.caches) await cache.get('connect');

  let keyCount = 0;
  const stampede = async (r: StampedeRow, report: boolean): Promise<void> => {
    const key = `stampede:${keyCount++}`;
    const calls = r.caches.map(() => 0);
    const options: GetOrSetOptions = { timeout: 60, singleFlight: r.singleFlight };
    const pending: Promise<void>[] = [];
    // Call i goes to cache i mod n: every cache's calls start together, as in a burst of
    // requests spread over the instances of a service.
    for (let i = 0; i < STAMPEDE_CALLS; i++) {
      const n = i % r.caches.length;
      const factory = async (): Promise<Value> => {
        calls[n]!++;
        await sleep(STAMPEDE_FACTORY_MS);
        return value;
      };
      const start = nowNs();
      pending.push(
        r.caches[n]!.getOrSet(key, factory, options).then((back) => {
          if (report) r.waits.push((nowNs() - start) / 1e6);
          checkValue(r.name, back, value);
        }),
      );
    }
    await Promise.all(pending);
    if (!report) return;
    for (let n = 0; n < calls.length; n++) r.factoryCalls[n]! += calls[n]!;
    r.perRepetition.push(calls.reduce((a, b) => a + b, 0));
  };

  for (const r of rows) await stampede(r, false);
  await interleave(rows, repetitions, (r) => stampede(r, true));

  return {
    id: 'get-or-set-stampede',
    title: `10. getOrSet: stampede of ${STAMPEDE_CALLS} concurrent calls on one missing key`,
    description: `${STAMPEDE_CALLS} getOrSet of one missing key at once, spread evenly over the caches (each on its own transport, same key prefix, all in this process), factory ${STAMPEDE_FACTORY_MS} ms; a fresh key per repetition, repetitions interleaved. Factory calls summed over the repetitions (by cache, and the range per repetition); waits = each call's own start to its result, pooled over the repetitions.`,
    columns: [
      { key: 'contender', label: 'singleFlight, caches', format: 'text' },
      { key: 'calls', label: 'calls per cache', format: 'count' },
      { key: 'repetitions', label: 'repetitions', format: 'count' },
      { key: 'factoryCalls', label: 'factory calls', format: 'count' },
      { key: 'byCache', label: 'by cache', format: 'text' },
      { key: 'perRepetition', label: 'per repetition', format: 'text' },
      { key: 'p50', label: 'wait p50 ms', format: 'ms' },
      { key: 'p99', label: 'wait p99 ms', format: 'ms' },
    ],
    rows: rows.map((r): Row => {
      const low = Math.min(...r.perRepetition);
      const high = Math.max(...r.perRepetition);
      return {
        contender: r.name,
        calls: STAMPEDE_CALLS / r.caches.length,
        repetitions,
        factoryCalls: r.factoryCalls.reduce((a, b) => a + b, 0),
        byCache: r.factoryCalls.join('/'),
        perRepetition: low === high ? String(low) : `${low}–${high}`,
        p50: r.waits.percentile(50),
        p99: r.waits.percentile(99),
      };
    }),
    settings: {
      calls: STAMPEDE_CALLS,
      factoryMs: STAMPEDE_FACTORY_MS,
      repetitions,
      valueBytes: jsonBytes(value),
    },
  };
}
