import type { ReadFrom } from '@cachex/transport-standalone/driver';
import { type ClusterClient, type NodeClient, nodeAddress } from './cluster-client.js';
import { SLOT_COUNT } from './hash-slot.js';

// Connection states in which a replica can take a read now or after connecting on demand.
const USABLE = new Set(['ready', 'wait', 'connect', 'connecting']);

/**
 * A replica of the shard whose connection is usable, at random; else the primary. `nodes` are
 * the shard's connections, the primary first (the driver's `scaleReads` gets them so too).
 */
export function preferReplica(
  nodes: readonly (NodeClient | undefined)[],
  mode: 'replica' | 'preferReplica',
): NodeClient | undefined {
  const replicas = nodes
    .slice(1)
    .filter(
      (n): n is NodeClient => n !== undefined && (mode === 'replica' || USABLE.has(n.status)),
    );
  if (replicas.length === 0) return nodes[0];
  return replicas[Math.floor(Math.random() * replicas.length)];
}

function byAddress(nodes: readonly NodeClient[]): Map<string, NodeClient> {
  return new Map(nodes.map((n) => [nodeAddress(n), n]));
}

/**
 * Which node connection serves a slot, from the driver's slot map and connections: the slot's
 * primary, or for a read a replica per `readFrom`. The transport writes to these connections
 * itself rather than through the driver's cluster client, so that a batch is one pipeline per
 * node.
 */
export class NodeRouter {
  readonly #cluster: ClusterClient;
  readonly #readFrom: ReadFrom;
  #byAddress: Map<string, NodeClient> | undefined;

  constructor(cluster: ClusterClient, readFrom: ReadFrom) {
    this.#cluster = cluster;
    this.#readFrom = readFrom;
    const forget = (): void => {
      this.#byAddress = undefined;
    };
    cluster.on('+node', forget);
    cluster.on('-node', forget);
  }

  /** Node connections by address (`host:port`), rebuilt when the driver adds or drops one. */
  nodes(): ReadonlyMap<string, NodeClient> {
    this.#byAddress ??= byAddress(this.#cluster.nodes('all'));
    return this.#byAddress;
  }

  /** The slot's owners (`host:port`): its primary first, then its replicas; unknown: undefined. */
  owners(slot: number): readonly string[] | undefined {
    return this.#cluster.slots[slot];
  }

  /** The connection for a slot: its primary, or for a read a replica per `readFrom`. */
  nodeFor(slot: number, read: boolean): NodeClient | undefined {
    const owners = this.owners(slot);
    if (owners === undefined) return undefined;
    return this.pick(owners, read);
  }

  /**
   * A primary at random, for a command without keys (a script may run anywhere): the one
   * serving a random slot, so primaries are picked in proportion to their slots.
   */
  anyPrimary(): NodeClient | undefined {
    return this.nodeFor(Math.floor(Math.random() * SLOT_COUNT), false);
  }

  /** The connection among a slot's owners: the primary, or for a read one per `readFrom`. */
  pick(owners: readonly string[], read: boolean): NodeClient | undefined {
    const nodes = this.nodes();
    if (!read || this.#readFrom === 'primary' || owners.length < 2)
      return nodes.get(owners[0] ?? '');
    return preferReplica(
      owners.map((address) => nodes.get(address)),
      this.#readFrom,
    );
  }

  /** The primaries now, in slot order (the one serving slot 0 first). */
  primaries(): NodeClient[] {
    const primaries = byAddress(this.#cluster.nodes('master'));
    const ordered: NodeClient[] = [];
    const seen = new Set<string>();
    for (const owners of this.#cluster.slots) {
      const address = owners?.[0];
      if (address === undefined || seen.has(address)) continue;
      seen.add(address);
      const node = primaries.get(address);
      if (node !== undefined) ordered.push(node);
    }
    return ordered;
  }
}
