import type { Serializer } from '@cachex/core';
import { EncodeError } from '@cachex/core';
import { canonicalJson, UnrepresentableError } from './canonical-json.js';

// Strict UTF-8, as Python's `bytes.decode()`: bytes that are not text are not JSON.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON serializer (`'json'`), byte-compatible with django-cachex's JSON serializer for reading
 * both ways. Output is canonical (keys sorted at every level, no whitespace), so equal values give
 * equal bytes. Dates are written as ISO 8601 UTC strings like Django's `DjangoJSONEncoder` and read
 * back as strings. `undefined` properties are omitted and `undefined` array items become `null`,
 * as with `JSON.stringify`.
 *
 * `serialize` throws an `EncodeError` for what JSON cannot hold: a top-level `undefined`,
 * functions, symbols, BigInts inside a value (a top-level BigInt never reaches the serializer:
 * the codec stores it as integer text), `NaN`/`Infinity`, invalid Dates, Maps, Sets, typed arrays
 * and cyclic structures. The message names the property path.
 *
 * @example
 * ```ts
 * const json = createJsonSerializer();
 * json.serialize({ b: 1, a: [true] }); // bytes of {"a":[true],"b":1}
 * ```
 */
export function createJsonSerializer(): Serializer {
  const serializeText = (value: unknown): string => {
    let text: string | undefined;
    try {
      text = canonicalJson(value);
    } catch (error) {
      throw new EncodeError(describe(error), { cause: error });
    }
    if (text === undefined) {
      throw new EncodeError('JSON cannot represent undefined; store null instead');
    }
    return text;
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

function describe(error: unknown): string {
  if (error instanceof UnrepresentableError) {
    const where = error.path.length > 0 ? ` (at ${error.path.join('.')})` : '';
    return `${error.message}${where}`;
  }
  // A throwing toJSON(), or a structure too deep for the stack.
  return `JSON serialization failed: ${error instanceof Error ? error.message : String(error)}`;
}
