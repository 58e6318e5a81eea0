import { ConfigError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createBrotliCompressor } from './brotli.js';
import { createGzipCompressor } from './gzip.js';
import { createLz4Compressor } from './lz4.js';
import { createLzmaCompressor } from './lzma.js';
import { createZlibCompressor } from './zlib.js';
import { createZstdCompressor } from './zstd.js';

const input = Buffer.from(
  JSON.stringify(
    Array.from({ length: 40 }, (_, i) => ({ id: i, name: `user ${i}`, active: true })),
  ),
);

const cases = [
  { name: 'zlib', create: createZlibCompressor, magic: '789c' },
  { name: 'gzip', create: createGzipCompressor, magic: '1f8b' },
  { name: 'brotli', create: createBrotliCompressor, magic: undefined },
  { name: 'lz4', create: createLz4Compressor, magic: '04224d18' },
  { name: 'zstd', create: createZstdCompressor, magic: '28b52ffd' },
  { name: 'lzma', create: createLzmaCompressor, magic: 'fd377a585a00' },
] as const;

describe.each(cases)('$name compressor', ({ name, create, magic }) => {
  it('compresses, decompresses and names itself', async () => {
    const compressor = create();
    expect(compressor.name).toBe(name);
    const packed = await compressor.compress(input);
    expect(packed.length).toBeLessThan(input.length);
    expect(Buffer.from(await compressor.decompress(packed)).equals(input)).toBe(true);
  });

  it('recognises its own magic bytes and nothing else', async () => {
    const compressor = create();
    const packed = await compressor.compress(input);
    if (magic === undefined) {
      // Brotli has no magic: the codec must try it blind.
      expect(compressor.matches).toBeUndefined();
      return;
    }
    expect(
      Buffer.from(packed)
        .subarray(0, magic.length / 2)
        .toString('hex'),
    ).toBe(magic);
    expect(compressor.matches?.(packed)).toBe(true);
    expect(compressor.matches?.(input)).toBe(false);
    expect(compressor.matches?.(new Uint8Array(0))).toBe(false);
  });

  it('rejects corrupt input', async () => {
    const compressor = create();
    const packed = Buffer.from(await compressor.compress(input));
    const corrupt = Buffer.concat([packed.subarray(0, 6), Buffer.alloc(40, 0xee)]);
    await expect(async () => compressor.decompress(corrupt)).rejects.toThrow();
  });
});

describe('compression levels', () => {
  it('apply: the zlib header records the level (FLEVEL bits)', () => {
    const fast = createZlibCompressor({ level: 1 }).compress(input) as Uint8Array;
    const best = createZlibCompressor({ level: 9 }).compress(input) as Uint8Array;
    expect(Buffer.from(fast).toString('hex').slice(0, 4)).toBe('7801');
    expect(Buffer.from(best).toString('hex').slice(0, 4)).toBe('78da');
    expect(Buffer.from(createZlibCompressor().compress(input) as Uint8Array)[1]).toBe(0x9c);
  });

  it.each([
    ['zlib', () => createZlibCompressor({ level: 10 })],
    ['gzip', () => createGzipCompressor({ level: -1 })],
    ['brotli', () => createBrotliCompressor({ level: 12 })],
    ['zstd', () => createZstdCompressor({ level: 1.5 })],
    ['lzma', () => createLzmaCompressor({ level: 0 })],
    ['lz4', () => createLz4Compressor({ level: 1 })],
  ])('out of range for %s is a ConfigError naming the level', (_name, create) => {
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(/level/);
  });

  it('brotli defaults to quality 4, not 11', () => {
    const big = Buffer.from('abcdefghij'.repeat(5000) + JSON.stringify(input.toJSON()));
    const byDefault = createBrotliCompressor().compress(big) as Uint8Array;
    const quality4 = createBrotliCompressor({ level: 4 }).compress(big) as Uint8Array;
    const quality11 = createBrotliCompressor({ level: 11 }).compress(big) as Uint8Array;
    expect(Buffer.from(byDefault).equals(Buffer.from(quality4))).toBe(true);
    expect(Buffer.from(byDefault).equals(Buffer.from(quality11))).toBe(false);
  });
});

describe('synchronous compressors stay synchronous', () => {
  it.each(['zlib', 'gzip', 'brotli', 'lz4', 'zstd'] as const)('%s returns bytes', (name) => {
    const compressor = cases.find((c) => c.name === name)?.create();
    const packed = compressor?.compress(input);
    expect(packed).toBeInstanceOf(Uint8Array);
    expect(compressor?.decompress(packed as Uint8Array)).toBeInstanceOf(Uint8Array);
  });

  it('lzma returns promises', async () => {
    const lzma = createLzmaCompressor();
    const packed = lzma.compress(input);
    expect(packed).toBeInstanceOf(Promise);
    await expect(packed).resolves.toBeInstanceOf(Uint8Array);
  });
});
