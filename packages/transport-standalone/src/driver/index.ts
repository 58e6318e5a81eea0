/**
 * `@cachex/transport-standalone/driver`: the ioredis/iovalkey plumbing every cachex transport on
 * those drivers shares (standalone, sentinel, cluster): loading the driver, client options
 * (credentials, TLS, timeouts, reconnection), error translation, closing clients without
 * leaving handles behind, the pool of blocking connections, and the node transport (one primary
 * plus replicas). For transport authors; applications use the transports.
 *
 * @packageDocumentation
 */
export { aborted, execResults, failed, settled } from './batch-results.js';
export type { BlockingPoolSettings } from './blocking-pool.js';
export { BlockingPool, blockingPoolSettings } from './blocking-pool.js';
export { blockingDeadline, withTimeoutLeft } from './blocking-timeout.js';
export { buildClientOptions, tlsFor } from './client-options.js';
export { closeClient } from './close-client.js';
export { holdWritesThisTick } from './coalesce-writes.js';
export type { ConnectionTarget, SocketFailure } from './connection-target.js';
export {
  clearSocketFailure,
  endpointOf,
  hostPort,
  lastSocketFailure,
  locateError,
  locateFailures,
  noteSocketFailure,
  targetOf,
  watchClient,
} from './connection-target.js';
export { InvalidationTracker } from './invalidation-tracker.js';
export type {
  DriverClient,
  DriverConstructor,
  DriverName,
  DriverPipeline,
} from './load-driver.js';
export { loadDriver } from './load-driver.js';
export type { NodeTransportSetup } from './node-transport.js';
export { blockingName, NodeTransport, reportTo } from './node-transport.js';
export type { DriverTransportOptions, ReadFrom, TlsOptions } from './options.js';
export {
  DEFAULT_BLOCKING_IDLE_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_BLOCKING_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_SOCKET_TIMEOUT_MS,
  readFromOption,
} from './options.js';
export { runPipeline } from './run-pipeline.js';
export { callWithScript, isNoScript, scriptsOf } from './scripts.js';
export { SharedTracking } from './shared-tracking.js';
export type { ReplyPair } from './small-batch.js';
export { isSmallPlainBatch, SMALL_BATCH, sendSmallBatch } from './small-batch.js';
export { translateDriverError } from './translate.js';
