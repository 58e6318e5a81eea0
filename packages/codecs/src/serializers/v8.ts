import { deserialize, serialize } from 'node:v8';
import type { Serializer } from '@cachex/core';
import { toBuffer } from '../bytes.js';
import { toEncodeError } from './refusal.js';
import { checkV8 } from './v8-check.js';

/**
 * The V8 structured-clone serializer (`'v8'`, `node:v8`): the richest JavaScript round trip
 * (Date, Map, Set, BigInt, RegExp, Errors, boxed primitives, typed arrays, Buffers, `undefined`,
 * `-0`, array holes, cyclic structures) and fast, but readable only by Node.js, and only by Node
 * versions that understand the writer's format version. Use it when no other language reads the
 * cache.
 *
 * `serialize` throws an `EncodeError` naming the property path for what would not read back as it
 * was: functions, symbols, class instances (structured clone stores no prototypes, so they would
 * read back as plain objects; this includes subclasses of built-ins and objects such as URL),
 * Errors with their own properties, WeakMaps, Promises and other objects structured clone
 * refuses. Null-prototype objects read back as plain objects.
 *
 * @example
 * ```ts
 * const v8 = createV8Serializer();
 * v8.deserialize(v8.serialize(new Map([[1, 2n]]))); // Map { 1 => 2n }
 * ```
 */
export function createV8Serializer(): Serializer {
  return {
    name: 'v8',
    serialize(value: unknown): Uint8Array {
      try {
        checkV8(value);
        return serialize(value);
      } catch (error) {
        throw toEncodeError(error, 'V8');
      }
    },
    deserialize(data: Uint8Array): unknown {
      return deserialize(toBuffer(data));
    },
  };
}
