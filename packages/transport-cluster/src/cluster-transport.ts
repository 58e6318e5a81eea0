import { inspect } from 'node:util';
import {
  type BatchOptions,
  type BatchResult,
  type CachexError,
  ClosedError,
  type CommandGroup,
  ConfigError,
  HealthEmitter,
  type InvalidationHandlers,
  type InvalidationOptions,
  type InvalidationTracking,
  isCachexError,
  type RedisArg,
  type Reply,
  type RouteOptions,
  redactCredentials,
  type ScanOptions,
  type Transport,
  type TransportCapabilities,
  type TransportEventListener,
  type TransportEventName,
  type TransportStatus,
} from '@cachex/core';
import {
  type ConnectionTarget,
  type DriverName,
  hostPort,
  lastSocketFailure,
  locateError,
  locateFailures,
  type ReadFrom,
  reportTo,
  SharedTracking,
  translateDriverError,
} from '@cachex/transport-standalone/driver';
import { BlockingCommands, blockingClusterOptions } from './blocking-commands.js';
import { closeCluster } from './close-cluster.js';
import { type ClusterClient, type ClusterConstructor, loadCluster } from './cluster-client.js';
import type { ClusterContext } from './cluster-context.js';
import { watchCluster } from './cluster-failures.js';
import { ClusterInvalidations } from './cluster-invalidations.js';
import { runBatch } from './node-batch.js';
import { NodeRouter } from './node-router.js';
import type { ClusterTransportOptions } from './options.js';
import { broadcastToPrimaries, scanPrimaries } from './primaries.js';
import { ReadyGate } from './ready-gate.js';
import { sendCommand } from './send-command.js';
import { type ClusterSetup, clusterSetup } from './setup.js';
import { crossSlotError, groupBySlot, slotOf, spanOf } from './slots.js';

/**
 * A transport for a Redis/Valkey Cluster on the `Cluster` client of ioredis or iovalkey.
 *
 * Commands go to the node serving their slot (the driver's slot map and connections): a single
 * command on its own; a batch split by node, the commands (and atomic blocks) of every slot a
 * node serves in one pipeline, one round trip per node, all nodes at once, the replies put back
 * in call order. What a node did not run (MOVED, ASK, a failover under way) is sent again
 * through the driver's cluster client, which follows redirections. A command, atomic block or
 * transaction whose keys span several slots is refused with a `CrossSlotError` before anything
 * is sent. Blocking commands run on cluster clients of their own, from a bounded pool.
 */
export class ClusterTransport implements Transport {
  readonly name = 'cluster';
  readonly capabilities: TransportCapabilities;
  /** The driver in use. */
  readonly driver: DriverName;
  readonly #Cluster: ClusterConstructor;
  readonly #setup: ClusterSetup;
  readonly #cluster: ClusterClient;
  readonly #readFrom: ReadFrom;
  /** What the parts of the transport (batches, blocking commands, scans) share. */
  readonly #context: ClusterContext;
  readonly #blocking: BlockingCommands;
  readonly #onError: (error: unknown) => void;
  /** Closings under way (idle blocking clients…), awaited by close(). */
  readonly #closing = new Set<Promise<void>>();
  /** The startup nodes, as connection errors name them. */
  readonly #endpoint: string;
  readonly #fail = (error: unknown): never => {
    throw translateDriverError(error, this.#closed, undefined, this.#target());
  };
  #closed = false;
  #closePromise: Promise<void> | undefined;
  /** Status and typed events, driven by the main cluster client. */
  readonly #health = new HealthEmitter();
  /** Reconnection attempts since the cluster was last ready. */
  #attempts = 0;
  /** The primary of each slot (`host:port`) at the last slot map refresh. */
  #slotPrimaries: (string | undefined)[] | undefined;
  /** The near caches' invalidation tracking (one setup shared by all), told of slot changes. */
  #invalidations: ClusterInvalidations | undefined;
  readonly #tracking = new SharedTracking((handlers, options) => {
    const invalidations = new ClusterInvalidations(this.#cluster, handlers, options);
    this.#invalidations = invalidations;
    return {
      close: () => {
        if (this.#invalidations === invalidations) this.#invalidations = undefined;
        return invalidations.close();
      },
    };
  });

