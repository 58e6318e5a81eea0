import { DecodeError, MissingDependencyError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createCodec } from './codec.js';
import { createBrotliCompressor } from './compressors/brotli.js';
import { createZstdCompressor, type ZstdModule, zstdCompressor } from './compressors/zstd.js';
import { lazyOptional } from './load-optional.js';

const long = { text: 'fallback '.repeat(100), list: [1, 2, 3] };

function decodeError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

describe('reading with fallbacks (migration)', () => {
  it('reads json data with [msgpack, json]', () => {
    const writer = createCodec({ serializer: ['json'] });
    const reader = createCodec({ serializer: ['msgpack', 'json'] });
    for (const value of ['hello', { a: 1 }, [1, 'x'], true, null, 1.5]) {
      expect(reader.decode(writer.encode(value) as Buffer, 'k')).toEqual(value);
    }
  });

  it('writes with the first serializer of the list', () => {
    const codec = createCodec({ serializer: ['msgpack', 'json'] });
    expect((codec.encode('hello') as Buffer).toString('hex')).toBe('a568656c6c6f');
  });

  it('reads zlib data with [zstd, zlib] and writes zstd', () => {
    const writer = createCodec({ compressor: 'zlib' });
    const reader = createCodec({ compressor: ['zstd', 'zlib'] });
    const stored = writer.encode(long) as Buffer;
    expect(stored[0]).toBe(0x78);
    expect(reader.decode(stored, 'k')).toEqual(long);
    expect((reader.encode(long) as Buffer).subarray(0, 4).toString('hex')).toBe('28b52ffd');
  });

  it('reads raw (uncompressed) data with a compressor configured', () => {
    const plain = createCodec({ serializer: 'msgpack' });
    const stored = plain.encode(long) as Buffer;
    for (const compressor of ['zlib', 'gzip', 'brotli', 'lz4', 'zstd'] as const) {
      const reader = createCodec({ serializer: 'msgpack', compressor });
      expect(reader.decode(stored, 'k')).toEqual(long);
    }
  });

  it('reads raw data when a magic-less decompressor runs first', () => {
    const reader = createCodec({ compressor: [createBrotliCompressor(), 'zlib'] });
    expect(reader.decode(Buffer.from('{"a":[1,2]}'), 'k')).toEqual({ a: [1, 2] });
    const zlibbed = createCodec({ compressor: 'zlib' }).encode(long) as Buffer;
    expect(reader.decode(zlibbed, 'k')).toEqual(long);
  });

  it('reads raw data through an async compressor without going async', async () => {
    const reader = createCodec({ compressor: 'lzma' });
    expect(reader.decode(Buffer.from('"short"'), 'k')).toBe('short');
  });

  it('reads text replies (strings) as UTF-8', () => {
    expect(createCodec().decode('{"é":"😀"}', 'k')).toEqual({ é: '😀' });
  });

  it('does not decode a format that is not configured', () => {
    const gzipped = createCodec({ compressor: 'gzip' }).encode(long) as Buffer;
    const error = decodeError(() => createCodec({ compressor: 'zlib' }).decode(gzipped, 'g'));
    expect(error.key).toBe('g');
  });
});

describe('unreadable data', () => {
  it('corrupt zlib data is a DecodeError naming the key', () => {
    const corrupt = Buffer.concat([Buffer.from([0x78, 0x9c]), Buffer.alloc(30, 0xab)]);
    const codec = createCodec({ compressor: 'zlib' });
    const error = decodeError(() => codec.decode(corrupt, 'user:42'));
    expect(error.key).toBe('user:42');
    expect(error.code).toBe('E_DECODE');
    expect(error.message).toMatch(
      /^Cannot decode value of key "user:42": zlib decompression failed/,
    );
    expect(error.message).toMatch(/no serializer \(json\) could read the stored bytes/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('corrupt lzma data rejects with a DecodeError naming the key', async () => {
    const corrupt = Buffer.concat([Buffer.from('fd377a585a00', 'hex'), Buffer.alloc(30, 1)]);
    const codec = createCodec({ compressor: 'lzma' });
    await expect(codec.decode(corrupt, 'cold')).rejects.toMatchObject({
      name: 'DecodeError',
      key: 'cold',
      message: expect.stringMatching(/^Cannot decode value of key "cold": lzma decompression/),
    });
  });

  it('bytes no serializer reads are a DecodeError, with or without a key', () => {
    const codec = createCodec({ serializer: ['json', 'msgpack'] });
    const error = decodeError(() => codec.decode(Buffer.from('{"a'), 'bad'));
    expect(error.message).toMatch(
      /^Cannot decode value of key "bad": no serializer \(json, msgpack\)/,
    );
    expect(decodeError(() => codec.decode(Buffer.alloc(0))).message).toMatch(
      /^Cannot decode value:/,
    );
    expect(decodeError(() => codec.decode(Buffer.alloc(0))).key).toBeUndefined();
  });

  it('decompressed bytes no serializer reads are a DecodeError', () => {
    const zstd = createZstdCompressor();
    const packed = zstd.compress(Buffer.from('not json at all '.repeat(30))) as Uint8Array;
    const error = decodeError(() =>
      createCodec({ compressor: zstd }).decode(Buffer.from(packed), 'z'),
    );
    expect(error.message).toMatch(/decompressed with zstd, but no serializer \(json\)/);
  });

  it('a missing optional package surfaces as MissingDependencyError, not DecodeError', () => {
    const missing = zstdCompressor(
      lazyOptional<ZstdModule>('@cachex/no-such-zstd', 'The zstd compressor'),
      3,
    );
    // createCodec loads the package when it is created, and fails there…
    expect(() => createCodec({ compressor: missing })).toThrow(MissingDependencyError);
    // …so a copy of the compressor, which createCodec does not know, shows what decode and
    // encode do when a package fails later (a compressor of the application's own).
    const codec = createCodec({ compressor: { ...missing } });
    const stored = Buffer.from('28b52ffd0000', 'hex');
    expect(() => codec.decode(stored, 'k')).toThrow(MissingDependencyError);
    expect(() => codec.encode('x'.repeat(300))).toThrow(/pnpm add @cachex\/no-such-zstd/);
    // Values that need no decompression still read.
    expect(codec.decode(Buffer.from('"small"'), 'k')).toBe('small');
  });
});

describe('encode errors', () => {
  it('wraps a custom serializer failure in an EncodeError', () => {
    const codec = createCodec({
      serializer: {
        name: 'broken',
        serialize: () => {
          throw new TypeError('nope');
        },
        deserialize: () => null,
      },
    });
    expect(() => codec.encode('x')).toThrow(/Cannot encode value with the broken serializer: nope/);
  });

  it('passes the built-in serializers EncodeError through', () => {
    expect(() => createCodec().encode({ a: 1n })).toThrow(/BigInt.* \(at a\)$/);
    expect(() => createCodec().encode(undefined)).toThrow(/undefined/);
  });

  it('wraps an async compressor failure', async () => {
    const codec = createCodec({
      compressor: {
        name: 'failing',
        compress: async () => {
          throw new Error('disk full');
        },
        decompress: async (data) => data,
      },
      minLength: 0,
    });
    await expect(codec.encode('x')).rejects.toThrow(/with the failing compressor: disk full/);
  });
});
