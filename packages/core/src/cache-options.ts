import type { KeyFunction, ReverseKeyFunction } from './key-function.js';
import type { Codec } from './types/codec.js';
import type { Transport } from './types/transport.js';

/** Options of {@link createCache}. */
export interface CacheOptions {
  /** Where commands go: a transport from `@cachex/transport-*`. */
  transport: Transport;
  /** How values are stored: `createCodec()` from `@cachex/codecs`. */
  codec: Codec;
  /** Prefix of every key (`${keyPrefix}:${version}:${key}`). Default `''`, like Django. */
  keyPrefix?: string;
  /** Version part of every key. Default 1. */
  version?: number;
  /** Default timeout in seconds for writes; `null` = never expire. Default 300, like Django. */
  timeout?: number | null;
  /** Builds stored keys; default `${prefix}:${version}:${key}`. */
  keyFunction?: KeyFunction;
  /** Inverse of `keyFunction`, used by `keys`/`iterKeys`. Needed when `keyFunction` is custom. */
  reverseKeyFunction?: ReverseKeyFunction;
  /** Longest user key accepted, in UTF-8 bytes. Default 1024. */
  maxKeyLength?: number;
}
