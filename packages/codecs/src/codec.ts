import type { Codec, Serializer } from '@cachex/core';
import { type CodecOptions, resolveCodecOptions } from './codec-options.js';
import { createDecoder } from './decoder.js';
import { createEncoder } from './encoder.js';

/**
 * A {@link Codec} with django-cachex's wire format: exact integers as decimal text (so `INCR`
 * works), everything else serialized, then compressed when longer than `minLength`; no header
 * bytes. The first serializer and compressor write; every configured one is tried on read, so a
 * list migrates data from one format to another. Encoding and decoding are synchronous unless the
 * compressor is asynchronous (lzma).
 *
 * Throws a `ConfigError` for an unknown name, an empty serializer list or a bad `minLength`.
 *
 * @example
 * ```ts
 * const codec = createCodec({ serializer: 'json', compressor: ['zstd', 'zlib'] });
 * codec.encode(42); // '42'
 * codec.decode(codec.encode({ a: 1 }) as Buffer, 'user:1'); // { a: 1 }
 * ```
 */
export function createCodec(options: CodecOptions = {}): Codec {
  const { serializers, compressors, minLength } = resolveCodecOptions(options);
  return {
    encode: createEncoder(serializers[0] as Serializer, compressors[0], minLength),
    decode: createDecoder(serializers, compressors),
  };
}
