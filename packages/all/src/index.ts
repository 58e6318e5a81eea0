/**
 * `@cachex/all`: every cachex package in one, and `createCache(config | url)`, which builds the
 * codec, the transport and the cache for any backend from one configuration.
 *
 * Everything the other packages export is re-exported here, with these resolutions where two
 * packages use one name (see the README):
 *
 * - `createCache` is this package's (configuration in, ready cache out); `@cachex/core`'s, which
 *   takes a transport and a codec, is `createCoreCache`.
 * - `CompressorName` and `SerializerName` are `@cachex/codecs`' (`@cachex/config` declares the
 *   same unions for its configuration types).
 *
 * @packageDocumentation
 */

export type { CompressorName, SerializerName } from '@cachex/codecs';
export * from '@cachex/codecs';
export * from '@cachex/config';
export * from '@cachex/core';
export { createCache as createCoreCache } from '@cachex/core';
export * from '@cachex/lock';
export * from '@cachex/scripts';
export * from '@cachex/transport-cluster';
export * from '@cachex/transport-memory';
export * from '@cachex/transport-sentinel';
export * from '@cachex/transport-standalone';
export { createCache } from './create-cache.js';
export type { Caches, CachesMethods } from './create-caches.js';
export { createCaches } from './create-caches.js';
export type { CacheExtensions, CachexCache } from './extensions.js';
