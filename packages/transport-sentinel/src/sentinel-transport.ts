import type { Endpoint } from '@cachex/config';
import { createOptionalLoader } from '@cachex/core/internal';
import {
  blockingName,
  blockingPoolSettings,
  buildClientOptions,
  closeClient,
  type DriverClient,
  type DriverName,
  loadDriver,
  NodeTransport,
  reportTo,
  tlsFor,
} from '@cachex/transport-standalone/driver';
import type { SentinelTransportOptions } from './options.js';
import { parseSentinelOptions, type SentinelHost } from './parse-options.js';
import { trackingConnector } from './tracked-connector.js';

// Anchored here: the drivers are optional peers of this package.
const optional = createOptionalLoader(import.meta.url);

/** The driver's module: its client class, and its SentinelConnector. */
function loadDriverModule(name: DriverName): Record<string, unknown> {
  return optional.load<Record<string, unknown>>(name, `The ${name} driver`);
}

/** An endpoint without TLS settings of its own, to build the sentinels' TLS options. */
const NO_ENDPOINT: Endpoint = { scheme: 'redis', tls: false, options: {} };

/**
 * A write sent to a primary that was demoted (a failover while this client was connected to
 * it) is refused with READONLY: reconnect, which asks the sentinels for the new primary. The
 * command itself fails (1, not 2 = "resend"): resending one command of a MULTI block alone
 * would run it outside its transaction.
 */
function reconnectOnReadonly(error: Error): 1 | false {
  return typeof error?.message === 'string' && error.message.startsWith('READONLY') ? 1 : false;
}

/**
 * How long a client waits before asking the sentinels again after none could give it a node,
 * in milliseconds: quickly for the primary (writes wait for it), slowly for a replica (reads go
 * to the primary meanwhile with `preferReplica`).
 */
const restartDelay = {
  master: (attempt: number) => Math.min(attempt * 50, 500),
  slave: (attempt: number) => Math.min(attempt * 500, 5000),
} as const;

/**
 * A transport for Redis/Valkey behind Sentinel. The driver asks the sentinels where the primary
 * (and, for reads, a replica) is, and asks again whenever a connection is lost, so that after a
 * failover commands go to the new primary. Writes go to the primary; reads follow `readFrom`
 * (`'primary'` by default). Blocking commands run on connections of their own, from a bounded
 * pool, which follow the primary the same way. `maxConnections` bounds the connections to the
 * data nodes (the primary's, and one to the replica read from); those to the sentinels
 * (lookups, the `+switch-master` subscription) are not data connections and are not counted.
 */
export class SentinelTransport extends NodeTransport {
  /** The name the sentinels monitor. */
  readonly masterName: string;
  /** The sentinels given (the driver also learns the others from them). */
  readonly sentinels: readonly SentinelHost[];
  /** Restarts of clients that found no node through the sentinels, cleared by close(). */
  readonly #restarts = new Set<ReturnType<typeof setTimeout>>();
  /** Clients open to sentinels for lookups, awaited by close(). */
  readonly #sentinelClients: Set<DriverClient>;
  #closing = false;
  #closePromise: Promise<void> | undefined;

