import {
  clearSocketFailure,
  type DriverClient,
  hostPort,
  noteSocketFailure,
} from '@cachex/transport-standalone/driver';
import type { ClusterClient } from './cluster-client.js';

/**
 * Records the socket failures (ECONNREFUSED…) of a `Cluster` client's node connections under
 * `owner`, so that the transport's connection errors can name them; forgets them once the
 * client is ready. The driver reports "Connection is closed" for a node it could not reach, and
 * learns the slot map through a duplicate of a node's connection whose errors it ignores: the
 * duplicates made by each node are watched too.
 */
export function watchCluster(cluster: ClusterClient, owner: object): void {
  cluster.on('+node', (node) => {
    const client = node as DriverClient & { options?: { host?: unknown; port?: unknown } };
    const at = hostPort(client.options?.host, client.options?.port);
    client.on('error', (error) => noteSocketFailure(owner, error, at));
    const duplicate = client.duplicate.bind(client);
    client.duplicate = (override) => {
      const copy = duplicate(override);
      copy.on('error', (error) => noteSocketFailure(owner, error, at));
      return copy;
    };
  });
  cluster.on('ready', () => clearSocketFailure(owner));
}
