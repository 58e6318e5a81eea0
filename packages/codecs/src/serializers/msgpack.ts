import type { Serializer } from '@cachex/core';
import { EncodeError } from '@cachex/core';
import { type Options, Packr, Unpackr } from 'msgpackr';
import { toBuffer } from '../bytes.js';

/**
 * Plain MessagePack, readable by Python's `msgpack.unpackb(raw=False, strict_map_key=False,
 * timestamp=3)`: no record/structure extension (msgpackr's default one is JS-only), maps sized
 * by their key count (fixmap for small objects, as Python writes them), `undefined` as nil.
 */
const packOptions: Options = {
  useRecords: false,
  variableMapSize: true,
  encodeUndefinedAsNil: true,
};

/**
 * Maps come back as plain objects (Python dicts, any key type). 64-bit integers come back as
 * numbers when they fit (Python writes 2**40 as uint64) and as BigInts beyond ±2^53. msgpackr
 * supports `int64AsType: 'auto'` at run time but its typings omit it, hence the cast.
 */
const unpackOptions = {
  useRecords: false,
  mapsAsObjects: true,
  int64AsType: 'auto',
} as unknown as Options;

/**
 * The MessagePack serializer (`'msgpack'`, via msgpackr), compatible with django-cachex's msgpack
 * serializer both ways. Round-trips strings, numbers, booleans, null, arrays, plain objects,
 * Buffers (as bin), Dates (timestamp extension) and BigInts within 64 bits.
 *
 * Lossy on purpose, for Python compatibility: Maps come back as objects, Sets as arrays,
 * `undefined` and nested functions as `null`, and small BigInts as numbers (use `v8` for a
 * faithful JavaScript round trip). Safe integers above 2^32 are written as float64 (msgpackr),
 * which JavaScript reads back exactly but Python sees as `float`.
 *
 * `serialize` throws an `EncodeError` for symbols, BigInts beyond 64 bits, cyclic structures and a
 * top-level function.
 *
 * @example
 * ```ts
 * createMsgpackSerializer().serialize({ a: 1 }); // <81 a1 61 01>
 * ```
 */
export function createMsgpackSerializer(): Serializer {
  const packr = new Packr({ ...packOptions });
  const unpackr = new Unpackr({ ...unpackOptions });
  return {
    name: 'msgpack',
    serialize(value: unknown): Uint8Array {
      if (typeof value === 'function') {
        throw new EncodeError('MessagePack cannot represent a function');
      }
      try {
        return packr.pack(value);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new EncodeError(`MessagePack serialization failed: ${reason}`, { cause: error });
      }
    },
    deserialize(data: Uint8Array): unknown {
      // msgpackr throws when bytes remain after the first value, so JSON text such as `"hi"`
      // (0x22 is a valid fixint) is rejected instead of misread as the number 34.
      return unpackr.unpack(toBuffer(data));
    },
  };
}
