import { gunzipSync, gzipSync } from 'node:zlib';
import type { Compressor } from '@cachex/core';
import { type LevelOptions, resolveLevel } from './level.js';
import { isGzip } from './magic.js';

/**
 * The gzip compressor (`'gzip'`): RFC 1952 members, what Python's `gzip.compress` writes.
 * `level` 0–9, default 6: django-cachex defaults to 9, which is slower for a few percent of size;
 * the level does not affect who can read the data. Synchronous, built on `node:zlib` (faster than
 * fflate in our measurements, see the README).
 */
export function createGzipCompressor(options: LevelOptions = {}): Compressor {
  const gzipOptions = { level: resolveLevel('gzip', options.level, 6, 0, 9) };
  return {
    name: 'gzip',
    compress: (data) => gzipSync(data, gzipOptions),
    decompress: (data) => gunzipSync(data),
    matches: isGzip,
  };
}
