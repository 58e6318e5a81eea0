import type { Compressor, EncodedValue, MaybePromise, Serializer } from '@cachex/core';
import { EncodeError, isCachexError } from '@cachex/core';
import { toBuffer } from './bytes.js';
import { errorMessage } from './error-message.js';
import { integerToText, MAX_DIGITS } from './integer-text.js';

/**
 * The write path: exact integers → decimal text; anything else → `serializer` → `compressor` when
 * the serialized bytes are longer than `minLength` → Buffer. Synchronous unless the compressor
 * returns a Promise. No header byte is added, so Django reads what this writes.
 */
export function createEncoder(
  serializer: Serializer,
  compressor: Compressor | undefined,
  minLength: number,
): (value: unknown) => MaybePromise<EncodedValue> {
  const fail = (stage: string, error: unknown): Error =>
    // Cachex errors (a built-in serializer's EncodeError, a MissingDependencyError) already say
    // what went wrong and what to do.
    isCachexError(error)
      ? error
      : new EncodeError(`Cannot encode value with ${stage}: ${errorMessage(error)}`, {
          cause: error,
        });

  const serializeText = serializer.serializeText?.bind(serializer);
  return function encode(value: unknown): MaybePromise<EncodedValue> {
    if (typeof value === 'number') {
      if (Number.isSafeInteger(value)) return integerToText(value);
    } else if (typeof value === 'bigint') {
      const text = integerToText(value);
      const digits = value < 0n ? text.length - 1 : text.length;
      if (digits > MAX_DIGITS) {
        // It would not read back: the decoder (like Python) refuses integer text this long.
        throw new EncodeError(
          `Cannot encode a BigInt of ${digits} digits: integer text is limited to ${MAX_DIGITS} digits (as in Python)`,
        );
      }
      return text;
    }
    let bytes: Uint8Array;
    try {
      if (serializeText !== undefined) {
        const text = serializeText(value);
        // Text that stays uncompressed goes to the driver as a string: ioredis writes strings
        // faster than Buffers, and the stored bytes are the same UTF-8.
        if (
          compressor === undefined ||
          (text.length <= minLength && Buffer.byteLength(text) <= minLength)
        ) {
          return text;
        }
        bytes = Buffer.from(text, 'utf8');
      } else {
        bytes = serializer.serialize(value);
      }
    } catch (error) {
      throw fail(`the ${serializer.name} serializer`, error);
    }
    if (compressor === undefined || bytes.length <= minLength) return toBuffer(bytes);
    let packed: MaybePromise<Uint8Array>;
    try {
      packed = compressor.compress(bytes);
    } catch (error) {
      throw fail(`the ${compressor.name} compressor`, error);
    }
    if (packed instanceof Uint8Array) return toBuffer(packed);
    return Promise.resolve(packed).then(toBuffer, (error: unknown) => {
      throw fail(`the ${compressor.name} compressor`, error);
    });
  };
}
