import type { InvalidationHandlers, InvalidationOptions, InvalidationTracking } from '@cachex/core';
import { type DriverClient, InvalidationTracker } from '@cachex/transport-standalone/driver';
import type { ClusterClient, NodeClient } from './cluster-client.js';

/**
 * Server-assisted invalidation on a cluster: tracking is per node (a redirect cannot cross
 * nodes), so every node connection of the driver's pool gets a subscriber connection to the
 * same node and its own {@link InvalidationTracker}. Replicas are tracked too: a replica's
 * connection becomes a primary's after a failover, without the driver making a new one.
 *
 * Tracking is on for the cache only while it is on for every node: one node losing it (its
 * connection or its subscriber dropped, a failover) turns it off for all, which empties the
 * near cache. Nodes joining or leaving, and slots changing owner, empty it too.
 */
export class ClusterInvalidations implements InvalidationTracking {
  readonly #cluster: ClusterClient;
  readonly #handlers: InvalidationHandlers;
  readonly #options: InvalidationOptions | undefined;
  readonly #trackers = new Map<NodeClient, InvalidationTracker>();
  readonly #tracked = new Set<NodeClient>();
  readonly #onAdded = (node: unknown): void => this.#add(node as NodeClient);
  readonly #onRemoved = (node: unknown): void => this.#remove(node as NodeClient);
  #active = false;
  #closed = false;

  constructor(
    cluster: ClusterClient,
    handlers: InvalidationHandlers,
    options?: InvalidationOptions,
  ) {
    this.#cluster = cluster;
    this.#handlers = handlers;
    this.#options = options;
    cluster.on('+node', this.#onAdded);
    cluster.on('-node', this.#onRemoved);
    for (const node of cluster.nodes('all')) this.#add(node);
  }

  /** The slot map changed owners: values read from the old owners cannot be trusted. */
  topologyChanged(): void {
    if (!this.#closed) this.#handlers.invalidate(null);
  }

  #add(node: NodeClient): void {
    if (this.#closed || this.#trackers.has(node)) return;
    const subscriber: DriverClient = node.duplicate({
      lazyConnect: true,
      autoResubscribe: false,
      connectionName: 'cachex:invalidations',
    });
    // Its failures surface as tracking being off; the node's own errors are reported already.
    subscriber.on('error', () => {});
    const tracker = new InvalidationTracker(
      node,
      subscriber,
      {
        invalidate: (keys) => this.#handlers.invalidate(keys),
        tracking: (active) => {
          if (active) this.#tracked.add(node);
          else this.#tracked.delete(node);
          this.#update();
        },
        error: (error) => this.#handlers.error(error),
      },
      this.#options,
    );
    this.#trackers.set(node, tracker);
    this.#update();
  }

  #remove(node: NodeClient): void {
    const tracker = this.#trackers.get(node);
    if (tracker === undefined) return;
    this.#trackers.delete(node);
    this.#tracked.delete(node);
    void tracker.close();
    this.#handlers.invalidate(null);
    this.#update();
  }

  #update(): void {
    const active =
      !this.#closed && this.#trackers.size > 0 && this.#tracked.size === this.#trackers.size;
    if (active === this.#active) return;
    this.#active = active;
    this.#handlers.tracking(active);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cluster.removeListener('+node', this.#onAdded);
    this.#cluster.removeListener('-node', this.#onRemoved);
    this.#update();
    const trackers = [...this.#trackers.values()];
    this.#trackers.clear();
    this.#tracked.clear();
    await Promise.all(trackers.map((tracker) => tracker.close()));
  }
}
