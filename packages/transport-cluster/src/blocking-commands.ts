import { ClosedError, type RedisArg, type Reply } from '@cachex/core';
import {
  BlockingPool,
  type BlockingPoolSettings,
  blockingDeadline,
  blockingName,
  type DriverClient,
  translateDriverError,
  withTimeoutLeft,
} from '@cachex/transport-standalone/driver';
import type { ClusterClient } from './cluster-client.js';
import { type ClusterContext, clusterReady } from './cluster-context.js';
import type { ClusterSetup } from './setup.js';

// Blocking commands go through the driver's cluster client, which finds their keys (to route
// them) by their lower-case names in iovalkey. The drivers reshape the replies of a few other
// commands (HGETALL, ZRANGE … WITHSCORES) when named in lower case, never of these.
const LOWER_CASE_SAFE = new Set(['BLPOP', 'BRPOP', 'BLMOVE', 'BRPOPLPUSH', 'BLMPOP']);

function driverName(name: string): string {
  return LOWER_CASE_SAFE.has(name.toUpperCase()) ? name.toLowerCase() : name;
}

/**
 * The options of the blocking clients: the transport's, on primaries only, without a periodic
 * slot map refresh nor a command timeout, their connections named `<connectionName>:blocking`.
 */
export function blockingClusterOptions(
  setup: ClusterSetup,
  clientOptions: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const options: Record<string, unknown> = {
    ...setup.clusterOptions,
    // Blocking pops write (they remove what they return): always on the primary.
    scaleReads: 'master',
    // No periodic slot map refresh (a connection each time, for every pooled client): they
    // follow MOVED replies and lost connections instead.
    slotsRefreshInterval: 0,
    redisOptions: { ...setup.redisOptions, connectionName: blockingName(clientOptions) },
  };
  // No command timeout: a blocking command waits as long as it asks to.
  delete (options.redisOptions as Record<string, unknown>).commandTimeout;
  return options;
}

/**
 * Runs blocking commands on cluster clients of their own, from a bounded pool (the driver sends
 * each to the node owning its key and follows redirections), so that waiting never stalls
 * other commands.
 */
export class BlockingCommands {
  readonly #context: ClusterContext;
  readonly #pool: BlockingPool;
  readonly #retire: (client: DriverClient) => void;

  /**
   * @param open opens a cluster client (with {@link blockingClusterOptions}), lazily
   * @param retire closes a client the pool no longer keeps
   */
  constructor(
    context: ClusterContext,
    settings: BlockingPoolSettings,
    open: () => ClusterClient,
    retire: (client: ClusterClient) => void,
  ) {
    this.#context = context;
    // The pool holds them as the standalone clients it was made for; they share that API.
    this.#retire = (client) => retire(client as unknown as ClusterClient);
    this.#pool = new BlockingPool(settings, () => open() as unknown as DriverClient, this.#retire);
  }

  /** Clients lent out, idle, and calls waiting for one. */
  get stats(): BlockingPool['stats'] {
    return this.#pool.stats;
  }

  /**
   * Runs a blocking command on a client from the pool. The time spent waiting for a client
   * counts against the command's timeout.
   */
  async run(name: string, args: readonly RedisArg[]): Promise<Reply> {
    const context = this.#context;
    const start = performance.now();
    // Fail fast when the cluster is unreachable, as any other command does.
    await clusterReady(context);
    const deadline = blockingDeadline(name, args, start);
    const acquired = this.#pool.acquire(deadline?.at);
    let lent: DriverClient;
    if ('queued' in acquired) {
      lent = acquired.client;
    } else {
      const client = await acquired;
      if (client === undefined) return null;
      lent = client;
    }
    const client = lent as unknown as ClusterClient;
    if (context.closed()) {
      this.#pool.release(lent, false);
      throw new ClosedError('The transport was closed before the command was sent');
    }
    try {
      await context.gate.ready(client);
      const sent =
        deadline !== undefined && performance.now() - start >= 1
          ? withTimeoutLeft(args, deadline, performance.now())
          : args;
      const reply = (await client.callBuffer(driverName(name), ...sent)) as Reply;
      this.#pool.release(lent, true);
      return reply;
    } catch (error) {
      // A client that ended is not lent again; one that reconnects is.
      this.#pool.release(lent, client.status !== 'end');
      throw translateDriverError(error, context.closed(), name);
    }
  }

  /**
   * Stops lending: calls waiting for a client reject with a `ClosedError` each, idle clients
   * are closed, busy ones cut (a blocking command may wait on a node for ever).
   */
  close(): void {
    for (const client of this.#pool.close()) this.#retire(client);
  }
}
