/**
 * `@cachex/express`: Express middlewares on a cachex cache: response caching
 * ({@link cacheResponse}, {@link invalidateCacheGroup}) and rate limiting ({@link rateLimit}).
 * The session store for express-session is in `@cachex/express/session`.
 *
 * @packageDocumentation
 */
export type { RateLimitOptions } from './rate-limit.js';
export { clientAddressKey, rateLimit } from './rate-limit.js';
export { cacheResponse, invalidateCacheGroup } from './response-cache.js';
export type { ResponseCacheOptions } from './response-cache-options.js';
