import { type AsyncContender, measureThroughput, planSettings } from '../compare.js';
import type { BenchEnvironment } from '../environment.js';
import type { Mode } from '../mode.js';
import { jsonBytes, smallValue } from '../payloads.js';
import type { Row, SectionResult } from '../report.js';
import { keySet } from './keys.js';

const KEYS = 1000;
const PREFIX = 'tput';

/**
 * Section 3: many calls in flight on one connection each, as in a busy service. The driver
 * pipelines what is queued, so the round trip is shared and the client's CPU per call decides
 * the rate: on 2 cores shared with the server, this is where per-call overhead shows most.
 */
export async function throughputSection(env: BenchEnvironment, mode: Mode): Promise<SectionResult> {
  const value = smallValue();
  const cache = env.cache({ serializer: 'json' }, PREFIX);
  const raw = env.raw();
  const read = keySet(PREFIX, 'r', KEYS);
  const write = keySet(PREFIX, 'w', KEYS);
  for (const key of read.user) await cache.set(key, value);

  const gets: AsyncContender[] = [
    { name: 'cachex', op: (i) => cache.get(read.user[i % KEYS]!) },
    {
      name: 'ioredis',
      op: async (i) => {
        const bytes = await raw.getBuffer(read.stored[i % KEYS]!);
        return JSON.parse(bytes!.toString('utf8')) as unknown;
      },
    },
  ];
  const sets: AsyncContender[] = [
    { name: 'cachex', op: (i) => cache.set(write.user[i % KEYS]!, value) },
    {
      name: 'ioredis',
      op: (i) => raw.set(write.stored[i % KEYS]!, JSON.stringify(value), 'EX', 300),
    },
    // Diagnostic: the same, but the value as a Buffer, as cachex sends it (ioredis buffer mode).
    {
      name: 'ioredis (Buffer value)',
      op: (i) => raw.set(write.stored[i % KEYS]!, Buffer.from(JSON.stringify(value)), 'EX', 300),
    },
  ];

  const plan = mode.throughput;
  const rows: Row[] = [];
  for (const [operation, contenders] of [
    ['get (hit)', gets],
    ['set EX 300', sets],
  ] as const) {
    const results = await measureThroughput(contenders, plan);
    const base = results.find((r) => r.name === 'ioredis')!;
    for (const r of results) {
      // Time ratio, like every other table: baseline rate / this rate (1.25× = 25% slower).
      rows.push({
        operation,
        contender: r.name,
        opsPerSec: r.opsPerSec,
        usPerOp: 1e6 / r.opsPerSec,
        ratio: base.opsPerSec / r.opsPerSec,
      });
    }
  }
  return {
    id: 'throughput',
    title: `3. Throughput (${plan.concurrency} operations in flight)`,
    description:
      'Median ops/s over rounds; µs/op = 1 / rate (CPU per call, not latency). Ratio = ioredis ops/s / ops/s.',
    columns: [
      { key: 'operation', label: 'operation', format: 'text' },
      { key: 'contender', label: 'contender', format: 'text' },
      { key: 'opsPerSec', label: 'ops/s', format: 'ops' },
      { key: 'usPerOp', label: 'µs/op', format: 'us' },
      { key: 'ratio', label: 'time ratio', format: 'ratio' },
    ],
    rows,
    settings: {
      valueBytes: jsonBytes(value),
      ...planSettings(plan),
    },
  };
}
