import type { CompressorName } from '@cachex/codecs';
import type { Cache } from '@cachex/core';
import { type AsyncContender, measureLatency } from '../compare.js';
import type { BenchEnvironment } from '../environment.js';
import type { Mode } from '../mode.js';
import { jsonBytes, listValue } from '../payloads.js';
import type { Row, SectionResult } from '../report.js';

const KEYS = 4;

interface LargeContender extends AsyncContender {
  /** The stored key whose size is read with STRLEN. */
  storedKey: string;
}

/**
 * Section 6: a ~100 KB compressible value, set then read back (one sample = SET + GET). The
 * time includes serializing, compressing, moving the bytes and the reverse; the bytes column is
 * what the server keeps (STRLEN), which is where compression pays: memory, network, replication.
 *
 * "cachex json" (no compressor) separates the compressor's time from the serializer's.
 */
export async function largeSection(env: BenchEnvironment, mode: Mode): Promise<SectionResult> {
  const plan = mode.large;
  const value = listValue(plan.bytes);
  const raw = env.raw();

  const cachexContender = (name: string, compressor: CompressorName | null): LargeContender => {
    const prefix = `large-${compressor ?? 'none'}`;
    const cache: Cache = env.cache({ serializer: 'json', compressor }, prefix);
    const keys = Array.from({ length: KEYS }, (_, i) => `big:${i}`);
    return {
      name,
      storedKey: cache.makeKey(keys[0]!),
      op: async (i) => {
        const key = keys[i % KEYS]!;
        await cache.set(key, value);
        return cache.get(key);
      },
    };
  };
  const rawKeys = Array.from({ length: KEYS }, (_, i) => `large-raw:big:${i}`);
  const contenders: LargeContender[] = [
    cachexContender('cachex json+zstd', 'zstd'),
    cachexContender('cachex json+zlib', 'zlib'),
    cachexContender('cachex json', null),
    {
      name: 'ioredis raw JSON',
      storedKey: rawKeys[0]!,
      op: async (i) => {
        const key = rawKeys[i % KEYS]!;
        await raw.set(key, JSON.stringify(value), 'EX', 300);
        const bytes = await raw.getBuffer(key);
        return JSON.parse(bytes!.toString('utf8')) as unknown;
      },
    },
  ];

  // Not a timing check: a wrong round trip would make every number here meaningless.
  for (const c of contenders) {
    const back = (await c.op(0)) as { items?: unknown[] } | undefined;
    if (back?.items?.length !== value.items.length) {
      throw new Error(`${c.name}: the value did not round-trip`);
    }
  }

  const results = await measureLatency(contenders, {
    rounds: plan.rounds,
    opsPerRound: plan.pairsPerRound,
    warmup: plan.warmup,
  });
  const base = results.find((r) => r.name === 'ioredis raw JSON')!;
  const baseBytes = Number(await raw.strlen(rawKeys[0]!));
  const rows: Row[] = [];
  for (const [i, r] of results.entries()) {
    const stored = Number(await raw.strlen(contenders[i]!.storedKey));
    rows.push({
      contender: r.name,
      p50: r.p50 / 1e3,
      p99: r.p99 / 1e3,
      ratioP50: r.p50 / base.p50,
      bytes: stored,
      bytesRatio: stored / baseBytes,
    });
  }
  return {
    id: 'large',
    title: `6. Large compressible value (~${Math.round(jsonBytes(value) / 1024)} KB JSON): set + get`,
    description:
      'One sample = SET then GET of the same key. Bytes = STRLEN on the server. Ratios against raw JSON through ioredis.',
    columns: [
      { key: 'contender', label: 'contender', format: 'text' },
      { key: 'p50', label: 'p50 ms', format: 'ms' },
      { key: 'p99', label: 'p99 ms', format: 'ms' },
      { key: 'ratioP50', label: 'time ratio', format: 'ratio' },
      { key: 'bytes', label: 'bytes stored', format: 'bytes' },
      { key: 'bytesRatio', label: 'bytes ratio', format: 'ratio' },
    ],
    rows,
    settings: {
      jsonBytes: jsonBytes(value),
      records: value.items.length,
      rounds: plan.rounds,
      pairsPerRound: plan.pairsPerRound,
      warmup: plan.warmup,
    },
  };
}
