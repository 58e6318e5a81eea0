import {
  type DriverClient,
  hostPort,
  noteSocketFailure,
} from '@cachex/transport-standalone/driver';

/**
 * The part of ioredis/iovalkey's `SentinelConnector` (both export it) that is used here. The
 * connector opens a short-lived client to a sentinel for every lookup (`connectToSentinel`).
 */
export type SentinelConnectorClass = new (
  options: Record<string, unknown>,
) => {
  /** The options of the client the connector finds a node for (the very same object). */
  readonly options: object;
  connectToSentinel(endpoint: unknown, options?: unknown): DriverClient;
};

/**
 * The driver's sentinel connector, with every sentinel client it opens recorded in `clients`
 * until it ends, so that close() can wait until none is left; `undefined` when the driver does
 * not have the expected shape (another version): its own connector is used then.
 *
 * The connector disconnects each lookup client when the lookup is over, also one whose
 * connection had already failed; the driver then arms a 2 s timer (to destroy a socket that
 * will never close again), which kept a process alive for 2 s after close() when a sentinel was
 * unreachable. A client that has already ended is left alone instead.
 *
 * The connector ignores its lookup clients' errors, and says only "Connection is closed" of a
 * sentinel it could not reach; the socket errors (ECONNREFUSED…) are noted for the client the
 * lookup is for (under its options object, see `failureOwner`), so that its connection errors
 * name them.
 */
export function trackingConnector(
  Base: unknown,
  clients: Set<DriverClient>,
): SentinelConnectorClass | undefined {
  const base = Base as SentinelConnectorClass | undefined;
  if (typeof base !== 'function' || typeof base.prototype?.connectToSentinel !== 'function') {
    return undefined;
  }
  return class TrackingSentinelConnector extends base {
    override connectToSentinel(endpoint: unknown, options?: unknown): DriverClient {
      const client = super.connectToSentinel(endpoint, options);
      clients.add(client);
      const { host, port } = (endpoint ?? {}) as { host?: unknown; port?: unknown };
      const at = hostPort(host, port ?? 26379);
      client.on('error', (error) => noteSocketFailure(this.options, error, at));
      client.once('end', () => clients.delete(client));
      const disconnect = client.disconnect.bind(client);
      client.disconnect = (reconnect = false) => {
        if (!reconnect && client.status === 'end') return;
        disconnect(reconnect);
      };
      return client;
    }
  };
}
