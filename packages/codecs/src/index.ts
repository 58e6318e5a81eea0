/**
 * `@cachex/codecs`: value encoding for cachex, wire-compatible with django-cachex. Serializers
 * (json, msgpack, v8), compressors (zlib, gzip, brotli, lz4, zstd, lzma) and `createCodec`, which
 * combines them.
 *
 * @packageDocumentation
 */
export { createCodec } from './codec.js';
export type { CodecOptions, CompressorSpec, SerializerSpec } from './codec-options.js';
export { createBrotliCompressor } from './compressors/brotli.js';
export { createGzipCompressor } from './compressors/gzip.js';
export type { LevelOptions } from './compressors/level.js';
export { createLz4Compressor } from './compressors/lz4.js';
export { createLzmaCompressor } from './compressors/lzma.js';
export { createZlibCompressor } from './compressors/zlib.js';
export { createZstdCompressor } from './compressors/zstd.js';
export type { CompressorName, SerializerName } from './registry.js';
export { compressors, createCompressor, createSerializer, serializers } from './registry.js';
export { createJsonSerializer } from './serializers/json.js';
export { createMsgpackSerializer } from './serializers/msgpack.js';
export { createV8Serializer } from './serializers/v8.js';