  constructor(options: ClusterTransportOptions) {
    const setup = clusterSetup(options);
    this.#setup = setup;
    this.driver = setup.driver;
    this.#readFrom = setup.readFrom;
    this.#Cluster = loadCluster(setup.driver);
    this.#endpoint = `cluster startup nodes ${setup.startupNodes
      .map((n) => hostPort(n.host, n.port))
      .join(', ')}`;
    this.#onError = reportTo(options.onError);
    this.#cluster = this.#open(setup.clusterOptions);
    this.#watchHealth(this.#cluster);
    this.#context = {
      cluster: this.#cluster,
      router: new NodeRouter(this.#cluster, this.#readFrom),
      gate: new ReadyGate(setup.readyTimeoutMs),
      budgetMs: setup.readyTimeoutMs,
      closed: () => this.#closed,
      fail: this.#fail,
    };
    const blockingOptions = blockingClusterOptions(setup, options.clientOptions);
    this.#blocking = new BlockingCommands(
      this.#context,
      setup.blocking,
      () => this.#open(blockingOptions),
      (client) => this.#track(closeCluster(client, false)),
    );
    this.capabilities = {
      scripts: true,
      transactions: true,
      cluster: true,
      replicas: this.#readFrom !== 'primary',
    };
  }

  #open(options: Record<string, unknown>): ClusterClient {
    const cluster = new this.#Cluster(this.#setup.startupNodes, options);
    // Background errors (a node lost, a slot map refresh that failed) would otherwise be printed
    // by the driver; callers see failures on their commands, and can observe these via onError.
    cluster.on('error', this.#onError);
    cluster.on('node error', this.#onError);
    // Connection errors name the node whose socket failed and why (ECONNREFUSED…).
    watchCluster(cluster, this);
    return cluster;
  }

  /**
   * Where the cluster connection stands: `connecting` until the slot map is first known,
   * `ready`, `reconnecting` while the driver connects again after losing every node, `closed`
   * after `close()`.
   */
  get status(): TransportStatus {
    return this.#health.status;
  }

  /**
   * Adds a listener of a health event: `error` (background errors of the cluster and its
   * nodes, redacted), `reconnecting` ({ attempt }), `ready`, `failover` ({ previous, current }:
   * slots whose primary changed at a slot map refresh, as when a replica is promoted),
   * `topologyChange` (the slot map's primaries changed, or a node was added or removed) and
   * `close`.
   */
  on<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): this {
    this.#health.on(event, listener);
    return this;
  }

  /** Removes a listener added with `on`. */
  off<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): this {
    this.#health.off(event, listener);
    return this;
  }

  #watchHealth(cluster: ClusterClient): void {
    const health = this.#health;
    const events = cluster as unknown as {
      on(event: string, listener: (...args: unknown[]) => void): void;
      slots?: (string[] | undefined)[];
    };
    const reportError = (error: unknown): void => {
      if (this.#closed || !health.has('error')) return;
      health.emit(
        'error',
        redactCredentials(translateDriverError(error, false, undefined, this.#target())),
      );
    };
    events.on('error', reportError);
    events.on('node error', reportError);
    events.on('ready', () => {
      this.#attempts = 0;
      if (health.setStatus('ready')) health.emit('ready');
    });
    events.on('reconnecting', () => {
      if (this.#closed) return;
      this.#attempts += 1;
      health.setStatus('reconnecting');
      health.emit('reconnecting', { attempt: this.#attempts });
    });
    const nodeKey = (node: unknown): string | undefined => {
      const o = (node as { options?: { host?: string; port?: number } } | undefined)?.options;
      return o?.host === undefined ? undefined : `${o.host}:${o.port}`;
    };
    for (const [event, reason] of [
      ['+node', 'nodeAdded'],
      ['-node', 'nodeRemoved'],
    ] as const) {
      events.on(event, (node) => {
        if (this.#closed) return;
        const key = nodeKey(node);
        health.emit('topologyChange', key === undefined ? { reason } : { reason, node: key });
      });
    }
    events.on('refresh', () => {
      if (this.#closed) return;
      const slots = events.slots ?? [];
      const now = Array.from({ length: 16384 }, (_, slot) => slots[slot]?.[0]);
      const before = this.#slotPrimaries;
      this.#slotPrimaries = now;
      if (before === undefined) return;
      const moved = new Map<string, string>();
      let changed = false;
      for (let slot = 0; slot < now.length; slot++) {
        const previous = before[slot];
        const current = now[slot];
        if (previous === current) continue;
        changed = true;
        if (previous !== undefined && current !== undefined)
          moved.set(`${previous}>${current}`, current);
      }
      if (!changed) return;
      this.#invalidations?.topologyChanged();
      health.emit('topologyChange', {
        reason: 'slots',
        primaries: [...new Set(now.filter((k): k is string => k !== undefined))].sort(),
      });
      for (const [pair, current] of moved) {
        health.emit('failover', { previous: pair.slice(0, pair.indexOf('>')), current });
      }
    });
  }

  /** Where the transport connects, and the last socket failure of its clients. */
  #target(): ConnectionTarget {
    return { endpoint: this.#endpoint, failure: lastSocketFailure(this) };
  }

  /** A cachex error of the transport, naming where it connects when it is a connection error. */
  #located = (error: unknown): never => {
    throw isCachexError(error) ? locateError(error as CachexError, this.#target()) : error;
  };

  #track(closing: Promise<void>): void {
    // A client that fails to close cleanly is gone all the same: close() never rejects.
    const done = closing.then(
      () => undefined,
      () => undefined,
    );
    this.#closing.add(done);
    void done.then(() => this.#closing.delete(done));
  }

  command(name: string, args: readonly RedisArg[], options?: RouteOptions): Promise<Reply> {
    if (this.#closed) return Promise.reject(new ClosedError());
    let slot: number | undefined;
    if (options?.keys !== undefined) {
      const span = spanOf([{ args, keys: options.keys }]);
      if (span.cross) return Promise.reject(crossSlotError(name, span, name));
      slot = span.slot;
    }
    if (options?.blocking === true) {
      return this.#blocking.run(name, args).then(undefined, this.#located);
    }
    const deadline = performance.now() + this.#context.budgetMs;
    const send = (): Promise<Reply> =>
      sendCommand(this.#context, name, args, slot, options, deadline);
    // Once the slot map is known, sent at once (no extra tick); until then, after waiting.
    const ready = this.#context.gate.ready(this.#cluster);
    if (ready === undefined) return send();
    return ready.then(send, this.#fail);
  }

  batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
    return runBatch(this.#context, groups, options).then((results) =>
      locateFailures(results, this.#target()),
    );
  }

  partitionKeys(keys: readonly (string | Buffer)[]): number[][] {
    return groupBySlot(keys.keys(), (i) => slotOf(keys[i]!));
  }

  scan(options: ScanOptions): AsyncGenerator<Buffer[], void, undefined> {
    return scanPrimaries(this.#context, options);
  }

  broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]> {
    return broadcastToPrimaries(this.#context, name, args);
  }

  /** The driver's `Cluster` client (reads and writes alike: it routes them itself). */
  /**
   * Server-assisted invalidation for a near cache: `CLIENT TRACKING` on every node connection,
   * each redirected to a subscriber connection on the same node (see `ClusterInvalidations`).
   * Refused when reads go to replicas through `readFrom`.
   */
  trackInvalidations(
    handlers: InvalidationHandlers,
    options?: InvalidationOptions,
  ): InvalidationTracking {
    if (this.#closed) throw new ClosedError();
    if (this.#readFrom !== 'primary') {
      throw new ConfigError(
        `nearCache cannot track reads served by replicas (readFrom: '${this.#readFrom}'); use readFrom: 'primary'`,
        { context: { field: 'readFrom' } },
      );
    }
    return this.#tracking.join(handlers, options);
  }

  getClient(): ClusterClient {
    return this.#cluster;
  }

  /**
   * Closes every connection, and resolves once none is left open and no timer of the
   * transport or its drivers is pending. Commands already sent on a working connection still
   * get their replies; blocking calls, calls waiting for the cluster and calls waiting for a
   * blocking client reject with a `ClosedError` each. Later calls reject with a `ClosedError`.
   */
  close(): Promise<void> {
    this.#closePromise ??= this.#close();
    return this.#closePromise;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#health.setStatus('closed');
    this.#context.gate.close();
    this.#blocking.close();
    this.#track(this.#tracking.close());
    this.#track(closeCluster(this.#cluster, true));
    while (this.#closing.size > 0) await Promise.all(this.#closing);
    this.#health.emit('close');
  }

  /** What `util.inspect` shows: the shape of the transport, never its credentials. */
  [inspect.custom](): string {
    return `${this.constructor.name} ${inspect({
      driver: this.driver,
      readFrom: this.#readFrom,
      startupNodes: this.#setup.startupNodes.map((n) => `${n.host}:${n.port}`),
      status: this.#cluster.status,
      closed: this.#closed,
      blockingConnections: this.#blocking.stats,
    })}`;
  }
}

/**
 * Creates a transport for a Redis/Valkey Cluster. Synchronous and lazy: the first command
 * connects and learns the slot map.
 *
 * @example
 * ```ts
 * const transport = createClusterTransport({
 *   location: ['redis://10.0.0.1:7000', 'redis://10.0.0.2:7000'],
 * });
 * ```
 */
export function createClusterTransport(options: ClusterTransportOptions): ClusterTransport {
  return new ClusterTransport(options);
}
