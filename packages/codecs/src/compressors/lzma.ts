import type { Compressor } from '@cachex/core';
import { toBuffer } from '../bytes.js';
import { lazyOptional } from '../load-optional.js';
import { withRequirement } from '../requirements.js';
import { type LevelOptions, resolveLevel } from './level.js';
import { isXz } from './magic.js';

/** The part of `lzma-native` used here (declared locally: the package is an optional peer). */
export interface LzmaModule {
  compress(data: Buffer, options: { preset: number }): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
}

/**
 * The LZMA compressor (`'lzma'`): the xz container (`fd 37 7a 58 5a 00`), what Python's
 * `lzma.compress` writes and django-cachex's lzma compressor reads. `level` is the xz preset,
 * 1–9, default 4 (Django's default; lzma-native cannot express preset 0). The slowest compressor
 * here, for cold data where size matters most.
 *
 * **Asynchronous**: `compress`/`decompress` return Promises (lzma-native works on a thread pool),
 * so a codec using it returns Promises from `encode`/`decode` for compressed values. Needs the
 * optional package `lzma-native`, loaded on first use (`createCodec` loads it when it is created,
 * and fails there with a `MissingDependencyError` when it is absent; used on its own, the
 * compressor rejects with that error on its first compress or decompress).
 */
export function createLzmaCompressor(options: LevelOptions = {}): Compressor {
  const preset = resolveLevel('lzma', options.level, 4, 1, 9);
  return lzmaCompressor(lazyOptional<LzmaModule>('lzma-native', 'The lzma compressor'), preset);
}

/** The compressor over an injected module getter (tests point it at a missing package). */
export function lzmaCompressor(load: () => LzmaModule, preset: number): Compressor {
  const lzmaOptions = { preset };
  return withRequirement(
    {
      name: 'lzma',
      // Async functions, so that a missing package is a rejection like every other failure here.
      compress: async (data) => load().compress(toBuffer(data), lzmaOptions),
      decompress: async (data) => load().decompress(toBuffer(data)),
      matches: isXz,
    },
    load,
  );
}
