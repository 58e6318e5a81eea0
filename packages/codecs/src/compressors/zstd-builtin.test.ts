import * as zlib from 'node:zlib';
import { MissingDependencyError } from '@cachex/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCodec } from '../codec.js';
import { loadOptional } from '../load-optional.js';
import {
  builtInZstd,
  builtInZstdCompressor,
  createZstdCompressor,
  type NodeZstd,
  type ZstdModule,
} from './zstd.js';

// Node 20 (this machine) has no zstd in node:zlib; Node >= 22.15 has `zstdCompressSync` and
// `zstdDecompressSync`. The built-in path is tested against a stand-in with Node's API, built on
// zstd-napi (the same libzstd, so the frames are the ones Node writes), installed as node:zlib's
// zstd below. zstd-napi itself is refused to the codecs' loader: the built-in path needs no
// package.

const fake = vi.hoisted(() => ({ calls: [] as { name: string; options?: unknown }[] }));

/** zlib.constants.ZSTD_c_compressionLevel (ZSTD_c_compressionLevel in zstd.h). */
const LEVEL_PARAM = 100;

vi.mock('node:zlib', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:zlib')>();
  const { createRequire } = await import('node:module');
  const napi = createRequire(import.meta.url)('zstd-napi') as typeof import('zstd-napi');
  const stand_in = {
    zstdCompressSync(data: Uint8Array, options: { params: Record<number, number> }) {
      fake.calls.push({ name: 'zstdCompressSync', options });
      const compressor = new napi.Compressor();
      compressor.setParameters({ compressionLevel: options.params[100] ?? 3 });
      return compressor.compress(data);
    },
    zstdDecompressSync(data: Uint8Array) {
      fake.calls.push({ name: 'zstdDecompressSync' });
      return new napi.Decompressor().decompress(data);
    },
    constants: { ...real.constants, ZSTD_c_compressionLevel: 100 },
  };
  const zlib = { ...real, ...stand_in };
  return { ...zlib, default: zlib };
});

vi.mock('../load-optional.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../load-optional.js')>();
  const { MissingDependencyError } = await import('@cachex/core');
  return {
    ...real,
    lazyOptional: <T>(name: string, feature: string): (() => T) =>
      name === 'zstd-napi'
        ? () => {
            throw new MissingDependencyError(name, feature);
          }
        : real.lazyOptional<T>(name, feature),
  };
});

afterEach(() => {
  fake.calls.length = 0;
});

// The real zstd-napi, to check that what the built-in path writes is what it reads and the other
// way round (the codecs' loader refuses it in this file; `loadOptional` is not replaced).
const napi = loadOptional<ZstdModule>('zstd-napi', 'The test');
const input = Buffer.from(JSON.stringify({ text: 'long text '.repeat(200), n: [1, 2, 3] }));

function napiCompress(data: Uint8Array, level: number): Buffer {
  const compressor = new napi.Compressor();
  compressor.setParameters({ compressionLevel: level });
  return compressor.compress(data);
}

/**
 * True when a zstd frame's header gives the decompressed size: Python's
 * `zstandard.ZstdDecompressor().decompress()` refuses frames without it.
 */
function declaresContentSize(frame: Uint8Array): boolean {
  const descriptor = frame[4] ?? 0;
  return descriptor >> 6 !== 0 || (descriptor & 0x20) !== 0;
}

describe('the zstd compressor on a Node with zstd built in', () => {
  it('builtInZstd finds node:zlib zstd only where it is', () => {
    expect(builtInZstd({})).toBeUndefined();
    expect(builtInZstd({ zstdCompressSync: () => Buffer.alloc(0) })).toBeUndefined();
    // node:zlib as mocked below: with the stand-in.
    const found = builtInZstd(zlib);
    expect(found).toBeDefined();
    expect(typeof found?.zstdCompressSync).toBe('function');
  });

  it('writes through zlib.zstdCompressSync with the level and the content size', () => {
    const zstd = builtInZstdCompressor(builtInZstd(zlib) as NodeZstd, 6);
    const packed = zstd.compress(input) as Buffer;
    expect(fake.calls).toEqual([
      {
        name: 'zstdCompressSync',
        options: { params: { [LEVEL_PARAM]: 6 }, pledgedSrcSize: input.length },
      },
    ]);
    expect(packed.subarray(0, 4).toString('hex')).toBe('28b52ffd');
    expect(declaresContentSize(packed)).toBe(true);
    // The same frame zstd-napi writes at that level, and zstd-napi reads it.
    expect(packed.equals(napiCompress(input, 6))).toBe(true);
    expect(new napi.Decompressor().decompress(packed).equals(input)).toBe(true);
  });

  it('reads frames zstd-napi wrote, through zlib.zstdDecompressSync', () => {
    const zstd = builtInZstdCompressor(builtInZstd(zlib) as NodeZstd, 3);
    const out = zstd.decompress(napiCompress(input, 19)) as Buffer;
    expect(out.equals(input)).toBe(true);
    expect(fake.calls.map((c) => c.name)).toEqual(['zstdDecompressSync']);
  });

  it('createZstdCompressor and createCodec use it and need no zstd-napi', () => {
    const zstd = createZstdCompressor({ level: 9 });
    expect(zstd.name).toBe('zstd');
    expect(zstd.matches?.(napiCompress(input, 3))).toBe(true);
    const codec = createCodec({ compressor: 'zstd', minLength: 0 });
    const value = { text: 'long text '.repeat(200) };
    const stored = codec.encode(value) as Buffer;
    expect(stored.subarray(0, 4).toString('hex')).toBe('28b52ffd');
    expect(new napi.Decompressor().decompress(stored).toString()).toBe(JSON.stringify(value));
    expect(codec.decode(stored, 'k')).toEqual(value);
    expect(fake.calls.map((c) => c.name)).toEqual(['zstdCompressSync', 'zstdDecompressSync']);
  });

  it('zstd-napi is really refused in this file (the built-in path is what works)', async () => {
    const { lazyOptional } = await import('../load-optional.js');
    expect(() => lazyOptional('zstd-napi', 'The zstd compressor')()).toThrow(
      MissingDependencyError,
    );
  });
});
