import type { DriverTransportOptions, ReadFrom } from '@cachex/transport-standalone/driver';

/** Where a node the cluster announces (`host:port`) is really reached from this process. */
export interface NatAddress {
  host: string;
  port: number;
}

/**
 * Address translation for nodes behind NAT or in containers: the addresses the cluster
 * announces (`'10.0.0.5:6379'`) mapped to the ones this process reaches, as an object or a
 * function (`null` keeps the address). Passed to the driver as its `natMap`.
 */
export type NatMap =
  | Readonly<Record<string, NatAddress>>
  | ((address: string) => NatAddress | null | undefined);

/** Options of {@link createClusterTransport}. */
export interface ClusterTransportOptions extends Omit<DriverTransportOptions, 'db' | 'readFrom'> {
  /**
   * Startup nodes: one URL, a list of URLs, or a `,`/`;`-separated string (`redis://`,
   * `rediss://`, `valkey://`, `valkeys://`, with `user:password@`). One reachable node is
   * enough: the client learns the others from it. Every node uses the credentials, TLS and
   * URL parameters of the first URL.
   */
  location: string | readonly string[];
  /**
   * Where reads go: `'primary'` (default; a read always sees the write before it),
   * `'replica'` (a replica of the key's shard, at random), or `'preferReplica'` (a reachable
   * replica of the shard, else its primary). Replica reads may lag behind writes.
   */
  readFrom?: ReadFrom;
  /** Address translation for announced node addresses (NAT, Docker). */
  natMap?: NatMap;
  /**
   * Extra options for the driver's `Cluster` client as they are (advanced: `maxRedirections`,
   * `slotsRefreshInterval`, `retryDelayOnFailover`…). `clientOptions` go to every node's
   * connection instead.
   */
  clusterOptions?: Record<string, unknown>;
}
