import { createCodec } from '@cachex/codecs';
import { createCache } from '@cachex/core';
import { createMemoryTransport } from '@cachex/transport-memory';
import { type AsyncContender, measureThroughput } from '../compare.js';
import type { Mode } from '../mode.js';
import { jsonBytes, smallValue } from '../payloads.js';
import type { Row, SectionResult } from '../report.js';

const KEYS = 1000;

/**
 * Section 8: the same cache calls on the in-process memory transport: no network, no server, so
 * the rate is cachex's own per-call cost plus the store's. A reference line for the other
 * tables: on a server, this part is what cachex adds to ioredis.
 */
export async function memorySection(mode: Mode): Promise<SectionResult> {
  const plan = mode.memory;
  const value = smallValue();
  const cache = createCache({
    transport: createMemoryTransport(),
    codec: createCodec({ serializer: 'json' }),
    keyPrefix: 'mem',
  });
  try {
    const keys = Array.from({ length: KEYS }, (_, i) => `k:${i}`);
    for (const key of keys) await cache.set(key, value);
    const rows: Row[] = [];
    for (const concurrency of [1, 64]) {
      const contenders: AsyncContender[] = [
        { name: 'get (hit)', op: (i) => cache.get(keys[i % KEYS]!) },
        { name: 'set', op: (i) => cache.set(keys[i % KEYS]!, value) },
      ];
      const results = await measureThroughput(contenders, { ...plan, concurrency });
      for (const r of results) {
        rows.push({
          operation: r.name,
          concurrency,
          opsPerSec: r.opsPerSec,
          usPerOp: 1e6 / r.opsPerSec,
        });
      }
    }
    return {
      id: 'memory',
      title: '8. Memory transport (in process, reference)',
      description:
        'cachex get/set on createMemoryTransport(), json codec. Median ops/s over rounds.',
      columns: [
        { key: 'operation', label: 'operation', format: 'text' },
        { key: 'concurrency', label: 'in flight', format: 'count' },
        { key: 'opsPerSec', label: 'ops/s', format: 'ops' },
        { key: 'usPerOp', label: 'µs/op', format: 'us' },
      ],
      rows,
      settings: {
        valueBytes: jsonBytes(value),
        rounds: plan.rounds,
        opsPerRound: plan.opsPerRound,
        warmup: plan.warmup,
      },
    };
  } finally {
    await cache.close();
  }
}
