/**
 * `@cachex/config`: Redis/Valkey URL parsing and typed configuration.
 *
 * @packageDocumentation
 */

export type {
  Backend,
  CacheConfig,
  CacheConfigOptions,
  CachesConfig,
  CachexConfigFile,
  CompressorName,
  ConfigLogger,
  ConfigSource,
  ReadFromOption,
  ResolvedCacheConfig,
  SentinelAddressOption,
  SerializerName,
  TlsConfig,
} from './cache-config-types.js';
export { describeConfig } from './defaults/describe-config.js';
export {
  type FallbackMode,
  type ResolveOptions,
  resolveCacheConfig,
  resolveCachesConfig,
} from './defaults/resolve-cache-config.js';
export { formatEndpoint } from './endpoint.js';
export { type LoadConfigOptions, loadConfig } from './files/load-config.js';
export type { LocationProblem } from './location-error.js';
export { DEFAULT_PORT } from './parse-authority.js';
export { parseLocation } from './parse-location.js';
export { redactUrl } from './redact.js';
export {
  BACKENDS,
  COMPRESSOR_NAMES,
  isResolvedCacheConfig,
  type ParseCacheConfigOptions,
  type ParseCachesConfigOptions,
  parseCacheConfig,
  parseCachesConfig,
  SERIALIZER_NAMES,
} from './schema/index.js';
export { ACCEPTED_SCHEMES } from './schemes.js';
export type {
  Driver,
  Endpoint,
  EndpointOptions,
  ParsedLocation,
  ParseLocationOptions,
  Scheme,
  SslCertReqs,
} from './types.js';
