export type {
  ClusterClient,
  ClusterConstructor,
  NodeClient,
  StartupNode,
} from './cluster-client.js';
export { ClusterTransport, createClusterTransport } from './cluster-transport.js';
export { hashSlot, SLOT_COUNT } from './hash-slot.js';
export type { ClusterTransportOptions, NatAddress, NatMap } from './options.js';
