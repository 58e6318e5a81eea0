import type { CircuitBreaker } from './circuit-breaker.js';
import { isUnavailable } from './circuit-breaker.js';
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

/** The first connection or timeout failure among a batch's results, if any. */
function unavailableIn(results: readonly BatchResult[]): unknown {
  for (const result of results) if (!result.ok && isUnavailable(result.error)) return result.error;
  return undefined;
}

/**
 * A transport whose calls go through a {@link CircuitBreaker}: while the circuit is open they
 * reject with a `CircuitOpenError` without being sent. Everything else (status, events,
 * `getClient`, `close`, a transport's own methods such as the memory transport's
 * `defineScript`) is the wrapped transport's.
 */
export class CircuitBreakerTransport implements Transport {
  readonly #inner: Transport;
  readonly #breaker: CircuitBreaker;

  constructor(inner: Transport, breaker: CircuitBreaker) {
    this.#inner = inner;
    this.#breaker = breaker;
    forwardExtraMethods(this, inner);
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
    const admission = this.#breaker.admit();
    if (typeof admission !== 'string') return Promise.reject(admission);
    return this.#inner.command(name, args, options).then(
      (reply) => {
        this.#breaker.settle(admission);
        return reply;
      },
      (error: unknown) => {
        this.#breaker.settle(admission, error);
        throw error;
      },
    );
  }

  batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
    const admission = this.#breaker.admit();
    if (typeof admission !== 'string') return Promise.reject(admission);
    return this.#inner.batch(groups, options).then(
      (results) => {
        this.#breaker.settle(admission, unavailableIn(results));
        return results;
      },
      (error: unknown) => {
        this.#breaker.settle(admission, error);
        throw error;
      },
    );
  }

  partitionKeys(keys: readonly (string | Buffer)[]): number[][] {
    return this.#inner.partitionKeys(keys);
  }

  async *scan(options: ScanOptions): AsyncGenerator<Buffer[], void, undefined> {
    const admission = this.#breaker.admit();
    if (typeof admission !== 'string') throw admission;
    // Settled however the iteration ends (a consumer may stop early): a probe left unsettled
    // would keep the circuit from ever closing.
    let failure: unknown;
    try {
      for await (const page of this.#inner.scan(options)) yield page;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      this.#breaker.settle(admission, failure);
    }
  }

  broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]> {
    const admission = this.#breaker.admit();
    if (typeof admission !== 'string') return Promise.reject(admission);
    return this.#inner.broadcast(name, args).then(
      (replies) => {
        this.#breaker.settle(admission);
        return replies;
      },
      (error: unknown) => {
        this.#breaker.settle(admission, error);
        throw error;
      },
    );
  }

  getClient(options?: ClientOptions): unknown {
    return this.#inner.getClient(options);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
