import { closeClient } from '@cachex/transport-standalone/driver';
import { type ClusterClient, CONNECTION_CLOSED, type NodeClient } from './cluster-client.js';

/**
 * How long close waits for one client or connection to report `end`. A driver that never does
 * (another version) must not make close() hang; the timer is unref'd.
 */
const END_WAIT_MS = 5000;

function ended(client: { status: string; once: ClusterClient['once'] }): Promise<void> {
  if (client.status === 'end') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, END_WAIT_MS).unref();
    client.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Members of the drivers' `Cluster` that {@link forceEnd} uses; checked before use. */
interface ClusterInternals {
  isRefreshing?: boolean;
  refreshSlotsCache?: (callback: (error?: Error) => void) => void;
  reconnectTimeout?: ReturnType<typeof setTimeout> | null;
  flushQueue?: (error: Error) => void;
  setStatus?: (status: string) => void;
}

/**
 * Ends a cluster client that will not end by itself: one waiting to reconnect (every node was
 * lost), or one whose connection pool was already empty when it was disconnected (its end
 * comes from the last node closing). Commands in its offline queue are rejected.
 */
function forceEnd(cluster: ClusterClient): void {
  const internals = cluster as unknown as ClusterInternals;
  if (internals.reconnectTimeout) {
    clearTimeout(internals.reconnectTimeout);
    internals.reconnectTimeout = null;
  }
  internals.flushQueue?.call(cluster, new Error(CONNECTION_CLOSED));
  internals.setStatus?.call(cluster, 'end');
}

async function settleTicks(cluster: ClusterClient, ticks: number): Promise<void> {
  // The pool's drain, the client's close and end each follow on the next tick.
  for (let i = 0; i < ticks && cluster.status !== 'end'; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Closes a driver `Cluster` client and every node connection it holds, and resolves once no
 * socket and no timer of theirs is left, so that nothing keeps the process alive.
 *
 * `graceful`: a ready client sends QUIT to every node, so replies to commands already sent
 * still arrive; otherwise (blocking clients, which may wait on a node for ever) every
 * connection is cut at once and its pending commands reject.
 *
 * The driver reports the client's `end` as soon as its pool is reset, before the node sockets
 * are closed: the nodes are awaited one by one.
 */
export async function closeCluster(cluster: ClusterClient, graceful: boolean): Promise<void> {
  const nodes: NodeClient[] = cluster.nodes('all');
  const status = cluster.status;
  if (status !== 'end') {
    if (status === 'ready' && graceful) {
      try {
        await cluster.quit();
      } catch {
        // A node was lost meanwhile: cut the rest.
        if (cluster.status !== 'end') cluster.disconnect();
      }
    } else {
      // Stops the slot refresh timer and any reconnection, and disconnects every node.
      cluster.disconnect();
    }
  }
  await Promise.all(
    nodes.map((node) =>
      // A node waiting to reconnect (with a node retry strategy) has no socket to close: end it.
      node.status === 'reconnecting' || node.status === 'close'
        ? closeClient(node, false)
        : ended(node),
    ),
  );
  await settleTicks(cluster, 4);
  if (cluster.status !== 'end') forceEnd(cluster);
  await ended(cluster);
  await refreshed(cluster);
  // A connection the driver dropped in the last moment (a slot-map refresher whose reply came
  // while closing) arms a 1 ms timer to destroy its socket (disconnectTimeout 0): let it run,
  // so that close() resolves with nothing of the driver's left pending.
  await new Promise((resolve) => setTimeout(resolve, 1));
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Waits for a slot map refresh under way: it runs on a connection of its own, which the driver
 * drops (at once, see `disconnectTimeout`) when the refresh ends; a refresh ends at once once
 * the client is closed, or after `slotsRefreshTimeout`.
 */
async function refreshed(cluster: ClusterClient): Promise<void> {
  const internals = cluster as unknown as ClusterInternals;
  if (internals.isRefreshing !== true || typeof internals.refreshSlotsCache !== 'function') return;
  await new Promise<void>((resolve) => internals.refreshSlotsCache?.call(cluster, () => resolve()));
  // The dropped connection is destroyed on the next timer tick.
  await new Promise((resolve) => setTimeout(resolve, 1));
  await new Promise((resolve) => setImmediate(resolve));
}
