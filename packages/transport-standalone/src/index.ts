export { buildClientOptions } from './client-options.js';
export type { DriverClient, DriverConstructor, DriverName, DriverPipeline } from './driver.js';
export { loadDriver } from './driver.js';
export type { ReadFrom, StandaloneTransportOptions, TlsOptions } from './options.js';
export {
  DEFAULT_BLOCKING_IDLE_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_BLOCKING_CONNECTIONS,
  DEFAULT_SOCKET_TIMEOUT_MS,
} from './options.js';
export { createStandaloneTransport, StandaloneTransport } from './standalone-transport.js';
