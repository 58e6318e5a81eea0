import type { Codec, Compressor } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createCodec } from './codec.js';
import { commonValues } from './codec-test-values.js';
import type { CompressorName, SerializerName } from './registry.js';
import { createCompressor, createSerializer } from './registry.js';
import { sameValueProblem } from './same-value.js';

const extraValues: Record<SerializerName, readonly unknown[]> = {
  json: [],
  msgpack: [
    { big: 2n ** 60n, at: new Date(1_700_000_000_123), bytes: Buffer.from([0, 1, 255]) },
    'y'.repeat(70_000),
  ],
  v8: [
    new Map<unknown, unknown>([[1, { deep: new Set([1n, 'x']) }]]),
    { at: new Date(1_700_000_000_123), big: -(2n ** 100n), nothing: undefined },
  ],
};

const serializerNames: readonly SerializerName[] = ['json', 'msgpack', 'v8'];
const compressorNames: readonly (CompressorName | 'none')[] = [
  'none',
  'zlib',
  'gzip',
  'brotli',
  'lz4',
  'zstd',
  'lzma',
];

async function roundTrip(codec: Codec, value: unknown): Promise<unknown> {
  const stored = await codec.encode(value);
  return codec.decode(stored, 'key');
}

describe.each(serializerNames)('%s serializer', (serializer) => {
  describe.each(compressorNames)('with compressor %s', (compressorName) => {
    const compressor = compressorName === 'none' ? null : compressorName;
    const values = [...commonValues, ...extraValues[serializer]];

    it.each([0, 256])('round-trips every value with minLength %i', async (minLength) => {
      const codec = createCodec({ serializer, compressor, minLength });
      for (const value of values) {
        // Same types, prototypes and key order, not only equal-looking.
        expect(sameValueProblem(await roundTrip(codec, value), value)).toBeUndefined();
      }
    });

    it('compresses long values with the configured format', async () => {
      if (compressor === null) {
        const stored = await createCodec({ serializer }).encode('z'.repeat(1000));
        expect(
          Buffer.from(stored).equals(
            Buffer.from(createSerializer(serializer).serialize('z'.repeat(1000))),
          ),
        ).toBe(true);
        return;
      }
      const codec = createCodec({ serializer, compressor });
      const stored = (await codec.encode('z'.repeat(1000))) as Buffer;
      expect(stored.length).toBeLessThan(1000);
      const probe: Compressor = createCompressor(compressor);
      if (probe.matches) expect(probe.matches(stored)).toBe(true);
      expect(await codec.decode(stored, 'k')).toBe('z'.repeat(1000));
    });
  });
});

describe('integers are stored as decimal text', () => {
  const codec = createCodec({ compressor: 'zlib', minLength: 0 });

  it('writes safe integers and bigints as text', () => {
    expect(codec.encode(42)).toBe('42');
    expect(codec.encode(-7)).toBe('-7');
    expect(codec.encode(0)).toBe('0');
    expect(codec.encode(-0)).toBe('0');
    expect(codec.encode(2n ** 70n)).toBe('1180591620717411303424');
  });

  it('reads text and bytes holding integers back as numbers or bigints', () => {
    expect(codec.decode('43')).toBe(43);
    expect(codec.decode(Buffer.from('-7'))).toBe(-7);
    expect(codec.decode('1180591620717411303424')).toBe(2n ** 70n);
  });

  it('serializes everything else, including numeric strings, booleans and floats', () => {
    const json = createCodec();
    expect(Buffer.from(json.encode('12345') as Buffer).toString()).toBe('"12345"');
    expect(json.decode(json.encode('12345') as Buffer)).toBe('12345');
    expect(Buffer.from(json.encode(true) as Buffer).toString()).toBe('true');
    expect(Buffer.from(json.encode(1.5) as Buffer).toString()).toBe('1.5');
    expect(json.decode(json.encode(2 ** 53) as Buffer)).toBe(2 ** 53);
    expect(typeof json.decode(json.encode(2 ** 53) as Buffer)).toBe('number');
  });

  it('matches the Django wire example: "hi" is 4 JSON bytes', () => {
    expect(Buffer.from(createCodec().encode('hi') as Buffer).toString('hex')).toBe('22686922');
  });
});

describe('minLength', () => {
  const minLength = 256;
  const serializer = createSerializer('json');
  // JSON adds two quote bytes around a string.
  const ofLength = (length: number) => 'a'.repeat(length - 2);

  it('stores a value of exactly minLength bytes uncompressed', () => {
    const value = ofLength(minLength);
    const serialized = Buffer.from(serializer.serialize(value));
    expect(serialized.length).toBe(minLength);
    // Uncompressed JSON goes to the driver as a string (the same UTF-8 bytes).
    const stored = createCodec({ compressor: 'zlib', minLength }).encode(value) as string;
    expect(typeof stored).toBe('string');
    expect(Buffer.from(stored, 'utf8').equals(serialized)).toBe(true);
  });

  it('compresses a value of minLength + 1 bytes', () => {
    const codec = createCodec({ compressor: 'zlib', minLength });
    const stored = codec.encode(ofLength(minLength + 1)) as Buffer;
    expect(stored.subarray(0, 2).toString('hex')).toBe('789c');
    expect(codec.decode(stored)).toBe(ofLength(minLength + 1));
  });

  it('defaults to 256', () => {
    const codec = createCodec({ compressor: 'zstd' });
    expect(codec.encode(ofLength(256))).toBe(JSON.stringify(ofLength(256)));
    expect((codec.encode(ofLength(257)) as Buffer).subarray(0, 4).toString('hex')).toBe('28b52ffd');
  });
});

describe('sync and async paths', () => {
  it('stays synchronous without an async compressor', () => {
    const codec = createCodec({ serializer: 'msgpack', compressor: 'zstd', minLength: 0 });
    const stored = codec.encode({ a: 1 });
    expect(stored).toBeInstanceOf(Buffer);
    expect(codec.decode(stored as Buffer)).toEqual({ a: 1 });
  });

  it('returns promises only for values that go through lzma', async () => {
    const codec = createCodec({ compressor: 'lzma' });
    expect(codec.encode('short')).toBe('"short"');
    expect(
      createCodec({ serializer: 'msgpack', compressor: 'lzma' }).encode('short'),
    ).toBeInstanceOf(Buffer);
    const pending = codec.encode('long '.repeat(100));
    expect(pending).toBeInstanceOf(Promise);
    const stored = (await pending) as Buffer;
    expect(stored.subarray(0, 6).toString('hex')).toBe('fd377a585a00');
    const decoded = codec.decode(stored);
    expect(decoded).toBeInstanceOf(Promise);
    expect(await decoded).toBe('long '.repeat(100));
  });
});