  constructor(options: SentinelTransportOptions) {
    const settings = parseSentinelOptions(options);
    const { driver, endpoint, masterName, sentinels, readFrom } = settings;
    // The data nodes' bound: the location's `?max_connections=` wins over the option.
    const blocking = blockingPoolSettings(options, endpoint.options);
    // The client class and the sentinel connector from one copy of the driver.
    const driverModule = loadDriverModule(driver);
    const Driver = loadDriver(driver, () => driverModule);
    const sentinelClients = new Set<DriverClient>();
    const Connector = trackingConnector(driverModule.SentinelConnector, sentinelClients);
    const onError = reportTo(options.onError);

    // Credentials, db, timeouts, TLS and the reconnect backoff of the data nodes, exactly as
    // for a standalone server; the address comes from the sentinels instead of the URL.
    const base = buildClientOptions(endpoint, driver, options);
    delete base.host;
    delete base.port;
    delete base.path;
    const user = options.clientOptions ?? {};
    const defaults: Record<string, unknown> = {
      reconnectOnError: reconnectOnReadonly,
      // One pass over the sentinels per connection attempt. When none of them gives a node, the
      // attempt fails (commands waiting for it get a ConnectionError at once) and the transport
      // tries again a little later (see #restartWhenEnded), rather than the driver retrying in
      // a loop that keeps commands waiting and cannot be stopped by close().
      sentinelRetryStrategy: () => null,
      // A sentinel that accepts the connection but does not answer must not stall the lookup.
      sentinelCommandTimeout: base.connectTimeout,
      // A node that stops answering without closing its connections (a hung or unreachable
      // host) would hold this client for ever: commands time out one by one and nothing makes
      // the driver ask the sentinels again. With no reply for this long while commands wait,
      // the connection is dropped, and the reconnection finds the current primary (replica).
      socketTimeout: base.commandTimeout,
      // After a failover the old primary, if still up, stays a writable primary until a
      // sentinel reconfigures it (about 8 s later); every write it acknowledges meanwhile is
      // lost when it resynchronises from the new one. Subscribed to the sentinels'
      // +switch-master, the client drops its connection the moment they switch, and the
      // reconnection finds the new primary.
      failoverDetector: true,
    };
    for (const [key, value] of Object.entries(defaults)) {
      if (user[key] === undefined) base[key] = value;
    }
    const sentinelTls = tlsFor(NO_ENDPOINT, options.sentinelTls);
    const sentinelOptions: Record<string, unknown> = {
      ...base,
      sentinels: sentinels.map(({ host, port }) => ({ host, port })),
      name: masterName,
      // Without it the drivers connect to the data nodes in clear text even with `tls` set.
      enableTLSForSentinelMode: base.tls !== undefined,
    };
    if (Connector !== undefined && user.Connector === undefined)
      sentinelOptions.Connector = Connector;
    if (options.sentinelUsername !== undefined)
      sentinelOptions.sentinelUsername = options.sentinelUsername;
    if (options.sentinelPassword !== undefined)
      sentinelOptions.sentinelPassword = options.sentinelPassword;
    if (sentinelTls !== undefined) sentinelOptions.sentinelTLS = sentinelTls;

    const connect = (role: 'master' | 'slave'): DriverClient => {
      const client = new Driver({ ...sentinelOptions, role });
      // Background errors (reconnects, a sentinel without an answer) would otherwise be printed
      // by the driver; callers see failures on their commands and can observe these.
      client.on('error', onError);
      client.on('sentinelError', onError);
      return client;
    };
    const primary = connect('master');
    // Blocking connections are duplicates of the primary's client; a blocking command waits
    // without a reply by design, so the dead-connection timeout must not apply to them.
    const duplicate = primary.duplicate.bind(primary);
    primary.duplicate = (override) => duplicate({ ...override, socketTimeout: undefined });
    // One client for reads: the driver picks one of the replicas the sentinels list (at random)
    // and picks again on every reconnection. None when reads go to the primary.
    const replicas = readFrom === 'primary' ? [] : [connect('slave')];
    super({
      name: 'sentinel',
      driver,
      primary,
      replicas,
      readFrom,
      blocking,
      onError,
      blockingConnectionName: blockingName(options.clientOptions),
    });
    this.masterName = masterName;
    this.#sentinelClients = sentinelClients;
    this.sentinels = Object.freeze(sentinels.map((s) => Object.freeze({ ...s })));
    // A sentinel that cannot be reached or gives no answer is a background error too.
    for (const client of [primary, ...replicas]) {
      client.on('sentinelError', (error: unknown) => this.reportError(error));
    }
    this.#restartWhenEnded(primary, restartDelay.master);
    for (const replica of replicas) this.#restartWhenEnded(replica, restartDelay.slave);
  }

  /**
   * A client whose connection attempt found no node (every sentinel down, or none listing a
   * replica) ends; connect it again after a delay, until close(). Meanwhile its commands fail
   * at once, and `preferReplica` reads go to the primary.
   */
  #restartWhenEnded(client: DriverClient, delay: (attempt: number) => number): void {
    let attempts = 0;
    client.on('ready', () => {
      attempts = 0;
    });
    client.on('end', () => {
      if (this.#closing) return;
      attempts += 1;
      const timer = setTimeout(() => {
        this.#restarts.delete(timer);
        if (this.#closing || client.status !== 'end') return;
        // A failure is reported through the client's 'error' event, and ends it again.
        client.connect().catch(() => {});
      }, delay(attempts));
      // Waiting to reconnect never keeps the process alive on its own.
      timer.unref();
      this.#restarts.add(timer);
    });
  }

  /**
   * Closes every connection, those to the sentinels included, and resolves once none is left
   * open and no timer of the transport or its driver is pending (see NodeTransport.close).
   */
  override close(): Promise<void> {
    this.#closePromise ??= this.#close();
    return this.#closePromise;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    for (const timer of this.#restarts) clearTimeout(timer);
    this.#restarts.clear();
    await super.close();
    // Lookups still under way ended with their clients; their sentinel connections may still
    // be closing.
    while (this.#sentinelClients.size > 0) {
      const clients = [...this.#sentinelClients];
      this.#sentinelClients.clear();
      await Promise.all(clients.map((client) => closeClient(client, false)));
    }
  }
}

/**
 * Creates a transport for a Redis/Valkey primary found through Sentinel, with its replicas for
 * reads. Synchronous and lazy: the first command asks the sentinels and connects.
 *
 * @example
 * ```ts
 * const transport = createSentinelTransport({
 *   location: 'redis://:data-password@mymaster/0',
 *   sentinels: [['10.0.0.1', 26379], ['10.0.0.2', 26379], ['10.0.0.3', 26379]],
 * });
 * ```
 */
export function createSentinelTransport(options: SentinelTransportOptions): SentinelTransport {
  return new SentinelTransport(options);
}
