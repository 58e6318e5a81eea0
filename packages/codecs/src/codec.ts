import type { Codec, EncodedValue, MaybePromise, Serializer } from '@cachex/core';
import { type CodecOptions, resolveCodecOptions } from './codec-options.js';
import { createDecoder } from './decoder.js';
import { createEncoder } from './encoder.js';
import { memberForm } from './member.js';
import { checkRequirement } from './requirements.js';

/**
 * A {@link Codec} with django-cachex's wire format: exact integers as decimal text (so `INCR`
 * works), everything else serialized, then compressed when longer than `minLength`; no header
 * bytes. The first serializer and compressor write; every configured one is tried on read, so a
 * list migrates data from one format to another. Encoding and decoding are synchronous unless the
 * compressor is asynchronous (lzma).
 *
 * `encode` keeps values as they are (object keys in their order); `encodeMember`, which the cache
 * uses for set and sorted-set members, list elements and their probes, first sorts the keys of
 * every plain object, so equal values give equal bytes whatever their key order.
 *
 * Throws a `ConfigError` for an unknown name, an empty serializer list or a bad `minLength`, and
 * a `MissingDependencyError` when a configured serializer or compressor (any entry of a list, not
 * only the first) needs an optional package that cannot be loaded: `msgpackr` for msgpack,
 * `lz4-napi`, `lzma-native`, and `zstd-napi` for zstd on Node versions without zstd in
 * `node:zlib`. Those packages are loaded here, once, so a missing one fails at start-up rather
 * than at the first value large enough to be compressed.
 *
 * @example
 * ```ts
 * const codec = createCodec({ serializer: 'json', compressor: ['zstd', 'zlib'] });
 * codec.encode(42); // '42'
 * codec.encode({ b: 1, a: 2 }); // '{"b":1,"a":2}'
 * codec.encodeMember?.({ b: 1, a: 2 }); // '{"a":2,"b":1}'
 * codec.decode(codec.encode({ a: 1 }) as Buffer, 'user:1'); // { a: 1 }
 * ```
 */
export function createCodec(options: CodecOptions = {}): Codec {
  const { serializers, compressors, minLength } = resolveCodecOptions(options);
  for (const member of [...serializers, ...compressors]) checkRequirement(member);
  const encode = createEncoder(serializers[0] as Serializer, compressors[0], minLength);
  return {
    encode,
    encodeMember: (value: unknown): MaybePromise<EncodedValue> => encode(memberForm(value)),
    decode: createDecoder(serializers, compressors),
  };
}
