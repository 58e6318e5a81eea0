import type { DriverTransportOptions, ReadFrom, TlsOptions } from '@cachex/transport-standalone';

/**
 * The address of one sentinel: a `[host, port]` tuple, a `{ host, port }` object or a
 * `'host:port'` string (`'[::1]:26379'` for IPv6). The port defaults to 26379.
 */
export type SentinelAddress =
  | readonly [host: string, port?: number]
  | { readonly host: string; readonly port?: number }
  | string;

/** Options of {@link createSentinelTransport}. */
export interface SentinelTransportOptions extends DriverTransportOptions {
  /**
   * `redis://[user:password@]<masterName>[/db]`: the host part is the name the sentinels
   * monitor, not an address. Also `rediss://` (TLS to the data nodes), `valkey://`,
   * `valkeys://`, `?db=N`, and the sentinels themselves as
   * `?sentinels=host:port,host:port`. The credentials are those of the data nodes.
   */
  location: string;
  /**
   * The sentinels to ask for the primary and the replicas (at least one; the driver learns the
   * others from them). Required unless the location has `?sentinels=`, which wins.
   */
  sentinels?: readonly SentinelAddress[];
  /** ACL user name for the sentinel connections (not the data nodes'). */
  sentinelUsername?: string;
  /** Password for the sentinel connections (not the data nodes'). Never printed. */
  sentinelPassword?: string;
  /**
   * TLS for the sentinel connections: `true` or `{ ca, cert, key, … }`, verified unless
   * `rejectUnauthorized: false`. Off by default, whatever the data nodes use.
   */
  sentinelTls?: TlsOptions | boolean;
  /**
   * Where reads go: `'primary'` (default: every read sees the latest write),
   * `'replica'` (a replica the sentinels list, and nowhere else), or `'preferReplica'` (a
   * replica while one is reachable, else the primary).
   */
  readFrom?: ReadFrom;
}
