import type { ClusterClient } from './cluster-client.js';
import type { NodeRouter } from './node-router.js';
import type { ReadyGate } from './ready-gate.js';

/**
 * What the parts of a cluster transport share (single commands, batches, blocking commands,
 * scans): made once by the transport, which alone changes it (on close).
 */
export interface ClusterContext {
  /** The driver's `Cluster` client: the slot map, the node connections, redirections. */
  readonly cluster: ClusterClient;
  /** The node connection serving a slot. */
  readonly router: NodeRouter;
  /** Where calls wait for a client's slot map. */
  readonly gate: ReadyGate;
  /**
   * How long a call may take, redirections and failovers included (the command timeout): a
   * call still unsettled then fails with a `TimeoutError`.
   */
  readonly budgetMs: number;
  /** Whether the transport was closed: a connection cut then fails with a `ClosedError`. */
  closed(): boolean;
  /** Throws a driver error as a cachex error (a `ClosedError` for one cut by close()). */
  readonly fail: (error: unknown) => never;
}

/**
 * Undefined when the cluster client is ready; else a promise that resolves once it is, or
 * rejects with what `fail` makes of the reason it is not (unreachable, timed out, closed).
 */
export function clusterReady(context: ClusterContext): Promise<void> | undefined {
  return context.gate.ready(context.cluster)?.catch(context.fail);
}
