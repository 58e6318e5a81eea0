import { type Endpoint, parseLocation } from '@cachex/config';
import { blockingPoolSettings } from './driver/blocking-pool.js';
import { buildClientOptions } from './driver/client-options.js';
import { type DriverClient, loadDriver } from './driver/load-driver.js';
import { blockingName, NodeTransport, reportTo } from './driver/node-transport.js';
import { readFromOption } from './driver/options.js';
import type { StandaloneTransportOptions } from './options.js';

/**
 * A transport for one Redis/Valkey server, with optional read replicas. Writes go to the
 * primary; reads follow `readFrom`. Blocking commands run on connections of their own, from a
 * bounded pool: at most `maxConnections` connections to one server in all (one for ordinary
 * commands, the rest for blocking ones).
 */
export class StandaloneTransport extends NodeTransport {
  constructor(options: StandaloneTransportOptions) {
    const parsed = parseLocation(
      options.location,
      options.driver ? { driver: options.driver } : undefined,
    );
    // Blocking connections go to the primary: its URL's `?max_connections=` wins.
    const blocking = blockingPoolSettings(options, parsed.primary.options);
    const Driver = loadDriver(parsed.driver);
    const onError = reportTo(options.onError);
    const connect = (endpoint: Endpoint): DriverClient => {
      const client = new Driver(buildClientOptions(endpoint, parsed.driver, options));
      // Background errors (reconnect attempts) would otherwise be printed by the driver; callers
      // see failures on their commands, and can observe these through onError.
      client.on('error', onError);
      return client;
    };
    super({
      name: 'standalone',
      driver: parsed.driver,
      primary: connect(parsed.primary),
      replicas: parsed.replicas.map(connect),
      readFrom: readFromOption(options.readFrom, 'preferReplica'),
      blocking,
      onError,
      blockingConnectionName: blockingName(options.clientOptions),
    });
  }
}

/**
 * Creates a transport for one server (plus read replicas). Synchronous and lazy: the first
 * command connects.
 *
 * @example
 * ```ts
 * const transport = createStandaloneTransport({
 *   location: ['redis://10.0.0.1:6379/0', 'redis://10.0.0.2:6379/0'],
 *   readFrom: 'preferReplica',
 * });
 * ```
 */
export function createStandaloneTransport(
  options: StandaloneTransportOptions,
): StandaloneTransport {
  return new StandaloneTransport(options);
}
