import { ConfigError, EncodeError } from './errors.js';
import type { EncodedValue } from './types/codec.js';

/**
 * Default of the `maxValueSize` option: 100 MiB of encoded bytes. Redis refuses one argument
 * above `proto-max-bulk-len` (512 MB by default), but a value that large already stalls the
 * connection (and every command queued behind it) for seconds; the cache refuses it before
 * sending, with an error that says why.
 */
export const DEFAULT_MAX_VALUE_SIZE = 100 * 1024 * 1024;

/** Checks the `maxValueSize` option; `undefined` gives the default. */
export function resolveMaxValueSize(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_VALUE_SIZE;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError('maxValueSize must be a positive integer (bytes)', {
      context: { field: 'maxValueSize' },
    });
  }
  return value;
}

/**
 * Returns `encoded` when it is smaller than `limit` bytes, else throws an {@link EncodeError}
 * (nothing is sent). Strings are measured in UTF-8 bytes, as they are sent.
 */
export function checkValueSize(encoded: EncodedValue, key: string, limit: number): EncodedValue {
  // A UTF-16 unit is at most 3 UTF-8 bytes: only long strings are measured.
  if (typeof encoded === 'string' && encoded.length * 3 < limit) return encoded;
  const size = typeof encoded === 'string' ? Buffer.byteLength(encoded) : encoded.length;
  if (size < limit) return encoded;
  throw new EncodeError(
    `Cannot store the value of key ${JSON.stringify(key)}: it encodes to ${size} bytes; the limit is ${limit} bytes (option maxValueSize, values must be smaller)`,
    { context: { key, size, limit, option: 'maxValueSize' } },
  );
}
