/**
 * The MessagePack serializer's value check: one walk before msgpackr packs the value, refusing
 * what msgpackr would write as something else (a Map as a map that reads back as an object, a
 * boxed string as a map of its characters, a nested function as nil, a `__proto__` key that reads
 * back as `__proto_`, a lone surrogate as replacement characters…) and reporting where it is.
 * Allocation-free for accepted values, like the JSON check.
 */
import { endianness } from 'node:os';
import {
  BYTE_ARRAYS,
  depthRefusal,
  MAX_DEPTH,
  MULTI_BYTE_ARRAYS,
  plainChildren,
  Refusal,
  TOO_DEEP,
  unsupportedObject,
  withPath,
} from './refusal.js';

/** The check's result: msgpackr writes the value as it is. */
const PLAIN = 0;
/** The check's result: an object has `undefined` properties, which must be left out. */
export const HAS_UNDEFINED_PROPERTY = 1;

const INT64_MIN = -(2n ** 63n);
const UINT64_LIMIT = 2n ** 64n;

const LONE_SURROGATE =
  'MessagePack cannot represent a string that is not well-formed UTF-16 (it has a lone surrogate); it would read back with replacement characters';
const NEGATIVE_ZERO =
  'MessagePack cannot represent -0 (msgpackr writes it as the integer 0); store 0, or use the json or v8 serializer';
const UNDEFINED_ITEM =
  'MessagePack cannot represent undefined in an array (it would read back as null); store null instead';
const ARRAY_HOLE =
  'MessagePack cannot represent an array hole (it would read back as null); store null instead';
const PROTO_KEY =
  'MessagePack cannot represent an own "__proto__" key (msgpackr reads it back as "__proto_")';

/**
 * Binary values msgpackr reads back as themselves: Buffer as bin, the rest through its
 * typed-array extension (0x74). The extension holds the array's bytes in the platform's byte
 * order, so on a big-endian machine only the byte-sized ones are written.
 */
const BINARY = new Set<object>([
  Buffer.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  ...BYTE_ARRAYS.map((type) => type.prototype),
]);
const MULTI_BYTE = new Set<object>(MULTI_BYTE_ARRAYS.map((type) => type.prototype));
if (endianness() === 'LE') for (const proto of MULTI_BYTE) BINARY.add(proto);

/**
 * Checks `value` and returns {@link PLAIN} or {@link HAS_UNDEFINED_PROPERTY}. Throws a
 * {@link Refusal} naming the path.
 */
export function checkMsgpack(value: unknown): number {
  if (value === undefined) {
    throw new Refusal('MessagePack cannot represent undefined; store null instead');
  }
  try {
    return checkValue(value, 0);
  } catch (error) {
    if (error === TOO_DEEP) throw depthRefusal('MessagePack', value, plainChildren);
    throw error;
  }
}

function checkValue(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw new Refusal(LONE_SURROGATE);
      return PLAIN;
    case 'number':
      if (value === 0 && 1 / value < 0) throw new Refusal(NEGATIVE_ZERO);
      return PLAIN;
    case 'boolean':
      return PLAIN;
    case 'object':
      return value === null ? PLAIN : checkObject(value, depth);
    case 'bigint':
      if (value < INT64_MIN || value >= UINT64_LIMIT) {
        throw new Refusal(
          'MessagePack cannot represent a BigInt beyond 64 bits; store it as a string, or use the v8 serializer',
        );
      }
      return PLAIN;
    case 'undefined':
      throw new Refusal(UNDEFINED_ITEM);
    default:
      throw new Refusal(`MessagePack cannot represent a ${typeof value}`);
  }
}

function checkObject(value: object, depth: number): number {
  if (depth >= MAX_DEPTH) throw TOO_DEEP;
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    return checkRecord(value as Record<string, unknown>, depth + 1);
  }
  if (proto === Array.prototype) return checkArray(value as unknown[], depth + 1);
  if (proto === Date.prototype) {
    if (Number.isNaN((value as Date).getTime())) {
      throw new Refusal('MessagePack cannot represent an invalid Date');
    }
    return PLAIN;
  }
  if (BINARY.has(proto)) return PLAIN;
  if (MULTI_BYTE.has(proto)) {
    throw new Refusal(
      'MessagePack cannot represent a typed array of multi-byte numbers on this big-endian platform (its bytes would be read as little-endian elsewhere); use the v8 serializer',
    );
  }
  throw unsupportedObject('MessagePack', value);
}

function checkRecord(record: Record<string, unknown>, depth: number): number {
  let flags = PLAIN;
  let key = '';
  // Strings and numbers are checked inline: they are most of the members, and a call each
  // showed in the serializer's time.
  try {
    for (key in record) {
      if (key === '__proto__') throw new Refusal(PROTO_KEY);
      if (!key.isWellFormed()) throw new Refusal(LONE_SURROGATE);
      const item = record[key];
      if (typeof item === 'string') {
        if (!item.isWellFormed()) throw new Refusal(LONE_SURROGATE);
      } else if (typeof item === 'number') {
        if (item === 0 && 1 / item < 0) throw new Refusal(NEGATIVE_ZERO);
      } else if (typeof item === 'object') {
        if (item !== null) flags |= checkObject(item, depth);
      } else if (item === undefined) {
        // Left out, as JSON.stringify does (msgpackr would write nil, read back as null).
        flags |= HAS_UNDEFINED_PROPERTY;
      } else if (typeof item !== 'boolean') {
        flags |= checkValue(item, depth);
      }
    }
  } catch (error) {
    throw withPath(error, key);
  }
  return flags;
}

function checkArray(items: readonly unknown[], depth: number): number {
  let flags = PLAIN;
  let i = 0;
  try {
    for (; i < items.length; i++) {
      const item = items[i];
      if (typeof item === 'string') {
        if (!item.isWellFormed()) throw new Refusal(LONE_SURROGATE);
      } else if (typeof item === 'number') {
        if (item === 0 && 1 / item < 0) throw new Refusal(NEGATIVE_ZERO);
      } else if (typeof item === 'object') {
        if (item !== null) flags |= checkObject(item, depth);
      } else if (item === undefined) {
        throw new Refusal(i in items ? UNDEFINED_ITEM : ARRAY_HOLE);
      } else if (typeof item !== 'boolean') {
        flags |= checkValue(item, depth);
      }
    }
  } catch (error) {
    throw withPath(error, String(i));
  }
  return flags;
}
