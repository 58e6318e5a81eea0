import { createCodec } from '@cachex/codecs';
import { createCache } from '@cachex/core';
import {
  type ClusterNodeEndpoint,
  clusterKeySlot,
  runAdminCommand,
  startClusterTopology,
} from '@cachex/testing/servers';
import { createClusterTransport } from '@cachex/transport-cluster';
import { Cluster } from 'ioredis';
import { type AsyncContender, measureSequentialRate } from '../compare.js';
import type { Mode } from '../mode.js';
import { jsonBytes, listValue } from '../payloads.js';
import type { Row, SectionResult } from '../report.js';
import { keySet } from './keys.js';

const PREFIX = 'clu';
/** The raw baseline of the speed ratios (see {@link clusterSection}). */
const RAW_GET = 'ioredis Cluster autopipelined GETs';
const RAW_SET = 'ioredis Cluster autopipelined SET EX';

/** `cmdstat_<name>:calls=N,…` lines of INFO commandstats, as name → calls. */
function parseCommandStats(info: unknown): Map<string, number> {
  const calls = new Map<string, number>();
  if (typeof info !== 'string') return calls;
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match) calls.set(match[1]!, Number(match[2]));
  }
  return calls;
}

/**
 * Commands that are not the workload's: the stats read itself, cluster topology refreshes, the
 * replicas' REPLCONF ACK (once a second).
 */
const isBackground = (name: string): boolean =>
  name === 'info' ||
  name === 'cluster' ||
  name.startsWith('cluster|') ||
  name === 'command' ||
  name === 'replconf';

/**
 * Runs `op` `calls` times and reads, on each primary, how many commands it received per call
 * (the delta of INFO commandstats, background commands left out): "3 nodes × 1 MGET" reads
 * `1.00 mget | 1.00 mget | 1.00 mget`.
 */
async function commandsPerCall(
  primaries: readonly ClusterNodeEndpoint[],
  calls: number,
  op: () => Promise<unknown>,
): Promise<string> {
  const read = () =>
    Promise.all(
      primaries.map(async (node) =>
        parseCommandStats(
          await runAdminCommand({ host: node.host, port: node.port }, 'INFO', 'commandstats'),
        ),
      ),
    );
  const before = await read();
  for (let i = 0; i < calls; i++) await op();
  const after = await read();
  return after
    .map((stats, n) => {
      const parts: string[] = [];
      let total = 0;
      for (const [name, count] of stats) {
        if (isBackground(name)) continue;
        const delta = (count - (before[n]!.get(name) ?? 0)) / calls;
        if (delta <= 0) continue;
        total += delta;
        parts.push(`${delta.toFixed(2)} ${name}`);
      }
      return parts.length === 1 ? parts[0]! : `${total.toFixed(2)} (${parts.join(', ')})`;
    })
    .join(' | ');
}

/**
 * Section 5: getMany / setMany of 100 keys spread over the slots (no hash tag) on a private
 * 6-node cluster (3 primaries, 3 replicas), started here and stopped at the end.
 *
 * Raw baseline: an ioredis `Cluster` with `enableAutoPipelining: true` and one GET (or SET EX)
 * per key, all issued at once: ioredis then sends one pipeline per node, which is what a careful
 * hand-written raw user does (a per-slot MGET is, with 100 keys over 16384 slots, about 100 MGETs
 * of one key each: shown as a second raw row).
 *
 * `standaloneGetMany` is cachex's W3 getMany rate on the standalone server from the same run.
 */
