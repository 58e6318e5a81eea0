/** A value or a promise of it: codecs stay synchronous when they can, to keep hot paths cheap. */
export type MaybePromise<T> = T | Promise<T>;

/** What the cache stores for a value: its bytes, or decimal text for exact integers. */
export type EncodedValue = Buffer | string;

/** Turns values into bytes and back. Implementations live in `@cachex/codecs`. */
export interface Serializer {
  /** Short name used in options and errors (`json`, `msgpack`, `v8`…). */
  readonly name: string;
  serialize(value: unknown): Uint8Array;
  deserialize(data: Uint8Array): unknown;
  /**
   * Optional text form of `serialize` for text formats (JSON): the same bytes as UTF-8. The
   * codec stores short uncompressed values as this string, which the drivers write faster than
   * a Buffer.
   */
  serializeText?(value: unknown): string;
}

/** Compresses bytes. Implementations live in `@cachex/codecs`. */
export interface Compressor {
  /** Short name used in options and errors (`zlib`, `zstd`…). */
  readonly name: string;
  compress(data: Uint8Array): MaybePromise<Uint8Array>;
  decompress(data: Uint8Array): MaybePromise<Uint8Array>;
  /** True when the bytes carry this format's magic header (used to pick a decompressor). */
  matches?(data: Uint8Array): boolean;
}

/**
 * The whole value encoding used by a cache: `encode` for writes, `decode` for reads. Create one
 * with `createCodec()` from `@cachex/codecs`.
 */
export interface Codec {
  /** Encodes a value for storage. Throws an `EncodeError` for values it cannot represent. */
  encode(value: unknown): MaybePromise<EncodedValue>;
  /**
   * Deterministic encoding, for values the server compares byte for byte: set and sorted-set
   * members, list elements and their probes (`lpos`, `lrem`). Equal values give equal bytes
   * whatever the key order of their objects (keys are sorted at every level). Optional for
   * custom codecs: without it, `encode` is used.
   */
  encodeMember?(value: unknown): MaybePromise<EncodedValue>;
  /**
   * Decodes stored bytes. Throws a `DecodeError` naming `key` when no configured codec can read
   * them.
   */
  decode(data: Buffer | string, key?: string): MaybePromise<unknown>;
}
