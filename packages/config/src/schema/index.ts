/**
 * The typed cache configuration: validation, defaults and the resolved, redacting result.
 */

export { BACKENDS, COMPRESSOR_NAMES, SERIALIZER_NAMES } from './names.js';
export { type ParseCacheConfigOptions, parseCacheConfig } from './parse-cache-config.js';
export { type ParseCachesConfigOptions, parseCachesConfig } from './parse-caches-config.js';
export { isResolvedCacheConfig } from './resolved.js';
