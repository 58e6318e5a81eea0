import type { ChainableCommander } from 'ioredis';
import { type AsyncContender, latencyRows, measureLatency } from '../compare.js';
import type { BenchEnvironment } from '../environment.js';
import type { Mode } from '../mode.js';
import { jsonBytes, smallValue } from '../payloads.js';
import type { SectionResult } from '../report.js';
import { LATENCY_COLUMNS } from './columns.js';
import { keySet } from './keys.js';

const PREFIX = 'many';

/**
 * Section 4: batches of keys in one round trip (standalone: one MGET; one MULTI block of SET EX).
 * Per call, cachex validates and builds every key, encodes or decodes every value and fills a
 * Map; the raw side parses into an array.
 *
 * cachex's setMany with a timeout sends its SETs as one MULTI/EXEC block (atomic on a standalone
 * server), so besides the plain pipeline (the usual raw idiom), a raw MULTI row shows what the
 * same wire work costs without cachex.
 */
export async function manySection(env: BenchEnvironment, mode: Mode): Promise<SectionResult> {
  const plan = mode.many;
  const value = smallValue();
  const cache = env.cache({ serializer: 'json' }, PREFIX);
  const raw = env.raw();
  const read = keySet(PREFIX, 'r', plan.keys);
  const write = keySet(PREFIX, 'w', plan.keys);
  const entries = new Map(write.user.map((key) => [key, value]));
  await cache.setMany(new Map(read.user.map((key) => [key, value])));

  const gets: AsyncContender[] = [
    { name: 'cachex getMany', op: () => cache.getMany(read.user) },
    {
      name: 'ioredis mgetBuffer',
      op: async () => {
        const replies = await raw.mgetBuffer(read.stored);
        const values: unknown[] = new Array(replies.length);
        for (let i = 0; i < replies.length; i++) {
          const bytes = replies[i];
          values[i] = bytes == null ? undefined : JSON.parse(bytes.toString('utf8'));
        }
        return values;
      },
    },
  ];
  const rawSetMany = (batch: ChainableCommander): Promise<unknown> => {
    for (const key of write.stored) batch.set(key, JSON.stringify(value), 'EX', 300);
    return batch.exec();
  };
  const sets: AsyncContender[] = [
    { name: 'cachex setMany', op: () => cache.setMany(entries) },
    { name: 'ioredis pipeline', op: () => rawSetMany(raw.pipeline()) },
    { name: 'ioredis multi', op: () => rawSetMany(raw.multi()) },
  ];

  const latencyPlan = { rounds: plan.rounds, opsPerRound: plan.callsPerRound, warmup: plan.warmup };
  const rows = [
    ...latencyRows(
      `get ${plan.keys} keys`,
      await measureLatency(gets, latencyPlan),
      'ioredis mgetBuffer',
    ),
    ...latencyRows(
      `set ${plan.keys} keys`,
      await measureLatency(sets, latencyPlan),
      'ioredis pipeline',
    ),
  ];
  return {
    id: 'many',
    title: `4. getMany / setMany of ${plan.keys} keys (standalone)`,
    description:
      'One call = the whole batch. Ratio = time / first ioredis row of the operation (mgetBuffer + parse; pipeline of SET EX).',
    columns: LATENCY_COLUMNS,
    rows,
    settings: {
      keys: plan.keys,
      valueBytes: jsonBytes(value),
      rounds: plan.rounds,
      callsPerRound: plan.callsPerRound,
      warmup: plan.warmup,
    },
  };
}
