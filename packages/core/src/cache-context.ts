import {
  type CachexError,
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  isCachexError,
  withErrorContext,
} from './errors.js';
import { globEscape, type KeyFunction, type ReverseKeyFunction } from './key-function.js';
import type { Codec, EncodedValue, MaybePromise } from './types/codec.js';
import type { Transport } from './types/transport.js';
import { validateKey } from './validate-key.js';
import { checkValueSize, DEFAULT_MAX_VALUE_SIZE } from './value-size.js';

/**
 * Everything a step builder needs: how to make keys, encode/decode values, and the defaults in
 * effect. Shared by the Cache and its pipelines.
 */
export interface CacheContext {
  readonly transport: Transport;
  readonly codec: Codec;
  readonly prefix: string;
  readonly version: number;
  readonly defaultTimeout: number | null;
  /** Validates `key` and builds the stored key for `version` (default: the cache's). */
  makeKey(key: string, version?: number): string;
  /** The user key of a stored key. */
  reverseKey(storedKey: string): string;
  /**
   * A MATCH pattern for user pattern `pattern`: the prefix is glob-escaped, the pattern not.
   * Version `'*'` matches every version (the key function then receives `'*'` as version).
   */
  makePattern(pattern: string, version?: number | '*'): string;
  /** Encodes a value; errors carry the key. */
  encode(value: unknown, key: string): MaybePromise<EncodedValue>;
  /**
   * Encodes a value the server compares byte for byte (set and sorted-set members, list
   * elements and probes): equal values give equal bytes whatever their objects' key order.
   */
  encodeMember(value: unknown, key: string): MaybePromise<EncodedValue>;
  /** Decodes a stored value; errors carry the key. */
  decode(data: Buffer | string, key: string): MaybePromise<unknown>;
}

/** Options of {@link createCacheContext}. */
export interface CacheContextOptions {
  transport: Transport;
  codec: Codec;
  prefix: string;
  version: number;
  defaultTimeout: number | null;
  keyFunction: KeyFunction;
  reverseKeyFunction: ReverseKeyFunction;
  maxKeyLength: number;
  /** Encoded values of this many bytes or more are refused before sending. Default 100 MiB. */
  maxValueSize?: number;
}

// A codec's error does not know the key; the cache does. Errors are values, so the key goes
// on a copy (see withErrorContext).
function attachKey(error: CachexError, key: string): CachexError {
  return error.context.key === undefined ? withErrorContext(error, { key }) : error;
}

/**
 * Checks a key version given per call: only safe integers make keys a Django service builds
 * the same way (`prefix:2:key`); `null`, `NaN`, `1.5` or `'2'` would write `prefix:null:key`.
 */
export function checkVersion(version: unknown): number {
  if (typeof version === 'number' && Number.isSafeInteger(version)) return version;
  throw new InvalidArgumentError(
    `version must be a safe integer, got ${typeof version === 'string' ? JSON.stringify(version) : String(version)}`,
    { context: { option: 'version' } },
  );
}

function encodeWith(
  encode: (value: unknown) => MaybePromise<EncodedValue>,
  value: unknown,
  key: string,
  maxValueSize: number,
): MaybePromise<EncodedValue> {
  try {
    const encoded = encode(value);
    return encoded instanceof Promise
      ? encoded.then(
          (bytes) => checkValueSize(bytes, key, maxValueSize),
          (e: unknown) => wrapEncode(e, key),
        )
      : checkValueSize(encoded, key, maxValueSize);
  } catch (error) {
    return wrapEncode(error, key);
  }
}

function wrapEncode(error: unknown, key: string): never {
  if (isCachexError(error)) throw attachKey(error, key);
  throw new EncodeError(
    `Cannot encode the value of key ${JSON.stringify(key)}: ${(error as Error)?.message ?? String(error)}`,
    {
      cause: error,
      context: { key },
    },
  );
}

function wrapDecode(error: unknown, key: string): never {
  if (isCachexError(error)) throw attachKey(error, key);
  throw new DecodeError(
    `Cannot decode the value of key ${JSON.stringify(key)}: ${(error as Error)?.message ?? String(error)}`,
    {
      cause: error,
      context: { key },
    },
  );
}

/** Builds the context of a cache from its resolved options. */
export function createCacheContext(options: CacheContextOptions): CacheContext {
  const {
    transport,
    codec,
    prefix,
    version,
    defaultTimeout,
    keyFunction,
    reverseKeyFunction,
    maxKeyLength,
    maxValueSize = DEFAULT_MAX_VALUE_SIZE,
  } = options;
  const escapedPrefix = globEscape(prefix);
  const encode = codec.encode.bind(codec);
  const encodeMember = codec.encodeMember?.bind(codec) ?? encode;
  return {
    transport,
    codec,
    prefix,
    version,
    defaultTimeout,
    makeKey(key, v = version) {
      validateKey(key, maxKeyLength);
      return keyFunction(key, prefix, v === version ? v : checkVersion(v));
    },
    reverseKey(storedKey) {
      return reverseKeyFunction(storedKey, prefix);
    },
    makePattern(pattern, v = version) {
      if (typeof pattern !== 'string') {
        throw new InvalidArgumentError(`the key pattern must be a string, got ${typeof pattern}`);
      }
      const checked = v === '*' || v === version ? v : checkVersion(v);
      return keyFunction(pattern, escapedPrefix, checked as number);
    },
    encode(value, key) {
      return encodeWith(encode, value, key, maxValueSize);
    },
    encodeMember(value, key) {
      return encodeWith(encodeMember, value, key, maxValueSize);
    },
    decode(data, key) {
      try {
        const decoded = codec.decode(data, key);
        return decoded instanceof Promise
          ? decoded.catch((e: unknown) => wrapDecode(e, key))
          : decoded;
      } catch (error) {
        return wrapDecode(error, key);
      }
    },
  };
}
