import type { CircuitBreaker } from './circuit-breaker.js';
import { isUnavailable } from './circuit-breaker.js';
import { ForwardingTransport } from './forwarding-transport.js';
import type {
  BatchOptions,
  BatchResult,
  CommandGroup,
  RedisArg,
  Reply,
  RouteOptions,
  ScanOptions,
  Transport,
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
export class CircuitBreakerTransport extends ForwardingTransport {
  readonly #breaker: CircuitBreaker;

  constructor(inner: Transport, breaker: CircuitBreaker) {
    super(inner);
    this.#breaker = breaker;
  }

  override command(
    name: string,
    args: readonly RedisArg[],
    options?: RouteOptions,
  ): Promise<Reply> {
    const admission = this.#breaker.admit();
    if (typeof admission !== 'string') return Promise.reject(admission);
    return this.inner.command(name, args, options).then(
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

  override batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
    const admission = this.#breaker.admit();
    if (typeof admission !== 'string') return Promise.reject(admission);
    return this.inner.batch(groups, options).then(
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

  override async *scan(options: ScanOptions): AsyncGenerator<Buffer[], void, undefined> {
    const admission = this.#breaker.admit();
    if (typeof admission !== 'string') throw admission;
    // Settled however the iteration ends (a consumer may stop early): a probe left unsettled
    // would keep the circuit from ever closing.
    let failure: unknown;
    try {
      for await (const page of this.inner.scan(options)) yield page;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      this.#breaker.settle(admission, failure);
    }
  }

  override broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]> {
    const admission = this.#breaker.admit();
    if (typeof admission !== 'string') return Promise.reject(admission);
    return this.inner.broadcast(name, args).then(
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
}
