import type { ResolvedCacheConfig } from '@cachex/config';
import type { Transport } from '@cachex/core';
import { createClusterTransport } from '@cachex/transport-cluster';
import { createDummyTransport, createMemoryTransport } from '@cachex/transport-memory';
import { createSentinelTransport } from '@cachex/transport-sentinel';
import {
  createStandaloneTransport,
  type DriverTransportOptions,
} from '@cachex/transport-standalone';
import { toTlsOptions } from './tls-options.js';

/** The object without its undefined entries: transports tell "absent" from "given". */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/** The options every driver-based transport shares, from a resolved configuration. */
function driverOptions(config: ResolvedCacheConfig): DriverTransportOptions {
  return defined<DriverTransportOptions>({
    driver: config.driver,
    username: config.username,
    password: config.password,
    tls: toTlsOptions(config.tls, 'tls'),
    // The configuration speaks seconds, like Django; the transports milliseconds.
    connectTimeoutMs: config.socketConnectTimeout * 1000,
    socketTimeoutMs: config.socketTimeout * 1000,
    maxConnections: config.maxConnections,
    readFrom: config.readFrom,
    clientOptions: config.clientOptions === undefined ? undefined : { ...config.clientOptions },
  });
}

/**
 * The transport a resolved configuration describes: memory, dummy, standalone (with its read
 * replicas), Sentinel or Cluster. Synchronous, like every transport factory: connections open
 * lazily, on the first command.
 *
 * @throws ConfigError when a TLS file cannot be read, or a transport refuses an option.
 */
export function buildTransport(config: ResolvedCacheConfig): Transport {
  switch (config.backend) {
    case 'memory':
      return createMemoryTransport(
        defined({ maxEntries: config.maxEntries, maxBytes: config.maxBytes }),
      );
    case 'dummy':
      return createDummyTransport();
    case 'valkey':
    case 'redis':
      return createStandaloneTransport({
        ...driverOptions(config),
        ...defined({ db: config.db }),
        location: config.location,
      });
    case 'valkey-sentinel':
    case 'redis-sentinel':
      return createSentinelTransport({
        ...driverOptions(config),
        ...defined({
          db: config.db,
          sentinels: config.sentinels,
          sentinelUsername: config.sentinelUsername,
          sentinelPassword: config.sentinelPassword,
          sentinelTls: toTlsOptions(config.sentinelTls, 'sentinelTls'),
        }),
        // A Sentinel location is one URL: `redis://<masterName>/<db>`.
        location: config.location[0] ?? '',
      });
    case 'valkey-cluster':
    case 'redis-cluster':
      return createClusterTransport({
        ...driverOptions(config),
        ...defined({
          natMap: config.natMap,
          clusterOptions:
            config.clusterOptions === undefined ? undefined : { ...config.clusterOptions },
        }),
        location: config.location,
      });
  }
}
