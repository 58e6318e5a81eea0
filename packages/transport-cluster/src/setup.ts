import { type Endpoint, parseLocation } from '@cachex/config';
import { ConfigError } from '@cachex/core';
import {
  type BlockingPoolSettings,
  blockingPoolSettings,
  buildClientOptions,
  DEFAULT_SOCKET_TIMEOUT_MS,
  type DriverName,
  type ReadFrom,
} from '@cachex/transport-standalone/driver';
import type { NodeClient, StartupNode } from './cluster-client.js';
import { preferReplica } from './node-router.js';
import type { ClusterTransportOptions } from './options.js';

/** Everything a cluster transport is made of, checked and resolved from its options. */
export interface ClusterSetup {
  driver: DriverName;
  startupNodes: StartupNode[];
  /** Options of every node connection (the driver's `redisOptions`). */
  redisOptions: Record<string, unknown>;
  /** Options of the driver's `Cluster` client, `redisOptions` included. */
  clusterOptions: Record<string, unknown>;
  readFrom: ReadFrom;
  /** How long a call may wait for the cluster's slot map (the command timeout). */
  readyTimeoutMs: number;
  /**
   * The pool of blocking clients: `maxConnections - 1` (the first URL's `?max_connections=`
   * wins), or `maxBlockingConnections`. Each client holds at most one connection per node, so
   * no node gets more blocking connections than the pool has clients.
   */
  blocking: BlockingPoolSettings;
}

const READ_FROM: readonly ReadFrom[] = ['primary', 'replica', 'preferReplica'];

function scaleReads(readFrom: ReadFrom): unknown {
  if (readFrom === 'primary') return 'master';
  if (readFrom === 'replica') return 'slave';
  return (nodes: (NodeClient | undefined)[]) => preferReplica(nodes, 'preferReplica');
}

function plainObject(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${field} must be an object`, { context: { field } });
  }
  return value as Record<string, unknown>;
}

function checkEndpoints(endpoints: readonly Endpoint[], db: unknown): void {
  if (db !== undefined && db !== 0) {
    throw new ConfigError('db: a Redis Cluster has only database 0', { context: { field: 'db' } });
  }
  const [first] = endpoints;
  endpoints.forEach((endpoint, index) => {
    const entry = `entry ${index + 1} of the location`;
    if (endpoint.path !== undefined || endpoint.host === undefined) {
      throw new ConfigError(
        `location: cluster nodes are reached over TCP, not a unix socket (${entry})`,
        { context: { field: 'location', entry: index } },
      );
    }
    if (endpoint.db !== undefined && endpoint.db !== 0) {
      throw new ConfigError(
        `db: a Redis Cluster has only database 0, the URL asks for ${endpoint.db} (${entry})`,
        { context: { field: 'db', entry: index } },
      );
    }
    if (first === undefined || index === 0) return;
    if (endpoint.username !== first.username || endpoint.password !== first.password) {
      throw new ConfigError(
        `location: every startup node must use the same user and password, as the client logs in to every node with one of them (${entry} differs from the first)`,
        { context: { field: 'location', entry: index } },
      );
    }
    if (endpoint.tls !== first.tls) {
      throw new ConfigError(
        `location: mix of TLS and plain URLs; use rediss:// (or valkeys://) for every startup node or for none (${entry})`,
        { context: { field: 'location', entry: index } },
      );
    }
  });
}

/**
 * Checks the options and turns them into the driver's `Cluster` options: startup nodes, the
 * node connection options (credentials, TLS, timeouts) shared by every node, read routing.
 * Throws a `ConfigError` naming the field; never prints a password.
 */
export function clusterSetup(options: ClusterTransportOptions): ClusterSetup {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('options must be an object with a location', {
      context: { field: 'options' },
    });
  }
  const parsed = parseLocation(
    options.location,
    options.driver !== undefined ? { driver: options.driver } : undefined,
  );
  const endpoints = [parsed.primary, ...parsed.replicas];
  checkEndpoints(endpoints, (options as { db?: unknown }).db);

  const readFrom = options.readFrom ?? 'primary';
  if (!READ_FROM.includes(readFrom)) {
    throw new ConfigError(
      `readFrom must be one of ${READ_FROM.map((r) => `'${r}'`).join(', ')}, got ${JSON.stringify(String(readFrom))}`,
      { context: { field: 'readFrom' } },
    );
  }
  const natMap = options.natMap;
  if (natMap !== undefined && typeof natMap !== 'function') plainObject(natMap, 'natMap');
  plainObject(options.clientOptions, 'clientOptions');
  const extra = plainObject(options.clusterOptions, 'clusterOptions') ?? {};
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new ConfigError('onError must be a function', { context: { field: 'onError' } });
  }

  const first = parsed.primary;
  const blocking = blockingPoolSettings(options, first.options);
  const redisOptions = buildClientOptions(first, parsed.driver, {
    ...options,
    db: undefined,
    clientOptions: {
      // A connection the driver drops is destroyed at once, rather than after 2 s: the driver
      // drops the connection of each slot map refresh, even one that failed to connect, and
      // that timer alone would keep a process alive for 2 s after close().
      disconnectTimeout: 0,
      ...options.clientOptions,
    },
  });
  // The cluster client sets these per node (address, role, reconnection); one database only.
  for (const key of [
    'host',
    'port',
    'path',
    'db',
    'lazyConnect',
    'retryStrategy',
    'enableOfflineQueue',
    'readOnly',
  ]) {
    delete redisOptions[key];
  }
  const commandTimeout = redisOptions.commandTimeout;
  const readyTimeoutMs =
    typeof commandTimeout === 'number' && commandTimeout > 0
      ? commandTimeout
      : DEFAULT_SOCKET_TIMEOUT_MS;

  const clusterOptions: Record<string, unknown> = {
    // Connect on the first command, so that creating a cache never does I/O.
    lazyConnect: true,
    enableReadyCheck: true,
    scaleReads: scaleReads(readFrom),
    // When every node is lost: retry quickly at first, then every 500 ms at most.
    clusterRetryStrategy: (times: number) => Math.min(times * 50, 500),
    redisOptions,
  };
  if (natMap !== undefined) clusterOptions.natMap = natMap;
  // With TLS, keep host names as they are (no DNS lookup to an IP), so that the server
  // certificate is checked against the name it was issued for.
  if (redisOptions.tls !== undefined) {
    clusterOptions.dnsLookup = (
      address: string,
      callback: (error: Error | null, address: string) => void,
    ) => callback(null, address);
  }
  Object.assign(clusterOptions, extra);

  return {
    driver: parsed.driver,
    startupNodes: endpoints.map((e) => ({ host: e.host ?? '127.0.0.1', port: e.port ?? 6379 })),
    redisOptions,
    clusterOptions,
    readFrom,
    readyTimeoutMs,
    blocking,
  };
}
