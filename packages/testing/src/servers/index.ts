/**
 * The real-server harness alone, for plain Node scripts (`@cachex/testing/servers`). Nothing in
 * this module graph imports vitest; `getTestServers` (which uses vitest's `inject`) and the
 * conformance suite are only in the package root.
 */
export type { AdminEndpoint, AdminTlsOptions } from './admin-client.js';
export { infoField, isReplyError, runAdminCommand } from './admin-client.js';
export { clusterKeySlot, clusterSlotCount } from './cluster-slot.js';
export type {
  ClusterNodeEndpoint,
  ClusterNodeHandle,
  ClusterTopology,
  ClusterTopologyHandle,
  SlotRange,
  StartClusterTopologyOptions,
} from './cluster-topology.js';
export { clusterPrimaryForKey, startClusterTopology } from './cluster-topology.js';
export { findFreePort } from './free-port.js';
export type {
  AclUser,
  RedisServerHandle,
  RedisServerTlsOptions,
  ReplicaOfContext,
  ReplicaOfTarget,
  StartRedisServerOptions,
} from './redis-server.js';
export { PortInUseError, startRedisServer } from './redis-server.js';
export type {
  NewPrimary,
  SentinelTopology,
  SentinelTopologyHandle,
  StartSentinelTopologyOptions,
} from './sentinel-topology.js';
export { startSentinelTopology } from './sentinel-topology.js';
export {
  cliBinaryNotFoundMessage,
  resolveCliBinary,
  resolveServerBinary,
  serverBinaryEnvVar,
  serverBinaryNotFoundMessage,
} from './server-binary.js';
export type { TestServers } from './test-servers-types.js';
export { testServersKey } from './test-servers-types.js';
export type { TlsCertificates } from './tls-certificates.js';
export { makeTlsCertificates } from './tls-certificates.js';
export type {
  StartedTopologies,
  StartTopologiesOptions,
  TopologyHandles,
  TopologyName,
} from './topologies.js';
export { aclPassword, aclUsername, startTopologies } from './topologies.js';
export type { HostPort } from './topology-support.js';
