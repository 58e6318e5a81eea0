import { errorCodes, MissingDependencyError } from '@cachex/core';
import { describe, expect, it, vi } from 'vitest';
import { lz4Compressor } from './compressors/lz4.js';
import { lzmaCompressor } from './compressors/lzma.js';
import { type ZstdModule, zstdCompressor } from './compressors/zstd.js';
import { lazyOptional, loadOptional } from './load-optional.js';

const MISSING = '@cachex/this-package-does-not-exist';

describe('optional native packages', () => {
  it('loadOptional names the package to install', () => {
    let caught: unknown;
    try {
      loadOptional(MISSING, 'The test feature');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MissingDependencyError);
    const error = caught as MissingDependencyError;
    expect(error.code).toBe(errorCodes.missingDependency);
    expect(error.message).toContain(`npm install ${MISSING}`);
    expect(error.message).toContain(`pnpm add ${MISSING}`);
    expect(error.message).toContain('The test feature');
    expect(error.context.package).toBe(MISSING);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('loadOptional returns an installed package', () => {
    const zstd = loadOptional<ZstdModule>('zstd-napi', 'The zstd compressor');
    expect(typeof zstd.Compressor).toBe('function');
  });

  it('lazyOptional remembers a failure instead of searching again', () => {
    const getter = lazyOptional(MISSING, 'The test feature');
    const failures: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      try {
        getter();
      } catch (error) {
        failures.push(error);
      }
    }
    expect(failures).toHaveLength(2);
    expect(failures[0]).toBeInstanceOf(MissingDependencyError);
    expect(failures[1]).toBe(failures[0]);
  });

  it('a compressor over a missing package can be created, and fails on use', async () => {
    const zstd = zstdCompressor(lazyOptional<ZstdModule>(MISSING, 'The zstd compressor'), 3);
    expect(() => zstd.compress(Buffer.from('x'))).toThrow(MissingDependencyError);
    expect(() => zstd.decompress(Buffer.from('x'))).toThrow(/The zstd compressor needs/);
    const lz4 = lz4Compressor(lazyOptional(MISSING, 'The lz4 compressor'));
    expect(() => lz4.compress(Buffer.from('x'))).toThrow(MissingDependencyError);
    const lzma = lzmaCompressor(lazyOptional(MISSING, 'The lzma compressor'), 4);
    await expect(lzma.compress(Buffer.from('x'))).rejects.toBeInstanceOf(MissingDependencyError);
  });

  it('creating a compressor does not load its package; the first use loads it once', () => {
    const real = loadOptional<ZstdModule>('zstd-napi', 'The zstd compressor');
    const load = vi.fn(() => real);
    const zstd = zstdCompressor(load, 3);
    expect(load).not.toHaveBeenCalled();
    const packed = zstd.compress(Buffer.from('hello hello hello')) as Uint8Array;
    zstd.compress(Buffer.from('again'));
    expect(load).toHaveBeenCalledTimes(1);
    expect(Buffer.from(zstd.decompress(packed) as Uint8Array).toString()).toBe('hello hello hello');
  });
});
