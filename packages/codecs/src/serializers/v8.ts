import { deserialize, serialize } from 'node:v8';
import type { Serializer } from '@cachex/core';
import { EncodeError } from '@cachex/core';
import { toBuffer } from '../bytes.js';

/**
 * The V8 structured-clone serializer (`'v8'`, `node:v8`): the richest JavaScript round trip
 * (Date, Map, Set, BigInt, RegExp, typed arrays, `undefined`, cyclic structures, Errors) and fast,
 * but readable only by Node.js, and only by Node versions that understand the writer's format
 * version. Use it when no other language reads the cache.
 *
 * `serialize` throws an `EncodeError` for what structured clone refuses (functions, symbols).
 * Class instances come back as plain objects: prototypes are not stored.
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
        return serialize(value);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new EncodeError(`V8 serialization failed: ${reason}`, { cause: error });
      }
    },
    deserialize(data: Uint8Array): unknown {
      return deserialize(toBuffer(data));
    },
  };
}
