import { ConfigError } from '@cachex/core';
import type { DriverName } from './load-driver.js';

/** Where reads go when read replicas are configured. */
export type ReadFrom = 'primary' | 'replica' | 'preferReplica';

/** TLS settings. Verification is on unless `rejectUnauthorized: false`. */
export interface TlsOptions {
  /** CA certificate(s), PEM. Default: Node's trusted roots. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Client certificate, PEM (mutual TLS). */
  cert?: string | Buffer;
  /** Client private key, PEM (mutual TLS). */
  key?: string | Buffer;
  /** Verify the server certificate. Default true; turn off only for local testing. */
  rejectUnauthorized?: boolean;
  /** Server name for SNI and hostname checks. */
  servername?: string;
  /** Check that the certificate matches the host name. Default true. */
  checkServerIdentity?: boolean;
}

/**
 * The options every transport built on ioredis/iovalkey shares (standalone, sentinel): driver,
 * credentials, TLS, timeouts, read routing, the blocking pool, error reporting.
 */
export interface DriverTransportOptions {
  /** Which client library to use. Default: from the scheme (`valkey*` → iovalkey, else ioredis). */
  driver?: DriverName;
  /**
   * Where reads go when there are replicas: `'primary'`, `'replica'` (round robin over the
   * replicas), or `'preferReplica'` (a replica, else the primary when no replica is reachable).
   * Default `'preferReplica'`.
   */
  readFrom?: ReadFrom;
  /** ACL user name (overridden by one in the URL). */
  username?: string;
  /** Password (overridden by one in the URL). Never printed. */
  password?: string;
  /** Logical database (overridden by one in the URL). Default 0. */
  db?: number;
  /** TLS for `rediss://`/`valkeys://` (or force it on with `true`). */
  tls?: TlsOptions | boolean;
  /** How long to wait for a connection, in milliseconds. Default 5000. */
  connectTimeoutMs?: number;
  /**
   * How long one command may take, in milliseconds, including time spent waiting for a
   * connection. Default 5000. With the server down, no call hangs past it.
   */
  socketTimeoutMs?: number;
  /**
   * The most connections this transport opens to one server (node), an integer ≥ 1 (Django's
   * `max_connections`). Ordinary commands are multiplexed on one shared connection per node
   * (the primary's, plus one per read replica, counted on the replica's own node); every other
   * connection is for blocking commands (`blpop`, `brpop`, `blmove`), each of which holds a
   * connection of its own while it waits. So at most `maxConnections - 1` blocking commands wait
   * at once, unless `maxBlockingConnections` sets a lower bound; calls beyond it wait for a free
   * connection (see `maxBlockingConnections`). With `1`, blocking commands cannot run: they
   * reject with a `NotSupportedError`; use 2 or more to run them. On a cluster the blocking
   * connections are shared by all the nodes (each waiting call holds one connection, to the
   * node of its key): never more than `maxConnections - 1` on one node, nor on all together.
   *
   * Connections the driver opens to other servers than the data nodes (the sentinels, for
   * lookups and failover notices) are not counted. `?max_connections=` (or `?maxConnections=`)
   * in the URL wins. Default 50.
   */
  maxConnections?: number;
  /**
   * Most connections open at once for blocking commands (`blpop`, `brpop`, `blmove`). Each
   * waiting call holds one connection of its own, so that it never stalls other commands; calls
   * beyond the limit wait for a free connection, first come, first served, and the time they
   * wait counts against their own timeout. Default `maxConnections - 1` (49). When
   * `maxConnections` is given too, this must not exceed `maxConnections - 1`; given alone, it
   * raises the bound on connections per server to `maxBlockingConnections + 1`.
   */
  maxBlockingConnections?: number;
  /**
   * A blocking connection left idle this long, in milliseconds, is closed; the next blocking
   * call opens one again. Default 30000.
   */
  blockingIdleTimeoutMs?: number;
  /** Extra options passed to every ioredis/iovalkey client as they are (advanced). */
  clientOptions?: Record<string, unknown>;
  /**
   * Called with connection errors the driver reports in the background (reconnects, a refused
   * password…). Credentials are redacted from them, as from every error cachex returns.
   */
  onError?: (error: Error) => void;
}

/** Default connect timeout, milliseconds. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/** Default command timeout, milliseconds. */
export const DEFAULT_SOCKET_TIMEOUT_MS = 5000;
/** Default of `maxConnections`: connections to one server, ordinary and blocking. */
export const DEFAULT_MAX_CONNECTIONS = 50;
/**
 * Default of `maxBlockingConnections`: every connection of the default `maxConnections` but the
 * one shared by ordinary commands.
 */
export const DEFAULT_MAX_BLOCKING_CONNECTIONS = DEFAULT_MAX_CONNECTIONS - 1;
/** Default of `blockingIdleTimeoutMs`. */
export const DEFAULT_BLOCKING_IDLE_TIMEOUT_MS = 30_000;

const READ_FROM: readonly ReadFrom[] = ['primary', 'replica', 'preferReplica'];

/**
 * The `readFrom` option, checked: `fallback` when absent, a `ConfigError` naming the field for
 * anything but one of the three routings (a typo must not silently route reads elsewhere).
 */
export function readFromOption(value: unknown, fallback: ReadFrom): ReadFrom {
  if (value === undefined) return fallback;
  if (READ_FROM.includes(value as ReadFrom)) return value as ReadFrom;
  throw new ConfigError(
    `readFrom must be one of ${READ_FROM.map((r) => `'${r}'`).join(', ')}, got ${JSON.stringify(String(value))}`,
    { context: { field: 'readFrom' } },
  );
}
