export type { DriverName } from './driver/load-driver.js';
export type { DriverTransportOptions, ReadFrom, TlsOptions } from './driver/options.js';
export {
  DEFAULT_BLOCKING_IDLE_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_BLOCKING_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_SOCKET_TIMEOUT_MS,
} from './driver/options.js';
export type { StandaloneTransportOptions } from './options.js';
export { createStandaloneTransport, StandaloneTransport } from './standalone-transport.js';
