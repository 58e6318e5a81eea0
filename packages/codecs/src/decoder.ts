import type { Compressor, MaybePromise, Serializer } from '@cachex/core';
import { DecodeError, errorCodes, isCachexError } from '@cachex/core';
import { toBuffer } from './bytes.js';
import { errorMessage } from './error-message.js';
import { parseIntegerText, TOO_MANY_DIGITS, TOO_MANY_DIGITS_REASON } from './integer-text.js';

/** Returned by `tryRead` when no serializer could read the bytes (never a stored value). */
const UNREADABLE: unique symbol = Symbol('cachex.codecs.unreadable');

/** The first decompression failure, kept for the error message. */
interface DecompressFailure {
  compressor: string;
  error: unknown;
}

/**
 * The read path, Django-compatible (the wire format in the README):
 * 1. ASCII decimal integer text → a number (a bigint beyond the safe range); a `DecodeError`
 *    beyond 4300 digits, as in Python.
 * 2. Decompress: first the configured compressor whose magic bytes match, then every configured
 *    compressor without magic bytes (brotli, custom ones), in order. A compressor whose magic does
 *    not match is skipped: its format mandates the magic, so the attempt could only fail, and
 *    skipping it saves a thrown exception on every read of a small, uncompressed value.
 *    If none succeeds, the bytes are read as stored (values at or under `minLength`).
 *    Formats that are not configured are not decoded: add a compressor to the list to read it.
 * 3. Deserialize with each configured serializer in order. If none can read the decompressed
 *    bytes, the stored bytes are tried too (a magic-less decompressor can "succeed" on data that
 *    was never compressed).
 * 4. Otherwise a `DecodeError` naming the key. A missing optional package is rethrown as is.
 *
 * Synchronous unless a compressor that is tried returns a Promise.
 */
export function createDecoder(
  serializers: readonly Serializer[],
  compressors: readonly Compressor[],
): (data: Buffer | string, key?: string) => MaybePromise<unknown> {
  const sniffers = compressors.filter((compressor) => compressor.matches !== undefined);
  const blind = compressors.filter((compressor) => compressor.matches === undefined);
  const serializerNames = serializers.map((serializer) => serializer.name).join(', ');
  // Written by tryRead just before it returns UNREADABLE and read right after, synchronously:
  // a shared slot avoids allocating a result object on every successful read.
  let lastReadError: unknown;

  function tryRead(bytes: Buffer): unknown {
    for (const serializer of serializers) {
      try {
        return serializer.deserialize(bytes);
      } catch (error) {
        lastReadError = error;
      }
    }
    return UNREADABLE;
  }

  function readStored(stored: Buffer, key: string | undefined, failure?: DecompressFailure) {
    const value = tryRead(stored);
    if (value !== UNREADABLE) return value;
    const serializerError = lastReadError;
    const unreadable = `no serializer (${serializerNames}) could read`;
    const reason =
      failure === undefined
        ? `${unreadable} it (${errorMessage(serializerError)})`
        : `${failure.compressor} decompression failed (${errorMessage(failure.error)}), and ${unreadable} the stored bytes (${errorMessage(serializerError)})`;
    throw decodeError(key, reason, failure === undefined ? serializerError : failure.error);
  }

  function readDecompressed(
    output: Uint8Array,
    stored: Buffer,
    key: string | undefined,
    compressor: Compressor,
  ): unknown {
    const value = tryRead(toBuffer(output));
    if (value !== UNREADABLE) return value;
    const outputError = lastReadError;
    const storedValue = tryRead(stored);
    if (storedValue !== UNREADABLE) return storedValue;
    const reason = `decompressed with ${compressor.name}, but no serializer (${serializerNames}) could read the result (${errorMessage(outputError)})`;
    throw decodeError(key, reason, outputError);
  }

  /** Tries candidate `index` onwards: the magic-matched compressor (if any), then the blind ones. */
  function attempt(
    stored: Buffer,
    key: string | undefined,
    matched: Compressor | undefined,
    index: number,
    failure: DecompressFailure | undefined,
  ): MaybePromise<unknown> {
    const offset = matched === undefined ? 0 : 1;
    for (let i = index; i < blind.length + offset; i++) {
      const compressor = (i < offset ? matched : blind[i - offset]) as Compressor;
      let output: MaybePromise<Uint8Array>;
      try {
        output = compressor.decompress(stored);
      } catch (error) {
        rethrowMissingDependency(error);
        failure ??= { compressor: compressor.name, error };
        continue;
      }
      if (output instanceof Uint8Array) return readDecompressed(output, stored, key, compressor);
      const earlier = failure;
      return Promise.resolve(output).then(
        (bytes) => readDecompressed(bytes, stored, key, compressor),
        (error: unknown) => {
          rethrowMissingDependency(error);
          const first = earlier ?? { compressor: compressor.name, error };
          return attempt(stored, key, matched, i + 1, first);
        },
      );
    }
    return readStored(stored, key, failure);
  }

  return function decode(data: Buffer | string, key?: string): MaybePromise<unknown> {
    const integer = parseIntegerText(data);
    if (integer !== undefined) {
      if (integer === TOO_MANY_DIGITS) throw decodeError(key, TOO_MANY_DIGITS_REASON, undefined);
      return integer;
    }
    // A string reply (a driver set to return strings) can only hold text formats such as JSON.
    const stored = typeof data === 'string' ? Buffer.from(data, 'utf8') : toBuffer(data);
    if (compressors.length === 0) return readStored(stored, key);
    let matched: Compressor | undefined;
    for (const compressor of sniffers) {
      if (compressor.matches?.(stored)) {
        matched = compressor;
        break;
      }
    }
    return attempt(stored, key, matched, 0, undefined);
  };
}

function rethrowMissingDependency(error: unknown): void {
  // "Install zstd-napi" is the actionable answer, not "cannot decode".
  if (isCachexError(error) && error.code === errorCodes.missingDependency) throw error;
}

function decodeError(key: string | undefined, reason: string, cause: unknown): DecodeError {
  const subject = key === undefined ? 'value' : `value of key ${JSON.stringify(key)}`;
  return new DecodeError(`Cannot decode ${subject}: ${reason}`, {
    cause,
    context: key === undefined ? {} : { key },
  });
}
