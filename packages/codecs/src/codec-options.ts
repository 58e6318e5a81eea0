import type { Compressor, Serializer } from '@cachex/core';
import { ConfigError } from '@cachex/core';
import {
  type CompressorName,
  createCompressor,
  createSerializer,
  type SerializerName,
} from './registry.js';

/** A serializer given by built-in name or as an instance. */
export type SerializerSpec = SerializerName | Serializer;

/** A compressor given by built-in name (default options) or as an instance. */
export type CompressorSpec = CompressorName | Compressor;

/** Options of {@link createCodec}. */
export interface CodecOptions {
  /**
   * The serializer, or a non-empty list: the first writes, all are tried in order on read (for
   * migrating from one to another). Default `'json'`.
   */
  serializer?: SerializerSpec | readonly SerializerSpec[];
  /**
   * The compressor, or a list: the first writes, all can read. Default: none (`null` or `[]` too).
   */
  compressor?: CompressorSpec | readonly CompressorSpec[] | null;
  /**
   * Serialized values longer than this many bytes are compressed; values of exactly this length
   * or shorter are stored as serialized. Default 256, as django-cachex.
   */
  minLength?: number;
}

/** The codec's settings after validation. */
export interface ResolvedCodecOptions {
  serializers: readonly Serializer[];
  compressors: readonly Compressor[];
  minLength: number;
}

const DEFAULT_MIN_LENGTH = 256;

/** Validates options and turns names into instances; every mistake is a `ConfigError`. */
export function resolveCodecOptions(options: CodecOptions): ResolvedCodecOptions {
  const serializerSpecs = toList(options.serializer ?? 'json');
  if (serializerSpecs.length === 0) {
    throw new ConfigError('The serializer option needs at least one serializer', {
      context: { field: 'serializer' },
    });
  }
  return {
    serializers: serializerSpecs.map(toSerializer),
    compressors: toList(options.compressor ?? []).map(toCompressor),
    minLength: resolveMinLength(options.minLength),
  };
}

function toList<T>(spec: T | readonly T[]): readonly T[] {
  return Array.isArray(spec) ? spec : [spec as T];
}

function toSerializer(spec: SerializerSpec): Serializer {
  if (typeof spec === 'string') return createSerializer(spec);
  if (isObjectWith(spec, ['serialize', 'deserialize'])) return spec;
  throw new ConfigError(
    'Invalid serializer: expected a name or an object with serialize() and deserialize()',
    { context: { field: 'serializer' } },
  );
}

function toCompressor(spec: CompressorSpec): Compressor {
  if (typeof spec === 'string') return createCompressor(spec);
  if (isObjectWith(spec, ['compress', 'decompress'])) return spec;
  throw new ConfigError(
    'Invalid compressor: expected a name or an object with compress() and decompress()',
    { context: { field: 'compressor' } },
  );
}

function isObjectWith(value: unknown, methods: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return methods.every((method) => typeof record[method] === 'function');
}

function resolveMinLength(minLength: number | undefined): number {
  if (minLength === undefined) return DEFAULT_MIN_LENGTH;
  if (!Number.isSafeInteger(minLength) || minLength < 0) {
    throw new ConfigError(
      `Invalid minLength: expected a non-negative integer, got ${String(minLength)}`,
      { context: { field: 'minLength' } },
    );
  }
  return minLength;
}
