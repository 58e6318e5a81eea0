export type {
  ConformanceCacheOptions,
  ConformanceCapabilities,
  ConformanceOptions,
  Harness,
} from './conformance/index.js';
export {
  describeCacheConformance,
  randomPrefix,
  until,
  withKeySpecCheck,
  withReplicaSync,
} from './conformance/index.js';
export type { AdminEndpoint, AdminTlsOptions } from './servers/admin-client.js';
export { infoField, isReplyError, runAdminCommand } from './servers/admin-client.js';
export { findFreePort } from './servers/free-port.js';
export { getTestServers } from './servers/get-test-servers.js';
export type {
  AclUser,
  RedisServerHandle,
  RedisServerTlsOptions,
  StartRedisServerOptions,
} from './servers/redis-server.js';
export { startRedisServer } from './servers/redis-server.js';
export {
  resolveServerBinary,
  serverBinaryEnvVar,
  serverBinaryNotFoundMessage,
} from './servers/server-binary.js';
export type { TestServers } from './servers/test-servers-types.js';
export { testServersKey } from './servers/test-servers-types.js';
export type { TlsCertificates } from './servers/tls-certificates.js';
export { makeTlsCertificates } from './servers/tls-certificates.js';
export type {
  StartedTopologies,
  StartTopologiesOptions,
  TopologyHandles,
  TopologyName,
} from './servers/topologies.js';
export { aclPassword, aclUsername, startTopologies } from './servers/topologies.js';