export async function clusterSection(
  mode: Mode,
  standaloneGetMany: number | undefined,
): Promise<SectionResult> {
  const plan = mode.cluster;
  const value = listValue(1024);
  const topology = await startClusterTopology({ name: 'bench-cluster' });
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const { url, primaries } = topology.endpoints;
    const seeds = primaries.map((node) => ({ host: node.host, port: node.port }));
    const cache = createCache({
      transport: createClusterTransport({ location: url, driver: 'ioredis' }),
      codec: createCodec(),
      keyPrefix: PREFIX,
    });
    closers.push(() => cache.close());
    const autopipelined = new Cluster(seeds, {
      enableAutoPipelining: true,
      redisOptions: { protocol: 2 },
    });
    closers.push(() => autopipelined.quit());
    const plain = new Cluster(seeds, { redisOptions: { protocol: 2 } });
    closers.push(() => plain.quit());

    const read = keySet(PREFIX, 'r', plan.keys);
    const write = keySet(PREFIX, 'w', plan.keys);
    const rawRead = read.user.map((key) => `clu-raw:${key}`);
    const rawWrite = write.user.map((key) => `clu-raw:${key}`);
    const entries = new Map(write.user.map((key) => [key, value]));
    await cache.setMany(new Map(read.user.map((key) => [key, value])));
    await Promise.all(
      rawRead.map((key) => autopipelined.set(key, JSON.stringify(value), 'EX', 300)),
    );
    // The per-slot groups, computed once (outside the measured loop, as a user would cache them).
    const bySlot = new Map<number, string[]>();
    for (const key of rawRead) {
      const slot = clusterKeySlot(key);
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), key]);
    }
    const slotGroups = [...bySlot.values()];

    const parse = (bytes: Buffer | null): unknown => {
      if (bytes === null) throw new Error('unexpected miss');
      return JSON.parse(bytes.toString('utf8'));
    };
    const gets: AsyncContender[] = [
      { name: 'cachex getMany', op: () => cache.getMany(read.user) },
      {
        name: RAW_GET,
        op: () =>
          Promise.all(rawRead.map(async (key) => parse(await autopipelined.getBuffer(key)))),
      },
      {
        name: 'ioredis Cluster per-slot mgetBuffer',
        op: async () => {
          const replies = await Promise.all(slotGroups.map((keys) => plain.mgetBuffer(keys)));
          return replies.flat().map(parse);
        },
      },
    ];
    const sets: AsyncContender[] = [
      { name: 'cachex setMany', op: () => cache.setMany(entries, { timeout: 300 }) },
      {
        name: RAW_SET,
        op: () =>
          Promise.all(
            rawWrite.map((key) => autopipelined.set(key, JSON.stringify(value), 'EX', 300)),
          ),
      },
    ];
    // Not a timing check: a wrong round trip would make every number meaningless.
    for (const c of gets) {
      const back = (await c.op(0)) as Map<string, unknown> | unknown[];
      const size = back instanceof Map ? back.size : back.length;
      if (size !== plan.keys) throw new Error(`${c.name}: got ${size} of ${plan.keys} values`);
    }

    const latencyPlan = {
      rounds: plan.rounds,
      opsPerRound: plan.callsPerRound,
      warmup: plan.warmup,
    };
    const rows: Row[] = [];
    for (const [operation, contenders, baseline] of [
      [`getMany ${plan.keys} keys`, gets, RAW_GET],
      [`setMany ${plan.keys} keys EX 300`, sets, RAW_SET],
    ] as const) {
      const rates = await measureSequentialRate(contenders, latencyPlan);
      for (const c of contenders) {
        const opsPerSec = rates.get(c.name)!;
        rows.push({
          operation,
          contender: c.name,
          opsPerSec,
          speed: opsPerSec / rates.get(baseline)!,
          vsStandalone:
            c.name === 'cachex getMany' && standaloneGetMany !== undefined
              ? opsPerSec / standaloneGetMany
              : '',
          commands: await commandsPerCall(primaries, plan.callsPerRound, () => c.op(0)),
        });
      }
    }
    return {
      id: 'cluster',
      title: `5. Cluster getMany / setMany of ${plan.keys} keys (private 6-node cluster)`,
      description:
        'Keys spread over the slots (no hash tag). Median ops/s over interleaved rounds; speed ratio = ops/s ÷ the autopipelined ioredis row (higher is faster). vs standalone = cachex cluster getMany ops/s ÷ cachex standalone getMany ops/s (W3, same run). Commands = per call, on each primary (INFO commandstats delta).',
      columns: [
        { key: 'operation', label: 'operation', format: 'text' },
        { key: 'contender', label: 'contender', format: 'text' },
        { key: 'opsPerSec', label: 'ops/s', format: 'ops' },
        { key: 'speed', label: 'speed ratio (↑ faster)', format: 'ratio' },
        { key: 'vsStandalone', label: 'vs standalone', format: 'ratio' },
        { key: 'commands', label: 'commands per call, by primary', format: 'text' },
      ],
      rows,
      settings: {
        keys: plan.keys,
        slots: slotGroups.length,
        valueBytes: jsonBytes(value),
        rounds: plan.rounds,
        callsPerRound: plan.callsPerRound,
        warmup: plan.warmup,
      },
    };
  } finally {
    await Promise.allSettled(closers.map((close) => close()));
    await topology.stop();
  }
}
