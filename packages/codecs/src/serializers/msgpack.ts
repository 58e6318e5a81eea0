import type { Serializer } from '@cachex/core';
import { toBuffer } from '../bytes.js';
import { lazyOptional } from '../load-optional.js';
import { withRequirement } from '../requirements.js';
import { checkMsgpack, HAS_UNDEFINED_PROPERTY } from './msgpack-check.js';
import { toEncodeError } from './refusal.js';

/** msgpackr's options, as far as they are used here. */
type Options = Record<string, unknown>;

/** The part of `msgpackr` used here (declared locally: the package is an optional peer). */
export interface MsgpackrModule {
  Packr: new (options: Options) => { pack(value: unknown): Uint8Array };
  Unpackr: new (options: Options) => { unpack(data: Uint8Array): unknown };
}

/**
 * Plain MessagePack, readable by Python's `msgpack.unpackb(raw=False, strict_map_key=False,
 * timestamp=3)`: no record/structure extension (msgpackr's default one is JS-only), maps sized
 * by their key count (fixmap for small objects, as Python writes them). `moreTypes` writes typed
 * arrays, DataViews and ArrayBuffers with msgpackr's typed-array extension (0x74: a type byte,
 * then the bytes), which reads back as the same type; without it msgpackr wrote them as bin,
 * copying elements instead of bytes into a buffer sized in bytes. Buffers stay bin either way.
 * (`moreTypes` changes nothing else the check lets through.)
 */
const packOptions: Options = {
  useRecords: false,
  variableMapSize: true,
  moreTypes: true,
  // The check only lets undefined through as an object property, which is left out (below);
  // nil keeps anything else Python-readable.
  encodeUndefinedAsNil: true,
};

/**
 * For values with `undefined` properties: leaves them out instead of writing nil. A separate
 * packer, because `skipValues` makes msgpackr filter every object's keys (an option missing from
 * msgpackr's typings).
 */
const skipUndefinedOptions: Options = { ...packOptions, skipValues: [undefined] };

/**
 * Maps come back as plain objects (Python dicts, any key type). 64-bit integers come back as
 * numbers when they fit (Python writes 2**40 as uint64) and as BigInts beyond ±2^53
 * (`int64AsType: 'auto'`, supported at run time but missing from msgpackr's typings).
 */
const unpackOptions: Options = {
  useRecords: false,
  mapsAsObjects: true,
  int64AsType: 'auto',
};

/**
 * The MessagePack serializer (`'msgpack'`, via msgpackr), compatible with django-cachex's msgpack
 * serializer both ways. Round-trips strings, numbers (`NaN` and ±Infinity too), booleans, null,
 * arrays, plain objects (keys in their order), Dates (timestamp extension), Buffers (bin, Python
 * `bytes`), typed arrays, DataViews and ArrayBuffers (msgpackr's typed-array extension; Python
 * reads an `ExtType(116, …)`) and BigInts beyond ±2^53 up to 64 bits. A BigInt within ±2^53 reads
 * back as a number (as integer text does); `undefined` properties are left out.
 *
 * `serialize` throws an `EncodeError` naming the property path for anything that would not read
 * back as it was: a top-level `undefined`, `undefined` array items and holes, `-0`, functions,
 * symbols, BigInts beyond 64 bits, strings that are not well-formed UTF-16, own `__proto__` keys,
 * invalid Dates, Maps, Sets, RegExps, Errors, boxed primitives, class instances (toJSON is not
 * used), cyclic structures and values nested more than 1000 levels deep.
 *
 * Needs the optional package `msgpackr`, loaded on first use (`createCodec` loads it when it is
 * created, and fails there with a `MissingDependencyError` when it is absent; used on its own, the
 * serializer throws that error on its first call).
 *
 * @example
 * ```ts
 * createMsgpackSerializer().serialize({ a: 1 }); // <81 a1 61 01>
 * ```
 */
export function createMsgpackSerializer(): Serializer {
  return msgpackSerializer(lazyOptional<MsgpackrModule>('msgpackr', 'The msgpack serializer'));
}

/** The serializer over an injected module getter (tests point it at a missing package). */
export function msgpackSerializer(load: () => MsgpackrModule): Serializer {
  type Packer = InstanceType<MsgpackrModule['Packr']>;
  let packr: Packer | undefined;
  let skipUndefinedPackr: Packer | undefined;
  let unpackr: InstanceType<MsgpackrModule['Unpackr']> | undefined;
  return withRequirement(
    {
      name: 'msgpack',
      serialize(value: unknown): Uint8Array {
        // Outside the try: a missing msgpackr is a MissingDependencyError, not an EncodeError.
        packr ??= new (load().Packr)({ ...packOptions });
        try {
          if ((checkMsgpack(value) & HAS_UNDEFINED_PROPERTY) === 0) return packr.pack(value);
          skipUndefinedPackr ??= new (load().Packr)({ ...skipUndefinedOptions });
          return skipUndefinedPackr.pack(value);
        } catch (error) {
          throw toEncodeError(error, 'MessagePack');
        }
      },
      deserialize(data: Uint8Array): unknown {
        unpackr ??= new (load().Unpackr)({ ...unpackOptions });
        // msgpackr throws when bytes remain after the first value, so JSON text such as `"hi"`
        // (0x22 is a valid fixint) is rejected instead of misread as the number 34.
        return unpackr.unpack(toBuffer(data));
      },
    },
    load,
  );
}
