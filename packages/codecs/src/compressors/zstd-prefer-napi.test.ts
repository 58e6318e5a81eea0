import { describe, expect, it, vi } from 'vitest';
import { createZstdCompressor } from './zstd.js';

// On Node >= 22.15 both are there: node:zlib's zstd and, when installed, zstd-napi. zstd-napi
// keeps one native context per compressor and is several times faster than Node's one-shot
// calls, so it wins when it loads; the built-in one is for installs without it. node:zlib's zstd
// is a stand-in here (this machine's Node 20 has none) that records its calls.

const calls = vi.hoisted(() => [] as string[]);

vi.mock('node:zlib', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:zlib')>();
  const zlib = {
    ...real,
    zstdCompressSync: () => {
      calls.push('zstdCompressSync');
      return Buffer.alloc(0);
    },
    zstdDecompressSync: () => {
      calls.push('zstdDecompressSync');
      return Buffer.alloc(0);
    },
    constants: { ...real.constants, ZSTD_c_compressionLevel: 100 },
  };
  return { ...zlib, default: zlib };
});

describe('zstd with both node:zlib zstd and zstd-napi available', () => {
  it('uses zstd-napi (the faster one), and writes standard frames', () => {
    const zstd = createZstdCompressor();
    const data = Buffer.from('x'.repeat(1000));
    // zstd is synchronous: its results are buffers, never promises.
    const frame = zstd.compress(data) as Uint8Array;
    expect([...frame.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    expect(Buffer.from(zstd.decompress(frame) as Uint8Array).equals(data)).toBe(true);
    expect(calls).toEqual([]);
  });
});
