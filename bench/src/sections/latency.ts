import { type AsyncContender, latencyRows, measureLatency } from '../compare.js';
import type { BenchEnvironment } from '../environment.js';
import type { Mode } from '../mode.js';
import { jsonBytes, smallValue } from '../payloads.js';
import type { SectionResult } from '../report.js';
import { LATENCY_COLUMNS } from './columns.js';
import { keySet } from './keys.js';

const KEYS = 100;
const PREFIX = 'lat';

/**
 * Section 2: one operation at a time (the next starts when the previous resolved), so each
 * sample is one full round trip plus the client's own work. The difference between the rows
 * is what cachex adds per call: key validation and building, the codec, the step and promise
 * layers, the transport's routing.
 *
 * Two diagnostic contenders separate driver costs from cachex's own code: raw ioredis with
 * `commandTimeout: 5000` (what the cachex transport sets by default: one timer per command), and
 * raw ioredis sending the value as a Buffer (as cachex does: codecs return bytes), which switches
 * ioredis to its slower "buffer mode" for writing the command.
 */
export async function latencySection(env: BenchEnvironment, mode: Mode): Promise<SectionResult> {
  const value = smallValue();
  const cache = env.cache({ serializer: 'json' }, PREFIX);
  const raw = env.raw();
  const rawTimeout = env.raw({ commandTimeout: 5000 });
  const read = keySet(PREFIX, 'r', KEYS);
  const write = keySet(PREFIX, 'w', KEYS);
  // Every read is a hit: the values are written through cachex, so both sides read its bytes.
  for (const key of read.user) await cache.set(key, value);

  const rawGet = (client: typeof raw) => async (i: number) => {
    const bytes = await client.getBuffer(read.stored[i % KEYS]!);
    return JSON.parse(bytes!.toString('utf8')) as unknown;
  };
  const gets: AsyncContender[] = [
    { name: 'cachex', op: (i) => cache.get(read.user[i % KEYS]!) },
    { name: 'ioredis', op: rawGet(raw) },
    { name: 'ioredis+commandTimeout', op: rawGet(rawTimeout) },
  ];
  // The cache's default timeout is 300 s: the same SET … EX 300 as the raw calls.
  const rawSet = (client: typeof raw) => (i: number) =>
    client.set(write.stored[i % KEYS]!, JSON.stringify(value), 'EX', 300);
  const sets: AsyncContender[] = [
    { name: 'cachex', op: (i) => cache.set(write.user[i % KEYS]!, value) },
    { name: 'ioredis', op: rawSet(raw) },
    { name: 'ioredis+commandTimeout', op: rawSet(rawTimeout) },
    {
      name: 'ioredis (Buffer value)',
      op: (i) => raw.set(write.stored[i % KEYS]!, Buffer.from(JSON.stringify(value)), 'EX', 300),
    },
  ];

  const plan = mode.latency;
  const rows = [
    ...latencyRows('get (hit)', await measureLatency(gets, plan), 'ioredis'),
    ...latencyRows('set EX 300', await measureLatency(sets, plan), 'ioredis'),
  ];
  return {
    id: 'latency',
    title: '2. Single-operation latency (one call at a time)',
    description:
      'cache.get vs getBuffer + JSON.parse; cache.set vs set(k, JSON.stringify(v), "EX", 300). Ratio = time / ioredis time.',
    columns: LATENCY_COLUMNS,
    rows,
    settings: {
      valueBytes: jsonBytes(value),
      rounds: plan.rounds,
      opsPerRound: plan.opsPerRound,
      warmup: plan.warmup,
    },
  };
}
