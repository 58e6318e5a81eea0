import type { Compressor, Serializer } from '@cachex/core';
import { ConfigError } from '@cachex/core';
import { createBrotliCompressor } from './compressors/brotli.js';
import { createGzipCompressor } from './compressors/gzip.js';
import type { LevelOptions } from './compressors/level.js';
import { createLz4Compressor } from './compressors/lz4.js';
import { createLzmaCompressor } from './compressors/lzma.js';
import { createZlibCompressor } from './compressors/zlib.js';
import { createZstdCompressor } from './compressors/zstd.js';
import { createJsonSerializer } from './serializers/json.js';
import { createMsgpackSerializer } from './serializers/msgpack.js';
import { createV8Serializer } from './serializers/v8.js';

/**
 * The built-in serializers by name, each a factory. `@cachex/config` and `createCodec` resolve
 * option strings through this table.
 */
export const serializers: Readonly<Record<SerializerName, () => Serializer>> = Object.freeze({
  json: createJsonSerializer,
  msgpack: createMsgpackSerializer,
  v8: createV8Serializer,
});

/** Name of a built-in serializer. */
export type SerializerName = 'json' | 'msgpack' | 'v8';

/**
 * The built-in compressors by name, each a factory taking `{ level? }` (lz4 accepts no level).
 * `lz4`, `lzma` and `zstd` (on Node versions without zstd in `node:zlib`) need optional packages,
 * loaded by `createCodec` or on first use, not by the factory.
 */
export const compressors: Readonly<Record<CompressorName, (options?: LevelOptions) => Compressor>> =
  Object.freeze({
    zlib: createZlibCompressor,
    gzip: createGzipCompressor,
    brotli: createBrotliCompressor,
    lz4: createLz4Compressor,
    zstd: createZstdCompressor,
    lzma: createLzmaCompressor,
  });

/** Name of a built-in compressor. */
export type CompressorName = 'zlib' | 'gzip' | 'brotli' | 'lz4' | 'zstd' | 'lzma';

/**
 * A new built-in serializer by name. Throws a `ConfigError` listing the valid names for an unknown
 * one.
 *
 * @example
 * ```ts
 * createSerializer('msgpack').serialize(true); // <c3>
 * ```
 */
export function createSerializer(name: string): Serializer {
  if (!Object.hasOwn(serializers, name)) throw unknownName('serializer', name, serializers);
  return serializers[name as SerializerName]();
}

/**
 * A new built-in compressor by name, with its options. Throws a `ConfigError` listing the valid
 * names for an unknown one, or naming `level` when it is out of range.
 *
 * @example
 * ```ts
 * createCompressor('zstd', { level: 6 });
 * ```
 */
export function createCompressor(name: string, options?: LevelOptions): Compressor {
  if (!Object.hasOwn(compressors, name)) throw unknownName('compressor', name, compressors);
  return compressors[name as CompressorName](options);
}

function unknownName(field: string, name: string, table: object): ConfigError {
  const valid = Object.keys(table).join(', ');
  return new ConfigError(`Unknown ${field} "${name}": expected one of ${valid}`, {
    context: { field, value: name },
  });
}
