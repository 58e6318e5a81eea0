import type { Compressor } from '@cachex/core';
import { lazyOptional } from '../load-optional.js';
import { type LevelOptions, resolveLevel } from './level.js';
import { isZstd } from './magic.js';

/** The part of `zstd-napi` used here (declared locally: the package is an optional peer). */
export interface ZstdModule {
  Compressor: new () => {
    setParameters(parameters: { compressionLevel: number }): void;
    compress(data: Uint8Array): Buffer;
  };
  Decompressor: new () => { decompress(data: Uint8Array): Buffer };
}

/**
 * The Zstandard compressor (`'zstd'`): standard zstd frames (`28 b5 2f fd`), readable by Python's
 * `zstandard`/`compression.zstd` and django-cachex's zstd compressor. `level` 1–22, default 3.
 * The fastest compressor here (about 600 MB/s compress, 2 GB/s decompress on 100 KB of JSON).
 * Needs the optional package `zstd-napi`, loaded on first use; without it, compressing or
 * decompressing throws a `MissingDependencyError`. Synchronous.
 */
export function createZstdCompressor(options: LevelOptions = {}): Compressor {
  const level = resolveLevel('zstd', options.level, 3, 1, 22);
  return zstdCompressor(lazyOptional<ZstdModule>('zstd-napi', 'The zstd compressor'), level);
}

/** The compressor over an injected module getter (tests point it at a missing package). */
export function zstdCompressor(load: () => ZstdModule, level: number): Compressor {
  // One native context per compressor, created on first use and reused: zstd-napi's one-shot
  // helpers would reset the parameters on every call.
  let compressor: InstanceType<ZstdModule['Compressor']> | undefined;
  let decompressor: InstanceType<ZstdModule['Decompressor']> | undefined;
  return {
    name: 'zstd',
    compress(data) {
      if (compressor === undefined) {
        const created = new (load().Compressor)();
        created.setParameters({ compressionLevel: level });
        compressor = created;
      }
      return compressor.compress(data);
    },
    decompress(data) {
      decompressor ??= new (load().Decompressor)();
      return decompressor.decompress(data);
    },
    matches: isZstd,
  };
}
