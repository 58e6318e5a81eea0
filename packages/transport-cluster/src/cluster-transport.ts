import { inspect } from 'node:util';
import {
  type BatchOptions,
  type BatchResult,
  ClosedError,
  type CommandGroup,
  isCachexError,
  NO_KEYS,
  type RedisArg,
  type Reply,
  type RouteOptions,
  type ScanOptions,
  TimeoutError,
  type Transport,
  type TransportCapabilities,
} from '@cachex/core';
import { withErrorContext } from '@cachex/core/internal';
import {
  BlockingPool,
  blockingDeadline,
  blockingName,
  blockingPoolSettings,
  type DriverClient,
  type DriverName,
  execResults,
  failed,
  type ReadFrom,
  reportTo,
  settled,
  translateDriverError,
  withTimeoutLeft,
} from '@cachex/transport-standalone/driver';
import { planUnits, type Unit } from './batch-plan.js';
import { closeCluster } from './close-cluster.js';
import {
  type ClusterClient,
  type ClusterConstructor,
  loadCluster,
  type NodeClient,
  nodeAddress,
} from './cluster-client.js';
import type { ClusterTransportOptions } from './options.js';
import { type ClusterSetup, clusterSetup, preferReplica } from './setup.js';
import { crossSlotError, slotOf, spanOf } from './slots.js';

type Pair = [Error | null, unknown];

// Replies that mean the node did not run the command (the slot is served elsewhere, is being
// migrated, or the cluster is failing over), or that the connection to the node was lost: the
// command is sent again through the driver's cluster client, which follows redirections, waits
// out a failover and refreshes its slot map, as it does for single commands.
const REDIRECTED = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /;
const CONNECTION_CLOSED = 'Connection is closed.';

function redirected(error: unknown): boolean {
  return (
    error instanceof Error &&
    (REDIRECTED.test(error.message) || error.message === CONNECTION_CLOSED)
  );
}

/** An atomic block that did not run and may be sent again: nothing of it was applied. */
function blockRedirected(queued: readonly (Pair | undefined)[], exec: Pair | undefined): boolean {
  if (exec !== undefined && exec[0] === null && Array.isArray(exec[1])) return false;
  return queued.some((pair) => redirected(pair?.[0])) || redirected(exec?.[0]);
}

// Blocking commands go through the driver's cluster client, which finds their keys (to route
// them) by their lower-case names in iovalkey. The drivers reshape the replies of a few other
// commands (HGETALL, ZRANGE … WITHSCORES) when named in lower case, never of these.
const LOWER_CASE_SAFE = new Set(['BLPOP', 'BRPOP', 'BLMOVE', 'BRPOPLPUSH', 'BLMPOP']);

function driverName(name: string): string {
  return LOWER_CASE_SAFE.has(name.toUpperCase()) ? name.toLowerCase() : name;
}

/**
 * Resolves once the client is ready (connecting it if it never was), rejects when its current
 * connection attempt fails or it ends. One listener per attempt, however many calls wait.
 */
function whenReady(client: ClusterClient): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      client.removeListener('ready', onReady);
      client.removeListener('end', onEnd);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onReady = (): void => finish();
    const onEnd = (): void => finish(new Error(CONNECTION_CLOSED));
    client.once('ready', onReady);
    client.once('end', onEnd);
    // Called back when a connection attempt fails (or once it has the slot map).
    if (client.status !== 'connect') {
      client.delayUntilReady((error) => {
        if (error) finish(error);
      });
    }
    if (client.status === 'wait') client.connect().catch(() => undefined);
  });
}

/** A call waiting for a cluster client's slot map. */
interface Waiter {
  settle(error?: unknown): void;
}

/** One node's share of a batch: the units whose slots it serves, in call order. */
interface NodeShare {
  /** The slot's owners: the primary first, then its replicas (`host:port`). */
  owners: readonly string[];
  units: Unit[];
}

