import {
  type BatchOptions,
  type BatchResult,
  type ClientOptions,
  ClosedError,
  type CommandGroup,
  type RedisArg,
  type Reply,
  type RouteOptions,
  type ScanOptions,
  type Transport,
  type TransportCapabilities,
} from '@cachex/core';

// The methods of the Transport contract, which the handle implements itself.
const CONTRACT = new Set<PropertyKey>([
  'constructor',
  'name',
  'capabilities',
  'command',
  'batch',
  'partitionKeys',
  'scan',
  'broadcast',
  'getClient',
  'close',
  // Disposal closes: through the handle's close(), never the shared transport's.
  Symbol.asyncDispose,
  Symbol.dispose,
]);

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

  constructor(shared: SharedTransport) {
    this.#shared = shared;
    const target = shared.transport as unknown as Record<PropertyKey, unknown>;
    for (const name of extraMethods(target)) {
      Object.defineProperty(this, name, {
        value: (...args: unknown[]) =>
          (target[name] as (...a: unknown[]) => unknown).apply(target, args),
        enumerable: false,
        configurable: true,
        writable: true,
      });
    }
  }

  get name(): string {
    return this.#shared.transport.name;
  }

  get capabilities(): TransportCapabilities {
    return this.#shared.transport.capabilities;
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
    this.#closing ??= this.#shared.release();
    return this.#closing;
  }
}

/** Function-valued properties of `target` (own and inherited) outside the Transport contract. */
function extraMethods(target: Record<PropertyKey, unknown>): PropertyKey[] {
  const names = new Set<PropertyKey>();
  for (
    let object: object | null = target;
    object !== null && object !== Object.prototype;
    object = Object.getPrototypeOf(object) as object | null
  ) {
    for (const name of Reflect.ownKeys(object)) {
      if (CONTRACT.has(name) || names.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(object, name);
      // Only plain methods: getters stay on the target (reading them here could have effects).
      if (descriptor !== undefined && typeof descriptor.value === 'function') names.add(name);
    }
  }
  return [...names];
}
