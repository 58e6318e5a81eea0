import type { ClusterTopology } from './cluster-topology.js';
import type { SentinelTopology } from './sentinel-topology.js';

/**
 * Endpoints of the servers started once per test run. Plain JSON (no handles, no functions) so
 * that vitest can hand it from the globalSetup process to every test worker.
 */
export interface TestServers {
  standalone: { host: string; port: number; url: string; socketPath: string };
  replicaSet: {
    primary: { host: string; port: number; url: string };
    replica: { host: string; port: number; url: string };
  };
  tls: {
    host: string;
    port: number;
    /** `rediss://127.0.0.1:<port>` */
    url: string;
    /** CA certificate (PEM) that signed the server certificate. */
    ca: string;
    /** Client certificate and key (PEM) signed by the same CA, for mutual TLS. */
    cert: string;
    key: string;
    caFile: string;
    certFile: string;
    keyFile: string;
  };
  acl: {
    host: string;
    port: number;
    username: string;
    password: string;
    /** `redis://cachex:<percent-encoded password>@127.0.0.1:<port>` */
    url: string;
  };
  /**
   * A primary, a replica and three sentinels monitoring them as `masterName`. Shared by every
   * test: never fault it (start your own with `startSentinelTopology()`).
   */
  sentinel: SentinelTopology;
  /**
   * A 6-node cluster, 3 primaries with one replica each. Shared by every test: never fault it
   * (start your own with `startClusterTopology()`).
   */
  cluster: ClusterTopology;
}

/** The `provide`/`inject` key under which the global setup hands `TestServers` to tests. */
export const testServersKey = 'cachexServers';
