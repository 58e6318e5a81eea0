import { type CompressorName, createCodec, type SerializerName } from '@cachex/codecs';
import type { EncodedValue } from '@cachex/core';
import { interleave, median, timeSync } from '../harness.js';
import type { Mode } from '../mode.js';
import { jsonBytes, listValue, recordValue } from '../payloads.js';
import type { Row, SectionResult } from '../report.js';

const SERIALIZERS: readonly SerializerName[] = ['json', 'msgpack', 'v8'];
const COMPRESSORS: readonly (CompressorName | 'none')[] = ['none', 'zlib', 'zstd', 'lz4'];
const SIZES = [
  { label: '~300 B', make: () => recordValue(300) },
  { label: '~2 KB', make: () => listValue(2 * 1024) },
  { label: '~100 KB', make: () => listValue(100 * 1024) },
];

interface Cell {
  name: string;
  size: string;
  serializer: string;
  compressor: string;
  /** `JSON.stringify(value)` bytes: one size basis for every row, so MB/s compare across rows. */
  logicalBytes: number;
  encodedBytes: number;
  encode(): unknown;
  decode(): unknown;
  encodeNs: number[];
  decodeNs: number[];
}

function syncOnly(encoded: EncodedValue | Promise<EncodedValue>): Buffer {
  // Every codec measured here is synchronous; a Promise would mean timing the wrong thing.
  if (encoded instanceof Promise) throw new Error('expected a synchronous result from the codec');
  // Uncompressed JSON comes back as text (what the driver is handed); measure its bytes.
  return typeof encoded === 'string' ? Buffer.from(encoded, 'utf8') : encoded;
}

function makeCells(size: (typeof SIZES)[number]): Cell[] {
  const value = size.make();
  const logicalBytes = jsonBytes(value);
  const json = Buffer.from(JSON.stringify(value));
  const cells: Cell[] = [
    {
      name: `${size.label} baseline`,
      size: size.label,
      serializer: 'JSON.stringify/parse',
      compressor: 'none',
      logicalBytes,
      encodedBytes: json.length,
      encode: () => Buffer.from(JSON.stringify(value)),
      decode: () => JSON.parse(json.toString('utf8')),
      encodeNs: [],
      decodeNs: [],
    },
  ];
  for (const serializer of SERIALIZERS) {
    for (const compressor of COMPRESSORS) {
      const codec = createCodec({
        serializer,
        compressor: compressor === 'none' ? null : compressor,
      });
      const encoded = syncOnly(codec.encode(value));
      cells.push({
        name: `${size.label} ${serializer}+${compressor}`,
        size: size.label,
        serializer,
        compressor,
        logicalBytes,
        encodedBytes: encoded.length,
        encode: () => codec.encode(value),
        decode: () => codec.decode(encoded),
        encodeNs: [],
        decodeNs: [],
      });
    }
  }
  return cells;
}

/**
 * Section 7: the codec alone, no server. Encode = value → stored bytes (serialize + compress);
 * decode = stored bytes → value. MB/s are of the value's plain JSON size for every row, so a
 * faster row is faster for the same data whatever its own format's size.
 */
export async function codecSection(mode: Mode): Promise<SectionResult> {
  const plan = mode.codec;
  const cells = SIZES.flatMap(makeCells);
  // Warm-up: JIT, native contexts (zstd), msgpackr's structures.
  for (const cell of cells) {
    timeSync(cell.encode, Math.max(5, plan.budgetMs / 4), 1);
    timeSync(cell.decode, Math.max(5, plan.budgetMs / 4), 1);
  }
  await interleave(cells, plan.rounds, async (cell) => {
    // Small values: batches keep the clock's cost out of the per-call figure.
    const batch = cell.logicalBytes < 10_000 ? 16 : 1;
    cell.encodeNs.push(timeSync(cell.encode, plan.budgetMs, batch));
    cell.decodeNs.push(timeSync(cell.decode, plan.budgetMs, batch));
  });

  const rows: Row[] = [];
  let baseline: { encode: number; decode: number } = { encode: 1, decode: 1 };
  for (const cell of cells) {
    const encodeNs = median(cell.encodeNs);
    const decodeNs = median(cell.decodeNs);
    if (cell.serializer === 'JSON.stringify/parse')
      baseline = { encode: encodeNs, decode: decodeNs };
    rows.push({
      size: cell.size,
      serializer: cell.serializer,
      compressor: cell.compressor,
      // bytes per ns × 1000 = MB/s (10^6 bytes).
      encodeMBps: (cell.logicalBytes / encodeNs) * 1e3,
      decodeMBps: (cell.logicalBytes / decodeNs) * 1e3,
      encodeRatio: encodeNs / baseline.encode,
      decodeRatio: decodeNs / baseline.decode,
      encodedBytes: cell.encodedBytes,
      sizeRatio: cell.encodedBytes / cell.logicalBytes,
    });
  }
  return {
    id: 'codecs',
    title: '7. Codec speed (no server)',
    description:
      'MB/s of the value’s JSON size. Time ratios against plain JSON.stringify/JSON.parse of the same value (first row of each size).',
    columns: [
      { key: 'size', label: 'value', format: 'text' },
      { key: 'serializer', label: 'serializer', format: 'text' },
      { key: 'compressor', label: 'compressor', format: 'text' },
      { key: 'encodeMBps', label: 'encode MB/s', format: 'mbps' },
      { key: 'decodeMBps', label: 'decode MB/s', format: 'mbps' },
      { key: 'encodeRatio', label: 'enc ratio', format: 'ratio' },
      { key: 'decodeRatio', label: 'dec ratio', format: 'ratio' },
      { key: 'encodedBytes', label: 'bytes', format: 'bytes' },
      { key: 'sizeRatio', label: 'size ratio', format: 'ratio' },
    ],
    rows,
    settings: { rounds: plan.rounds, budgetMsPerMeasurement: plan.budgetMs },
  };
}
