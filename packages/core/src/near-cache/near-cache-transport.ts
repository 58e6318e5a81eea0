import { forwardExtraMethods } from '../forward-methods.js';
import type { TransportEventListener, TransportEventName, TransportStatus } from '../health.js';
import { keysOf } from '../key-spec.js';
import type {
  BatchOptions,
  BatchResult,
  ClientOptions,
  CommandGroup,
  RedisArg,
  Reply,
  RouteOptions,
  ScanOptions,
  Transport,
  TransportCapabilities,
} from '../types/transport.js';
import type { NearCache } from './near-cache.js';

/** Commands without keys that change no value: everything else without keys empties. */
const KEYLESS_READS = new Set(['PING', 'ECHO', 'INFO', 'TIME', 'DBSIZE', 'SCRIPT', 'COMMAND']);

/**
 * A transport that drops from the near cache, before sending, every key a write command of
 * this process touches: the cache reads its own writes at once, without waiting for the
 * server's invalidation message. A write whose keys it cannot tell (a raw command without a
 * key spec, a keyless command such as FLUSHDB) empties the near cache.
 */
export class NearCacheTransport implements Transport {
  readonly #inner: Transport;
  readonly #near: NearCache;

  constructor(inner: Transport, near: NearCache) {
    this.#inner = inner;
    this.#near = near;
    forwardExtraMethods(this, inner);
  }

  #written(name: string, command: RouteOptions | undefined, args: readonly RedisArg[]): void {
    if (command?.read === true || KEYLESS_READS.has(name.toUpperCase())) return;
    const keys = command?.keys === undefined ? undefined : keysOf(command.keys, args);
    if (keys === undefined || keys.length === 0) this.#near.flush();
    else this.#near.invalidate(keys.map(String));
  }

  get name(): string {
    return this.#inner.name;
  }

  get capabilities(): TransportCapabilities {
    return this.#inner.capabilities;
  }

  get status(): TransportStatus {
    return this.#inner.status ?? 'ready';
  }

  on<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): this {
    this.#inner.on?.(event, listener);
    return this;
  }

  off<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): this {
    this.#inner.off?.(event, listener);
    return this;
  }

  command(name: string, args: readonly RedisArg[], options?: RouteOptions): Promise<Reply> {
    this.#written(name, options, args);
    return this.#inner.command(name, args, options);
  }

  batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
    for (const group of groups) {
      for (const command of group.commands) this.#written(command.name, command, command.args);
    }
    return this.#inner.batch(groups, options);
  }

  partitionKeys(keys: readonly (string | Buffer)[]): number[][] {
    return this.#inner.partitionKeys(keys);
  }

  scan(options: ScanOptions): AsyncIterable<Buffer[]> {
    return this.#inner.scan(options);
  }

  broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]> {
    // FLUSHDB, SCRIPT FLUSH…: which keys a broadcast changes is not known here.
    this.#near.flush();
    return this.#inner.broadcast(name, args);
  }

  getClient(options?: ClientOptions): unknown {
    return this.#inner.getClient(options);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
