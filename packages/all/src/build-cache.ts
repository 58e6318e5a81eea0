import { createCodec } from '@cachex/codecs';
import type { ResolvedCacheConfig } from '@cachex/config';
import { type CacheOptions, createCache as createCoreCache, type Transport } from '@cachex/core';
import { type CachexCache, withExtensions } from './extensions.js';

/** The core Cache's options from a resolved configuration, on `transport`. */
function cacheOptions(config: ResolvedCacheConfig, transport: Transport): CacheOptions {
  const options: CacheOptions = {
    transport,
    codec: createCodec({
      serializer: config.serializer,
      compressor: config.compressor,
      minLength: config.minLength,
    }),
    keyPrefix: config.keyPrefix,
    version: config.version,
    timeout: config.timeout,
    retryOnTimeout: config.retryOnTimeout,
    ignoreExceptions: config.ignoreExceptions,
    logIgnoredExceptions: config.logIgnoredExceptions,
  };
  if (config.keyFunction !== undefined) options.keyFunction = config.keyFunction;
  if (config.reverseKeyFunction !== undefined) {
    options.reverseKeyFunction = config.reverseKeyFunction;
  }
  if (config.maxKeyLength !== undefined) options.maxKeyLength = config.maxKeyLength;
  if (config.maxValueSize !== undefined) options.maxValueSize = config.maxValueSize;
  if (config.logger !== undefined) options.logger = config.logger;
  if (config.circuitBreaker !== undefined) options.circuitBreaker = config.circuitBreaker;
  if (config.nearCache !== undefined) options.nearCache = config.nearCache;
  return options;
}

/**
 * The cache a resolved configuration describes, on `transport` (built for it, or shared with
 * caches of the same connection settings), with the extension methods.
 */
export function buildCache(config: ResolvedCacheConfig, transport: Transport): CachexCache {
  return withExtensions(createCoreCache(cacheOptions(config, transport)));
}
