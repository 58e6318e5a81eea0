import type { Serializer } from '@cachex/core';
import { checkJson, PLAIN } from './json-check.js';
import { writeJson, writeNumber } from './json-writer.js';
import { toEncodeError } from './refusal.js';

// Strict UTF-8, as Python's `bytes.decode()`: bytes that are not text are not JSON.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON serializer (`'json'`), byte-compatible with django-cachex's JSON serializer for reading
 * both ways. Compact output (no whitespace) with object keys in their own order, so values read
 * back as they were written. Dates are written as ISO 8601 UTC strings like Django's
 * `DjangoJSONEncoder` and read back as strings; objects with a `toJSON()` are written as what it
 * returns (JSON's own protocol); `undefined` properties are left out, as `JSON.stringify` does.
 *
 * `serialize` throws an `EncodeError` naming the property path for anything that would not read
 * back as it was: a top-level `undefined`, `undefined` array items and holes, functions, symbols,
 * BigInts inside a value (a top-level BigInt never reaches the serializer: the codec stores it as
 * integer text), `NaN`/`Infinity`, invalid Dates, Buffers, typed arrays, Maps, Sets, RegExps,
 * Errors, boxed primitives, class instances without `toJSON()`, cyclic structures and values
 * nested more than 1000 levels deep.
 *
 * Plain data is written by `JSON.stringify` after one checking walk; values with Dates, toJSON,
 * `-0` or integral numbers beyond 2^53 (`2 ** 60` is written `1152921504606847000.0`, so it is
 * not taken for integer text) go through a slower writer.
 *
 * @example
 * ```ts
 * const json = createJsonSerializer();
 * json.serialize({ b: 1, a: [true] }); // bytes of {"b":1,"a":[true]}
 * ```
 */
export function createJsonSerializer(): Serializer {
  const serializeText = (value: unknown): string => {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        if (Number.isFinite(value)) return writeNumber(value);
        break;
    }
    try {
      return checkJson(value) === PLAIN ? JSON.stringify(value) : writeJson(value);
    } catch (error) {
      throw toEncodeError(error, 'JSON');
    }
  };
  return {
    name: 'json',
    serialize: (value: unknown): Uint8Array => Buffer.from(serializeText(value), 'utf8'),
    serializeText,
    deserialize(data: Uint8Array): unknown {
      return JSON.parse(utf8.decode(data));
    },
  };
}