/**
 * A transport for a Redis/Valkey Cluster on the `Cluster` client of ioredis or iovalkey.
 *
 * Commands go to the node serving their slot (the driver's slot map and connections): a single
 * command on its own; a batch split by node, the commands (and atomic blocks) of every slot a
 * node serves in one pipeline, one round trip per node, all nodes at once, the replies put back
 * in call order. What a node did not run (MOVED, ASK, a failover under way) is sent again
 * through the driver's cluster client, which follows redirections. A command, atomic block or transaction whose keys span
 * several slots is refused with a `CrossSlotError` before anything is sent. Blocking commands
 * run on cluster clients of their own, from a bounded pool.
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
  readonly #blocking: BlockingPool;
  readonly #onError: (error: unknown) => void;
  /** Closings under way (idle blocking clients…), awaited by close(). */
  readonly #closing = new Set<Promise<void>>();
  /** Calls waiting for a client's slot map. */
  readonly #waiting = new Set<Waiter>();
  /** The connection attempt under way per client, shared by the calls waiting for it. */
  readonly #attempts = new WeakMap<ClusterClient, Promise<void>>();
  readonly #fail = (error: unknown): never => {
    throw translateDriverError(error, this.#closed);
  };
  #byAddress: Map<string, NodeClient> | undefined;
  #closed = false;
  #closePromise: Promise<void> | undefined;

  constructor(options: ClusterTransportOptions) {
    const setup = clusterSetup(options);
    const blocking = blockingPoolSettings(options);
    this.#setup = setup;
    this.driver = setup.driver;
    this.#readFrom = setup.readFrom;
    this.#Cluster = loadCluster(setup.driver);
    this.#onError = reportTo(options.onError);
    this.#cluster = this.#open(setup.clusterOptions);
    const forget = (): void => {
      this.#byAddress = undefined;
    };
    this.#cluster.on('+node', forget);
    this.#cluster.on('-node', forget);
    const blockingOptions: Record<string, unknown> = {
      ...setup.clusterOptions,
      // Blocking pops write (they remove what they return): always on the primary.
      scaleReads: 'master',
      // No periodic slot map refresh (a connection each time, for every pooled client): they
      // follow MOVED replies and lost connections instead.
      slotsRefreshInterval: 0,
      redisOptions: { ...setup.redisOptions, connectionName: blockingName(options.clientOptions) },
    };
    // No command timeout: a blocking command waits as long as it asks to.
    delete (blockingOptions.redisOptions as Record<string, unknown>).commandTimeout;
    this.#blocking = new BlockingPool(
      blocking,
      () => this.#open(blockingOptions) as unknown as DriverClient,
      (client) => this.#track(closeCluster(client as unknown as ClusterClient, false)),
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
    return cluster;
  }

  #track(closing: Promise<void>): void {
    // A client that fails to close cleanly is gone all the same: close() never rejects.
    const done = closing.then(
      () => undefined,
      () => undefined,
    );
    this.#closing.add(done);
    void done.then(() => this.#closing.delete(done));
  }

  /**
   * Undefined when `client` is ready; otherwise a promise that resolves once it is (it connects
   * on first use and learns the slot map), or rejects when the attempt fails, after the command
   * timeout, or on close(). While the cluster is unreachable the driver would queue commands
   * for ever; calls fail fast instead.
   */
  #ready(client: ClusterClient): Promise<void> | undefined {
    if (client.status === 'ready') return undefined;
    if (this.#closed) return Promise.reject(new ClosedError('The transport has been closed'));
    let attempt = this.#attempts.get(client);
    if (attempt === undefined) {
      const current = whenReady(client);
      const forget = (): void => {
        if (this.#attempts.get(client) === current) this.#attempts.delete(client);
      };
      current.then(forget, forget);
      this.#attempts.set(client, current);
      attempt = current;
    }
    const pending = attempt;
    return new Promise<void>((resolve, reject) => {
      const ms = this.#setup.readyTimeoutMs;
      const timer = setTimeout(() => {
        waiter.settle(
          new TimeoutError(`The cluster did not answer within ${ms} ms (socketTimeoutMs)`),
        );
      }, ms);
      const waiter: Waiter = {
        settle: (error?: unknown) => {
          if (!this.#waiting.delete(waiter)) return;
          clearTimeout(timer);
          if (error === undefined) resolve();
          else reject(error);
        },
      };
      this.#waiting.add(waiter);
      pending.then(
        () => waiter.settle(),
        (error: unknown) => waiter.settle(error ?? new Error('Connection is closed.')),
      );
    });
  }

  command(name: string, args: readonly RedisArg[], options?: RouteOptions): Promise<Reply> {
    if (this.#closed) return Promise.reject(new ClosedError());
    let slot: number | undefined;
    if (options?.keys !== undefined) {
      const span = spanOf([{ args, keys: options.keys }]);
      if (span.cross) return Promise.reject(crossSlotError(name, span, name));
      slot = span.slot;
    }
    if (options?.blocking === true) return this.#blockingCommand(name, args);
    const read = options?.read === true;
    const ready = this.#ready(this.#cluster);
    if (ready === undefined) return this.#send(name, args, slot, read);
    return ready.then(() => this.#send(name, args, slot, read), this.#fail);
  }

  /**
   * Sends one command to the node serving its slot (a replica for a read, per `readFrom`). A
   * command the node did not run (MOVED, ASK, a failover under way) goes again through the
   * driver. A command without a key spec (a raw command) is routed by the driver.
   */
  #send(
    name: string,
    args: readonly RedisArg[],
    slot: number | undefined,
    read: boolean,
  ): Promise<Reply> {
    const node = slot === undefined ? undefined : this.#nodeFor(slot, read);
    if (node === undefined) {
      return slot === undefined
        ? (this.#cluster.callBuffer(name, ...args) as Promise<Reply>).then(undefined, this.#fail)
        : this.#resend(name, args);
    }
    return (node.callBuffer(name, ...args) as Promise<Reply>).then(undefined, (error) =>
      redirected(error) ? this.#resend(name, args) : this.#fail(error),
    );
  }

  /** One command through the driver's cluster client, which follows redirections. */
  async #resend(name: string, args: readonly RedisArg[]): Promise<Reply> {
    const results: (BatchResult | undefined)[] = [undefined];
    await this.#unitViaDriver(
      { first: 0, commands: [{ name, args, keys: NO_KEYS }], atomic: false, slot: undefined },
      results,
    );
    const [result] = results;
    if (result === undefined) throw new ClosedError();
    if (!result.ok) throw result.error;
    return result.value;
  }

  /** Node connections by address (`host:port`), rebuilt when the driver adds or drops one. */
  #nodes(): ReadonlyMap<string, NodeClient> {
    this.#byAddress ??= new Map(this.#cluster.nodes('all').map((n) => [nodeAddress(n), n]));
    return this.#byAddress;
  }

  /** The connection for a slot: its primary, or for a read a replica per `readFrom`. */
  #nodeFor(slot: number, read: boolean): NodeClient | undefined {
    const owners = this.#cluster.slots[slot];
    if (owners === undefined) return undefined;
    return this.#pick(owners, read);
  }

  #pick(owners: readonly string[], read: boolean): NodeClient | undefined {
    const nodes = this.#nodes();
    if (!read || this.#readFrom === 'primary' || owners.length < 2)
      return nodes.get(owners[0] ?? '');
    return preferReplica(
      owners.map((address) => nodes.get(address)),
      this.#readFrom,
    );
  }

  /**
   * Runs a blocking command on a cluster client of its own from the pool (the driver sends it
   * to the node owning its key and follows redirections), so that waiting never stalls other
   * commands. The time spent waiting for a client counts against the command's timeout.
   */
  async #blockingCommand(name: string, args: readonly RedisArg[]): Promise<Reply> {
    const start = performance.now();
    // Fail fast when the cluster is unreachable, as any other command does.
    await this.#ready(this.#cluster)?.catch(this.#fail);
    const deadline = blockingDeadline(name, args, start);
    const acquired = this.#blocking.acquire(deadline?.at);
    let lent: DriverClient;
    if ('queued' in acquired) {
      lent = acquired.client;
    } else {
      const client = await acquired;
      if (client === undefined) return null;
      lent = client;
    }
    const client = lent as unknown as ClusterClient;
    if (this.#closed) {
      this.#blocking.release(lent, false);
      throw new ClosedError('The transport was closed before the command was sent');
    }
    try {
      await this.#ready(client);
      const sent =
        deadline !== undefined && performance.now() - start >= 1
          ? withTimeoutLeft(args, deadline, performance.now())
          : args;
      const reply = (await client.callBuffer(driverName(name), ...sent)) as Reply;
      this.#blocking.release(lent, true);
      return reply;
    } catch (error) {
      // A client that ended is not lent again; one that reconnects is.
      this.#blocking.release(lent, client.status !== 'end');
      throw translateDriverError(error, this.#closed, name);
    }
  }

  async batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
    if (this.#closed) throw new ClosedError();
    const commands = groups.flatMap((g) => g.commands);
    if (commands.length === 0) return [];
    const results: (BatchResult | undefined)[] = new Array(commands.length);
    const units = planUnits(groups, options?.transaction === true, results);
    if (units.length > 0) {
      try {
        await this.#ready(this.#cluster);
        await this.#run(units, results);
      } catch (error) {
        // The cluster could not be reached: every unit fails, each with its own error.
        for (const unit of units) this.#fill(unit, results, error);
      }
    }
    return results as BatchResult[];
  }

  /** Every command of `unit` failed with `error`: a new error object for each of them. */
  #fill(unit: Unit, results: (BatchResult | undefined)[], error: unknown): void {
    unit.commands.forEach((command, i) => {
      const at = unit.first + i;
      if (results[at] !== undefined) return;
      if (isCachexError(error)) {
        const own = translateDriverError(error, this.#closed, command.name);
        results[at] = { ok: false, error: withErrorContext(own, { command: command.name }) };
      } else {
        results[at] = failed(error, command.name, this.#closed);
      }
    });
  }

  /** Sends the units: one pipeline per node, every node at once. */
  async #run(units: readonly Unit[], results: (BatchResult | undefined)[]): Promise<void> {
    const cluster = this.#cluster;
    const nodes = this.#nodes();
    const shares = new Map<string, NodeShare>();
    const keyless: Unit[] = [];
    const unmapped: Unit[] = [];
    for (const unit of units) {
      if (unit.slot === undefined) {
        keyless.push(unit);
        continue;
      }
      const owners = cluster.slots[unit.slot];
      const primary = owners?.[0];
      if (owners === undefined || primary === undefined || !nodes.has(primary)) {
        unmapped.push(unit);
        continue;
      }
      const share = shares.get(primary);
      if (share === undefined) shares.set(primary, { owners, units: [unit] });
      else share.units.push(unit);
    }
    // Commands without keys may run anywhere: with the first node's share, in call order.
    const [firstShare] = shares.values();
    if (firstShare === undefined) {
      unmapped.push(...keyless);
    } else if (keyless.length > 0) {
      firstShare.units.push(...keyless);
      firstShare.units.sort((a, b) => a.first - b.first);
    }
    await Promise.all([
      ...[...shares.values()].map((share) => this.#runOnNode(share, results)),
      this.#viaDriver(unmapped, results),
    ]);
  }

  async #runOnNode(share: NodeShare, results: (BatchResult | undefined)[]): Promise<void> {
    const { owners, units } = share;
    const read = units.every((unit) => unit.commands.every((c) => c.read === true));
    const client = this.#pick(owners, read);
    if (client === undefined) return this.#viaDriver(units, results);

    const pipeline = client.pipeline();
    for (const unit of units) {
      // An atomic block keeps its MULTI/EXEC inside the pipeline: MULTI → OK, each command →
      // QUEUED (or its queueing error), EXEC → the array of results (or EXECABORT).
      if (unit.atomic) pipeline.callBuffer('MULTI');
      for (const c of unit.commands) pipeline.callBuffer(c.name, ...c.args);
      if (unit.atomic) pipeline.callBuffer('EXEC');
    }
    let replies: Pair[] | null = null;
    let failure: unknown;
    try {
      replies = await pipeline.exec();
    } catch (error) {
      failure = error ?? new Error('The pipeline failed');
    }
    const again: Unit[] = [];
    let at = 0;
    for (const unit of units) {
      const count = unit.commands.length;
      if (failure !== undefined) {
        if (redirected(failure)) again.push(unit);
        else this.#fill(unit, results, failure);
        continue;
      }
      if (unit.atomic) {
        const queued = replies?.slice(at + 1, at + 1 + count) ?? [];
        const exec = replies?.[at + 1 + count];
        at += count + 2;
        if (blockRedirected(queued, exec)) again.push(unit);
        else this.#place(unit, results, execResults(unit.commands, queued, exec, this.#closed));
      } else {
        const pair = replies?.[at++];
        const command = unit.commands[0]!;
        if (redirected(pair?.[0])) again.push(unit);
        else results[unit.first] = settled(pair, command.name, this.#closed);
      }
    }
    await this.#viaDriver(again, results);
  }

  #place(unit: Unit, results: (BatchResult | undefined)[], values: readonly BatchResult[]): void {
    values.forEach((value, i) => {
      results[unit.first + i] = value;
    });
  }

  /**
   * Sends units through the driver's cluster client: the few a node did not run (MOVED/ASK
   * during a resharding, a failover under way) or whose node is not known. The driver follows
   * redirections and waits out failovers, within its limits (`maxRedirections`,
   * `retryDelayOnFailover`). Units of one slot go one after the other, in call order (a write
   * and a read of one key stay in that order); slots go at once.
   */
  async #viaDriver(units: readonly Unit[], results: (BatchResult | undefined)[]): Promise<void> {
    if (units.length === 0) return;
    const bySlot = new Map<number | undefined, Unit[]>();
    for (const unit of units) {
      const list = bySlot.get(unit.slot);
      if (list === undefined) bySlot.set(unit.slot, [unit]);
      else list.push(unit);
    }
    await Promise.all(
      [...bySlot.values()].map(async (list) => {
        for (const unit of list) await this.#unitViaDriver(unit, results);
      }),
    );
  }

  async #unitViaDriver(unit: Unit, results: (BatchResult | undefined)[]): Promise<void> {
    // A pipeline of the driver's cluster client: it resends it as a whole on MOVED, ASK,
    // TRYAGAIN, CLUSTERDOWN or a lost connection. Command names stay as they are: the drivers
    // reshape the replies of some commands (HGETALL…) named in lower case.
    const pipeline = this.#cluster.pipeline();
    if (unit.atomic) pipeline.multi();
    for (const c of unit.commands) pipeline.callBuffer(c.name, ...c.args);
    if (unit.atomic) pipeline.exec(); // ends the block with EXEC; the next exec() sends it
    let replies: Pair[] | null;
    try {
      replies = await (pipeline.exec() as Promise<Pair[] | null>);
    } catch (error) {
      this.#fill(unit, results, error);
      return;
    }
    if (!unit.atomic) {
      const command = unit.commands[0]!;
      results[unit.first] = settled(replies?.[0], command.name, this.#closed);
      return;
    }
    const count = unit.commands.length;
    this.#place(
      unit,
      results,
      execResults(
        unit.commands,
        replies?.slice(1, 1 + count) ?? [],
        replies?.[1 + count],
        this.#closed,
      ),
    );
  }

  partitionKeys(keys: readonly (string | Buffer)[]): number[][] {
    const bySlot = new Map<number, number[]>();
    keys.forEach((key, i) => {
      const slot = slotOf(key);
      const group = bySlot.get(slot);
      if (group === undefined) bySlot.set(slot, [i]);
      else group.push(i);
    });
    return [...bySlot.values()];
  }

  /** The primaries now, in slot order (the one serving slot 0 first). */
  #primaries(): NodeClient[] {
    const cluster = this.#cluster;
    const byAddress = new Map(cluster.nodes('master').map((n) => [nodeAddress(n), n]));
    const ordered: NodeClient[] = [];
    const seen = new Set<string>();
    for (const owners of cluster.slots) {
      const address = owners?.[0];
      if (address === undefined || seen.has(address)) continue;
      seen.add(address);
      const node = byAddress.get(address);
      if (node !== undefined) ordered.push(node);
    }
    return ordered;
  }

  async *scan(options: ScanOptions): AsyncGenerator<Buffer[], void, undefined> {
    if (this.#closed) throw new ClosedError();
    await this.#ready(this.#cluster)?.catch(this.#fail);
    // Every primary, one after the other; replicas may lag and miss fresh keys.
    for (const node of this.#primaries()) {
      let cursor = '0';
      do {
        if (this.#closed) throw new ClosedError();
        const reply = (await node
          .callBuffer('SCAN', cursor, 'MATCH', options.match, 'COUNT', options.count ?? 500)
          .then(undefined, this.#fail)) as [Buffer, Buffer[]];
        cursor = reply[0].toString();
        // Keys stay bytes: one that is not valid UTF-8 must be deleted by its own bytes.
        if (reply[1].length > 0) yield reply[1];
      } while (cursor !== '0');
    }
  }

  async broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]> {
    if (this.#closed) throw new ClosedError();
    await this.#ready(this.#cluster)?.catch(this.#fail);
    return Promise.all(
      this.#primaries().map(
        (node) => node.callBuffer(name, ...args).then(undefined, this.#fail) as Promise<Reply>,
      ),
    );
  }

  /** The driver's `Cluster` client (reads and writes alike: it routes them itself). */
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
    for (const waiter of [...this.#waiting]) {
      waiter.settle(new ClosedError('The transport was closed while the call waited'));
    }
    for (const client of this.#blocking.close()) {
      this.#track(closeCluster(client as unknown as ClusterClient, false));
    }
    this.#track(closeCluster(this.#cluster, true));
    while (this.#closing.size > 0) await Promise.all(this.#closing);
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
