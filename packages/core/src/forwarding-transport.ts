import { forwardExtraMethods } from './forward-methods.js';
import type { TransportEventListener, TransportEventName, TransportStatus } from './health.js';
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
} from './types/transport.js';

/**
 * A transport that hands everything to another one: the base of the cache's wrappers (circuit
 * breaker, near cache), which override the calls they change. Status, events, `getClient`,
 * `close` and a transport's own methods (`trackInvalidations`, the memory transport's
 * `defineScript`…) stay the wrapped transport's.
 */
export class ForwardingTransport implements Transport {
  protected readonly inner: Transport;

  constructor(inner: Transport) {
    this.inner = inner;
    forwardExtraMethods(this, inner);
  }

  get name(): string {
    return this.inner.name;
  }

  get capabilities(): TransportCapabilities {
    return this.inner.capabilities;
  }

  get status(): TransportStatus {
    return this.inner.status ?? 'ready';
  }

  on<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): this {
    this.inner.on?.(event, listener);
    return this;
  }

  off<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): this {
    this.inner.off?.(event, listener);
    return this;
  }

  command(name: string, args: readonly RedisArg[], options?: RouteOptions): Promise<Reply> {
    return this.inner.command(name, args, options);
  }

  batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
    return this.inner.batch(groups, options);
  }

  partitionKeys(keys: readonly (string | Buffer)[]): number[][] {
    return this.inner.partitionKeys(keys);
  }

  scan(options: ScanOptions): AsyncIterable<Buffer[]> {
    return this.inner.scan(options);
  }

  broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]> {
    return this.inner.broadcast(name, args);
  }

  getClient(options?: ClientOptions): unknown {
    return this.inner.getClient(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
