import {
  type BatchOptions,
  type BatchResult,
  type ClientOptions,
  ClosedError,
  type CommandGroup,
  HealthEmitter,
  type RedisArg,
  type Reply,
  type RouteOptions,
  type ScanOptions,
  type Transport,
  type TransportCapabilities,
  type TransportEventListener,
  type TransportEventName,
  type TransportStatus,
} from '@cachex/core';
import { forwardExtraMethods } from '@cachex/core/internal';

function closedError(): ClosedError {
  return new ClosedError(
    'The cache has been closed (its connections are shared with other caches)',
  );
}

/**
 * One transport used by several caches, closed when the last of them closes. Each cache gets a
 * {@link SharedTransportHandle} of its own; closing a handle releases its reference only.
 */
export class SharedTransport {
  readonly transport: Transport;
  #references = 0;
  #closing: Promise<void> | undefined;

  constructor(transport: Transport) {
    this.transport = transport;
  }

  /** A new handle, holding one reference. */
  acquire(): SharedTransportHandle {
    this.#references++;
    return new SharedTransportHandle(this);
  }

  /** Gives a reference back; the last one closes the transport. */
  release(): Promise<void> {
    this.#references--;
    if (this.#references > 0) return Promise.resolve();
    this.#closing ??= this.transport.close();
    return this.#closing;
  }
}

/**
 * A cache's view of a {@link SharedTransport}: every call goes to the shared transport (the
 * same connections; `getClient()` returns the shared driver client), until `close()`, which
 * releases this cache's reference once. After it, this handle's calls reject with a
 * `ClosedError`, as a closed transport's do, while the other caches go on.
 *
 * Methods a transport has beyond the contract (the memory transport's `defineScript`…) are
 * forwarded too.
 */
export class SharedTransportHandle implements Transport {
  readonly #shared: SharedTransport;
  #closing: Promise<void> | undefined;
  /**
   * The listeners added through this handle, removed from the shared transport when the handle
   * closes; and the handle's own `close` event (the shared transport closes later, or never).
   */
  readonly #listeners: [TransportEventName, TransportEventListener<never>][] = [];
  readonly #own = new HealthEmitter();

  constructor(shared: SharedTransport) {
    this.#shared = shared;
    forwardExtraMethods(this, shared.transport);
  }

  get name(): string {
    return this.#shared.transport.name;
  }

  get capabilities(): TransportCapabilities {
    return this.#shared.transport.capabilities;
  }

  /** The shared connection's status; `closed` once this handle is closed. */
  get status(): TransportStatus {
    if (this.#closing !== undefined) return 'closed';
    return this.#shared.transport.status ?? 'ready';
  }

  /**
   * Adds a listener of the shared connection's events (`close`: this handle's own close). The
   * listeners added here are removed when the handle closes.
   */
  on<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): this {
    if (event === 'close') {
      this.#own.on(event, listener as TransportEventListener<'close'>);
    } else if (this.#closing === undefined) {
      this.#shared.transport.on?.(event, listener);
      this.#listeners.push([event, listener as TransportEventListener<never>]);
    }
    return this;
  }

  /** Removes a listener added with `on`. */
  off<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): this {
    if (event === 'close') {
      this.#own.off(event, listener as TransportEventListener<'close'>);
      return this;
    }
    this.#shared.transport.off?.(event, listener);
    const at = this.#listeners.findIndex(([e, l]) => e === event && l === listener);
    if (at >= 0) this.#listeners.splice(at, 1);
    return this;
  }

  /** True once this handle has been closed (the shared transport may still be open). */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  command(name: string, args: readonly RedisArg[], options?: RouteOptions): Promise<Reply> {
    if (this.#closing !== undefined) return Promise.reject(closedError());
    return this.#shared.transport.command(name, args, options);
  }

  batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
    if (this.#closing !== undefined) return Promise.reject(closedError());
    return this.#shared.transport.batch(groups, options);
  }

  partitionKeys(keys: readonly (string | Buffer)[]): number[][] {
    return this.#shared.transport.partitionKeys(keys);
  }

  async *scan(options: ScanOptions): AsyncGenerator<Buffer[], void, undefined> {
    if (this.#closing !== undefined) throw closedError();
    for await (const page of this.#shared.transport.scan(options)) {
      // A cache closed while it iterates stops at the next page, as a closed transport would.
      if (this.#closing !== undefined) throw closedError();
      yield page;
    }
  }

  broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]> {
    if (this.#closing !== undefined) return Promise.reject(closedError());
    return this.#shared.transport.broadcast(name, args);
  }

  getClient(options?: ClientOptions): unknown {
    return this.#shared.transport.getClient(options);
  }

  /** Releases this cache's reference, once; the last reference closes the connections. */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      for (const [event, listener] of this.#listeners.splice(0)) {
        this.#shared.transport.off?.(event as never, listener);
      }
      this.#closing = this.#shared.release().then(() => {
        this.#own.emit('close');
      });
    }
    return this.#closing;
  }
}
