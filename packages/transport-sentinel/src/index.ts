/**
 * `@cachex/transport-sentinel`: the cachex transport for Redis/Valkey behind Sentinel, on
 * ioredis or iovalkey. It follows the primary through failovers and can read from replicas.
 *
 * @packageDocumentation
 */
export type {
  DriverName,
  ReadFrom,
  TlsOptions,
} from '@cachex/transport-standalone';
export type { SentinelAddress, SentinelTransportOptions } from './options.js';
export type { SentinelHost } from './parse-options.js';
export { DEFAULT_SENTINEL_PORT } from './parse-options.js';
export { createSentinelTransport, SentinelTransport } from './sentinel-transport.js';
