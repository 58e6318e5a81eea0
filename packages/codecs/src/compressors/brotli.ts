import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { Compressor } from '@cachex/core';
import { type LevelOptions, resolveLevel } from './level.js';

/**
 * The Brotli compressor (`'brotli'`, `node:zlib`). `level` is Brotli's quality, 0–11, default 4:
 * Node's own default (11) compresses at about 1 MB/s and must never be a cache default.
 *
 * Brotli streams have no magic bytes, so there is no `matches`: on read the codec has to try
 * Brotli on every non-integer value that no other compressor claims, including small values stored
 * uncompressed. Prefer zstd (or zlib) when reads of small values dominate.
 */
export function createBrotliCompressor(options: LevelOptions = {}): Compressor {
  const quality = resolveLevel('brotli', options.level, 4, 0, 11);
  const brotliOptions = { params: { [constants.BROTLI_PARAM_QUALITY]: quality } };
  return {
    name: 'brotli',
    compress: (data) => brotliCompressSync(data, brotliOptions),
    decompress: (data) => brotliDecompressSync(data),
  };
}
