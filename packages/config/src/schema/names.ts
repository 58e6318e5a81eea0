import type {
  Backend,
  CompressorName,
  ReadFromOption,
  SerializerName,
} from '../cache-config-types.js';
import type { Driver } from '../types.js';

/** Every backend name, in the order error messages list them. */
export const BACKENDS: readonly Backend[] = Object.freeze([
  'valkey',
  'redis',
  'valkey-sentinel',
  'redis-sentinel',
  'valkey-cluster',
  'redis-cluster',
  'memory',
  'dummy',
] as const);

/** The names of the built-in serializers of `@cachex/codecs`. */
export const SERIALIZER_NAMES: readonly SerializerName[] = Object.freeze([
  'json',
  'msgpack',
  'v8',
] as const);

/** The names of the built-in compressors of `@cachex/codecs`. */
export const COMPRESSOR_NAMES: readonly CompressorName[] = Object.freeze([
  'zlib',
  'gzip',
  'brotli',
  'lz4',
  'zstd',
  'lzma',
] as const);

/** The values of `readFrom`. */
export const READ_FROM_VALUES: readonly ReadFromOption[] = Object.freeze([
  'primary',
  'replica',
  'preferReplica',
] as const);

/** The values of `driver`. */
export const DRIVER_NAMES: readonly Driver[] = Object.freeze(['ioredis', 'iovalkey'] as const);

/** Backends that talk to a server (everything but `memory` and `dummy`). */
export function isServerBackend(backend: Backend): boolean {
  return backend !== 'memory' && backend !== 'dummy';
}

/** `valkey-sentinel` and `redis-sentinel`. */
export function isSentinelBackend(backend: Backend): boolean {
  return backend.endsWith('-sentinel');
}

/** `valkey-cluster` and `redis-cluster`. */
export function isClusterBackend(backend: Backend): boolean {
  return backend.endsWith('-cluster');
}

/** The driver a backend uses when the `driver` option does not choose one. */
export function defaultDriverOf(backend: Backend): Driver {
  return backend.startsWith('valkey') ? 'iovalkey' : 'ioredis';
}
