export type { BuiltPackageChild, ChildResult } from './child-process-check.js';
export { builtPackageChild, lingeringHandles } from './child-process-check.js';
export type { Closers, OpenedCache } from './close-after-each.js';
export { closeAfterEach } from './close-after-each.js';
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
export { describeStampedeAcrossProcesses } from './describe-stampede.js';
export type { LoadCall, LoadLoop, LoadReport } from './load-loop.js';
export { countUnhandledRejections, startLoad } from './load-loop.js';
export type { MonitorRecorder, Seen } from './monitor-recorder.js';
export { commandShapes, commandsOf, commandsWith, monitorNodes } from './monitor-recorder.js';
export type { AdminEndpoint, AdminTlsOptions } from './servers/admin-client.js';
export { infoField, isReplyError, runAdminCommand } from './servers/admin-client.js';
export { clusterKeySlot, clusterSlotCount } from './servers/cluster-slot.js';
export type {
  ClusterNodeEndpoint,
  ClusterNodeHandle,
  ClusterTopology,
  ClusterTopologyHandle,
  SlotRange,
  StartClusterTopologyOptions,
} from './servers/cluster-topology.js';
export { clusterPrimaryForKey, startClusterTopology } from './servers/cluster-topology.js';
export { findFreePort } from './servers/free-port.js';
export { getTestServers } from './servers/get-test-servers.js';
export type {
  AclUser,
  RedisServerHandle,
  RedisServerTlsOptions,
  ReplicaOfContext,
  ReplicaOfTarget,
  StartRedisServerOptions,
} from './servers/redis-server.js';
export { PortInUseError, startRedisServer } from './servers/redis-server.js';
export type {
  NewPrimary,
  SentinelTopology,
  SentinelTopologyHandle,
  StartSentinelTopologyOptions,
} from './servers/sentinel-topology.js';
export { startSentinelTopology } from './servers/sentinel-topology.js';
export {
  cliBinaryNotFoundMessage,
  resolveCliBinary,
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
export type { HostPort } from './servers/topology-support.js';
export type {
  StampedeOptions,
  StampedeProcessReport,
  StampedeTarget,
  SteadyReaderReport,
  SteadyReadersOptions,
} from './stampede-processes.js';
export { percentile, runStampede, runSteadyReaders } from './stampede-processes.js';
