import { inspect } from 'node:util';
import {
  type BatchOptions,
  type BatchResult,
  type ClientOptions,
  ClosedError,
  type CommandGroup,
  ConfigError,
  HealthEmitter,
  type InvalidationHandlers,
  type InvalidationOptions,
  type InvalidationTracking,
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
import { BlockingPool, type BlockingPoolSettings } from './blocking-pool.js';
import { blockingDeadline, withTimeoutLeft } from './blocking-timeout.js';
import { closeClient } from './close-client.js';
import { holdWritesThisTick } from './coalesce-writes.js';
import { locateFailures, targetOf, watchClient } from './connection-target.js';
import { InvalidationTracker } from './invalidation-tracker.js';
import type { DriverClient, DriverName } from './load-driver.js';
import type { ReadFrom } from './options.js';
import { runPipeline } from './run-pipeline.js';
import { callWithScript } from './scripts.js';
import { SharedTracking } from './shared-tracking.js';
import { translateDriverError } from './translate.js';

/** The `onError` option as the clients get it: credentials redacted, never undefined. */
export function reportTo(onError: ((error: Error) => void) | undefined): (error: unknown) => void {
  // Driver errors may hold the password (a refused AUTH keeps its arguments): only redacted
  // copies leave the transport.
  return onError ? (error) => onError(redactCredentials(error) as Error) : () => {};
}

/** The blocking connections' name: the user's `connectionName` (if any) plus `:blocking`. */
export function blockingName(clientOptions: Record<string, unknown> | undefined): string {
  const name = clientOptions?.connectionName;
  return `${typeof name === 'string' && name !== '' ? name : 'cachex'}:blocking`;
}

// Statuses in which a replica can take a read now or after connecting on demand.
const USABLE = new Set(['ready', 'wait', 'connect', 'connecting']);

/** What a {@link NodeTransport} runs on: clients already made, and its settings. */
export interface NodeTransportSetup {
  /** The transport's name (`standalone`, `sentinel`…). */
  name: string;
  driver: DriverName;
  /** The client of the primary (writes, and reads unless routed to a replica). */
  primary: DriverClient;
  /** Clients of read replicas (may be empty). */
  replicas: readonly DriverClient[];
  readFrom: ReadFrom;
  /** The blocking pool's limits (see `blockingPoolSettings`). */
  blocking: BlockingPoolSettings;
  /** Receives background driver errors, already redacted; attached to every client made. */
  onError: (error: unknown) => void;
  /** `CLIENT SETNAME` of the blocking connections. Default `cachex:blocking`. */
  blockingConnectionName?: string;
}

/**
 * A transport on one primary (plus read replicas) through ioredis/iovalkey clients: the
 * standalone and the sentinel transports are this, with clients made their own way. Writes go
 * to the primary; reads follow `readFrom`. Blocking commands run on connections of their own
 * (duplicates of the primary's client), from a bounded pool: with the primary's own
 * connection, at most `maxConnections` to the primary (see `blockingPoolSettings`).
 */
export class NodeTransport implements Transport {
  readonly name: string;
  readonly capabilities: TransportCapabilities;
  /** The driver in use. */
  readonly driver: DriverName;
  readonly #primary: DriverClient;
  readonly #replicas: DriverClient[];
  readonly #readFrom: ReadFrom;
  readonly #blocking: BlockingPool;
  /** Closings under way (idle blocking connections…), awaited by close(). */
  readonly #closing = new Set<Promise<void>>();
  readonly #onError: (error: unknown) => void;
  readonly #isClosed = (): boolean => this.#closed;
  /** The rejection handler of each client's calls (see #fail). */
  readonly #failOn = new WeakMap<DriverClient, (error: unknown) => never>();
  #next = 0;
  #closed = false;
  /** Status and typed events, driven by the primary's client. */
  readonly #health = new HealthEmitter();
  /** Reconnection attempts since the primary was last ready. */
  #attempts = 0;
  /** The address the primary's client last became ready on, to tell a failover. */
  #primaryAddress: string | undefined;
  #closePromise: Promise<void> | undefined;
  /** The near caches' invalidation tracking, one setup shared by all, closed with the transport. */
  readonly #tracking = new SharedTracking((handlers, options) =>
    this.#startTracking(handlers, options),
  );

  constructor(setup: NodeTransportSetup) {
    this.name = setup.name;
    this.driver = setup.driver;
    this.#readFrom = setup.readFrom;
    this.#onError = setup.onError;
    this.#primary = setup.primary;
    this.#replicas = [...setup.replicas];
    // Connection errors name the endpoint and the socket error behind them (ECONNREFUSED…).
    for (const client of [this.#primary, ...this.#replicas]) {
      watchClient(client);
      client.on('error', (error: unknown) => this.reportError(error, client));
    }
    this.#watchPrimary(this.#primary);
    const connectionName = setup.blockingConnectionName ?? 'cachex:blocking';
    this.#blocking = new BlockingPool(
      setup.blocking,
      () => {
        // No command timeout: a blocking command waits as long as it asks to.
        const client = this.#primary.duplicate({
          commandTimeout: undefined,
          lazyConnect: true,
          connectionName,
        });
        client.on('error', this.#onError);
        client.on('error', (error: unknown) => this.reportError(error, client));
        watchClient(client);
        return client;
      },
      (client) => this.#track(closeClient(client, false)),
    );
    this.capabilities = {
      scripts: true,
      transactions: true,
      cluster: false,
      replicas: this.#replicas.length > 0,
    };
  }

  /**
   * Where the primary's connection stands: `connecting` until it is first ready, `ready`,
   * `reconnecting` while the driver connects again after losing it, `closed` after `close()`.
   */
  get status(): TransportStatus {
    return this.#health.status;
  }

  /**
   * Adds a listener of a health event: `error` (background connection errors of any of the
   * transport's connections, as redacted `CachexError`s), `reconnecting` ({ attempt, delayMs }),
   * `ready`, `failover` ({ previous, current }: the primary's client became ready on another
   * address, as after a sentinel failover) and `close`.
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

  /**
   * Emits a background error of `client` as the `error` event: a `CachexError` naming where it
   * connects, credentials redacted. For subclasses with clients of their own (sentinels).
   */
  protected reportError(error: unknown, client?: DriverClient): void {
    if (this.#closed || !this.#health.has('error')) return;
    const translated = translateDriverError(
      error,
      false,
      undefined,
      client === undefined ? undefined : targetOf(client),
    );
    this.#health.emit('error', redactCredentials(translated));
  }

  /** Follows the primary's client: status, `ready`, `reconnecting`, `failover`. */
  #watchPrimary(client: DriverClient): void {
    client.on('ready', () => {
      this.#attempts = 0;
      const stream = (client as { stream?: { remoteAddress?: string; remotePort?: number } })
        .stream;
      const address =
        stream?.remoteAddress === undefined
          ? undefined
          : `${stream.remoteAddress}:${stream.remotePort}`;
      const previous = this.#primaryAddress;
      if (address !== undefined) this.#primaryAddress = address;
      if (this.#health.setStatus('ready')) this.#health.emit('ready');
      if (previous !== undefined && address !== undefined && previous !== address) {
        this.#health.emit('failover', { previous, current: address });
      }
    });
    const lost = (delayMs?: number): void => {
      if (this.#closed) return;
      this.#attempts += 1;
      this.#health.setStatus('reconnecting');
      this.#health.emit(
        'reconnecting',
        typeof delayMs === 'number'
          ? { attempt: this.#attempts, delayMs }
          : { attempt: this.#attempts },
      );
    };
    client.on('reconnecting', (delayMs: unknown) =>
      lost(typeof delayMs === 'number' ? delayMs : undefined),
    );
    // A client that ends without close() (sentinel: no node found) is connected again later.
    client.on('end', () => lost());
  }

  #track(closing: Promise<void>): void {
    // A connection that fails to close cleanly is gone all the same: close() never rejects.
    const done = closing.then(
      () => undefined,
      () => undefined,
    );
    this.#closing.add(done);
    void done.then(() => this.#closing.delete(done));
  }

  /** Throws a driver error of `client` as a cachex error that names where it connects. */
  #fail(client: DriverClient): (error: unknown) => never {
    let fail = this.#failOn.get(client);
    if (fail === undefined) {
      fail = (error) => {
        throw translateDriverError(error, this.#closed, undefined, targetOf(client));
      };
      this.#failOn.set(client, fail);
    }
    return fail;
  }

  #readClient(): DriverClient {
    const replicas = this.#replicas;
    if (replicas.length === 0 || this.#readFrom === 'primary') return this.#primary;
    for (let i = 0; i < replicas.length; i++) {
      const replica = replicas[this.#next++ % replicas.length]!;
      if (this.#readFrom === 'replica' || USABLE.has(replica.status)) return replica;
    }
    return this.#primary;
  }

  command(name: string, args: readonly RedisArg[], options?: RouteOptions): Promise<Reply> {
    if (this.#closed) return Promise.reject(new ClosedError());
    if (options?.blocking === true) return this.#blockingCommand(name, args);
    const client = options?.read === true ? this.#readClient() : this.#primary;
    holdWritesThisTick(client);
    if (options?.script !== undefined) {
      return (callWithScript(client, name, args, options.script) as Promise<Reply>).then(
        undefined,
        this.#fail(client),
      );
    }
    return (client.callBuffer(name, ...args) as Promise<Reply>).then(undefined, this.#fail(client));
  }

  /**
   * Runs a blocking command on a connection of its own from the pool, so that waiting never
   * stalls ordinary commands nor other blocking calls holding a connection. When every
   * connection is busy the call waits for one; that wait counts against its timeout: it is sent
   * with the time left (at least 1 ms), or resolves as a timeout (nil) if its deadline passes
   * before a connection frees up.
   */
  async #blockingCommand(name: string, args: readonly RedisArg[]): Promise<Reply> {
    const deadline = blockingDeadline(name, args, performance.now());
    const acquired = this.#blocking.acquire(deadline?.at);
    let client: DriverClient;
    let sent = args;
    if ('queued' in acquired) {
      client = acquired.client;
    } else {
      const lent = await acquired;
      if (lent === undefined) return null;
      client = lent;
      if (deadline) sent = withTimeoutLeft(args, deadline, performance.now());
    }
    if (this.#closed) {
      this.#blocking.release(client, false);
      throw new ClosedError('The transport was closed before the command was sent');
    }
    try {
      const reply = (await client.callBuffer(name, ...sent)) as Reply;
      this.#blocking.release(client, true);
      return reply;
    } catch (error) {
      // A connection that ended is not lent again; one that reconnects is.
      this.#blocking.release(client, client.status !== 'end');
      throw translateDriverError(error, this.#closed, undefined, targetOf(client));
    }
  }

  async batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
    if (this.#closed) throw new ClosedError();
    const commands = groups.flatMap((g) => g.commands);
    if (commands.length === 0) return [];
    const client =
      options?.transaction !== true && commands.every((c) => c.read === true)
        ? this.#readClient()
        : this.#primary;
    const results = await runPipeline(
      client,
      // A transaction is one atomic group of every command, on the primary.
      options?.transaction === true ? [{ commands, atomic: true }] : groups,
      this.#isClosed,
    );
    return locateFailures(results, targetOf(client));
  }

  partitionKeys(keys: readonly (string | Buffer)[]): number[][] {
    return [keys.map((_, i) => i)];
  }

  async *scan(options: ScanOptions): AsyncGenerator<Buffer[], void, undefined> {
    // SCAN runs on the primary: a replica may lag and miss fresh keys.
    let cursor = '0';
    do {
      if (this.#closed) throw new ClosedError();
      const reply = (await this.#primary
        .callBuffer('SCAN', cursor, 'MATCH', options.match, 'COUNT', options.count ?? 500)
        .then(undefined, this.#fail(this.#primary))) as [Buffer, Buffer[]];
      cursor = reply[0].toString();
      // Keys stay bytes: one that is not valid UTF-8 must be deleted by its own bytes.
      if (reply[1].length > 0) yield reply[1];
    } while (cursor !== '0');
  }

  async broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]> {
    return [await this.command(name, args)];
  }

  /**
   * Server-assisted invalidation for a near cache: `CLIENT TRACKING` on the primary's
   * connection, redirected to a subscriber connection of its own (see `InvalidationTracker`).
   * Reads served by replicas are not tracked this way, so a transport that reads from replicas
   * refuses (the near cache then keeps nothing and says why in its stats).
   */
  trackInvalidations(
    handlers: InvalidationHandlers,
    options?: InvalidationOptions,
  ): InvalidationTracking {
    if (this.#closed) throw new ClosedError();
    if (this.#replicas.length > 0 && this.#readFrom !== 'primary') {
      throw new ConfigError(
        `nearCache cannot track reads served by replicas (readFrom: '${this.#readFrom}'); use readFrom: 'primary'`,
        { context: { field: 'readFrom' } },
      );
    }
    return this.#tracking.join(handlers, options);
  }

  /** Starts the one tracking setup of the primary's connection (see SharedTracking). */
  #startTracking(
    handlers: InvalidationHandlers,
    options?: InvalidationOptions,
  ): InvalidationTracking {
    const subscriber = this.#primary.duplicate({
      lazyConnect: true,
      autoResubscribe: false,
      connectionName: 'cachex:invalidations',
    });
    subscriber.on('error', (error: unknown) => this.reportError(error, subscriber));
    watchClient(subscriber);
    return new InvalidationTracker(this.#primary, subscriber, handlers, options);
  }

  getClient(options?: ClientOptions): DriverClient {
    return options?.write === false ? this.#readClient() : this.#primary;
  }

  /**
   * Closes every connection, and resolves once none is left open and no timer of the
   * transport or its drivers is pending, so that nothing keeps the process alive. Commands
   * already sent on a working connection still get their replies; blocking calls, those waiting
   * for a blocking connection, and commands queued while the server is unreachable reject with
   * a `ClosedError` each. Later calls reject with a `ClosedError`.
   */
  close(): Promise<void> {
    this.#closePromise ??= this.#close();
    return this.#closePromise;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#health.setStatus('closed');
    // Waiting calls reject, idle connections close; busy ones are cut at once (a blocking
    // command may wait on the server for ever), and their calls reject with ClosedErrors.
    for (const client of this.#blocking.close()) this.#track(closeClient(client, false));
    this.#track(this.#tracking.close());
    for (const client of [this.#primary, ...this.#replicas]) this.#track(closeClient(client, true));
    while (this.#closing.size > 0) await Promise.all(this.#closing);
    this.#health.emit('close');
  }

  /** What `util.inspect` shows: the shape of the transport, never its credentials. */
  [inspect.custom](): string {
    const stats = this.#blocking.stats;
    return `${this.constructor.name} ${inspect({
      driver: this.driver,
      readFrom: this.#readFrom,
      replicas: this.#replicas.length,
      closed: this.#closed,
      status: this.#health.status,
      blockingConnections: stats,
    })}`;
  }
}
