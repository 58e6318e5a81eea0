import {
  type BatchOptions,
  type BatchResult,
  ClosedError,
  type CommandGroup,
  HealthEmitter,
  NO_KEYS,
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
import { blockingParsers } from './commands/lists-blocking.js';
import type { MemoryStore } from './memory-store.js';
import { MemoryTransport } from './memory-transport.js';

function closed(): ClosedError {
  return new ClosedError('The dummy transport has been closed');
}

/** BLPOP, BRPOP, BLMOVE, BRPOPLPUSH: the commands that may wait for an element. */
function mayBlock(name: string): boolean {
  return Object.hasOwn(blockingParsers, name.toUpperCase());
}

/**
 * A transport that accepts every call and keeps nothing, as Django's `DummyCache`: for turning
 * caching off (in development, in tests of the code around a cache) without changing that code.
 *
 * Every command runs on an in-process store, as on the memory transport, so replies have the
 * shapes Redis gives them and invalid arguments fail the same way; the store is emptied after
 * every command and every batch. So, through a Cache:
 *
 * - `set`, `add`, `setMany` resolve as if they stored the values; `get` resolves `undefined`,
 *   `has` false, `getMany` nothing;
 * - `incr` resolves `1` (or `delta`) every time: a missing key counts as 0, as on Redis
 *   (Django's dummy cache raises instead);
 * - `getOrSet` calls its factory every time;
 * - within one batch (a pipeline, an atomic group, a transaction) the commands see each other's
 *   writes, as they would on a server, and the batch's writes are gone afterwards;
 * - blocking pops (`blpop`, `brpop`, `blmove`) resolve `undefined` at once, whatever their
 *   timeout, `0` (wait for ever) included: no element can ever arrive;
 * - a lock (`@cachex/lock`) refuses to acquire with a `NotSupportedError` (and `withLock` rejects
 *   before running its function): a lock whose key is not kept would exclude nobody, and
 *   running the protected work everywhere at once must not happen silently;
 * - scripts run, on a store that is emptied afterwards.
 *
 * `name` is `'dummy'`; the capabilities are the memory transport's, with `ephemeral: true`. WRONGTYPE errors cannot
 * happen across calls, nothing being kept. No timer runs: nothing ever keeps a process alive.
 */
export class DummyTransport implements Transport {
  readonly name = 'dummy';
  readonly capabilities: TransportCapabilities;
  readonly #memory: MemoryTransport;
  #closed = false;

  /** Health: `ready` from the start (no connection to lose), `closed` after `close()`. */
  readonly #health = new HealthEmitter('ready');

  /** `ready` until `close()`, then `closed`. */
  get status(): TransportStatus {
    return this.#health.status;
  }

  /**
   * Adds a listener of a health event. An in-process transport only ever emits `close` (it is
   * ready from the start and never loses a connection); the others are accepted for the
   * common contract.
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

  constructor() {
    // No expiry sweeper: nothing is ever kept long enough to expire.
    this.#memory = new MemoryTransport({ sweepIntervalMs: 0 });
    this.capabilities = { ...this.#memory.capabilities, ephemeral: true };
  }

  command(name: string, args: readonly RedisArg[], options?: RouteOptions): Promise<Reply> {
    if (this.#closed) return Promise.reject(closed());
    try {
      // The memory transport would wait out a blocking pop's timeout on a list that is always
      // empty; run as a one-command batch, the store answers nil at once (arguments checked).
      if (mayBlock(name)) return this.#single(name, args, options);
      // The command runs synchronously inside: the store can be emptied at once.
      return this.#memory.command(name, args, options);
    } finally {
      this.#forget();
    }
  }

  async #single(
    name: string,
    args: readonly RedisArg[],
    options: RouteOptions | undefined,
  ): Promise<Reply> {
    const command = { ...options, name, args, keys: options?.keys ?? NO_KEYS };
    const [result] = await this.#memory.batch([{ commands: [command] }]);
    if (result === undefined) return null;
    if (!result.ok) throw result.error;
    return result.value;
  }

  batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
    if (this.#closed) return Promise.reject(closed());
    try {
      // Runs synchronously inside; the writes are gone once it returns.
      return this.#memory.batch(groups, options);
    } finally {
      this.#forget();
    }
  }

  partitionKeys(keys: readonly (string | Buffer)[]): number[][] {
    return [keys.map((_, i) => i)];
  }

  /** Finds no key: none is ever kept. */
  async *scan(options: ScanOptions): AsyncGenerator<Buffer[], void, undefined> {
    if (this.#closed) throw closed();
    yield* this.#memory.scan(options);
  }

  async broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]> {
    return [await this.command(name, args)];
  }

  /** The {@link MemoryStore} commands run on, empty between calls. */
  getClient(): MemoryStore {
    return this.#memory.store;
  }

  /** Later calls reject with a `ClosedError`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#memory.close();
    this.#health.setStatus('closed');
    this.#health.emit('close');
  }

  #forget(): void {
    // Most calls write nothing: then there is nothing to flush.
    if (this.#memory.store.size > 0) this.#memory.store.call('FLUSHALL', []);
  }
}

/**
 * Creates a transport that accepts every call and keeps nothing (see {@link DummyTransport}):
 * caching turned off without changing the code that uses the cache.
 *
 * @example
 * ```ts
 * import { createCodec } from '@cachex/codecs';
 * import { createCache } from '@cachex/core';
 * import { createDummyTransport } from '@cachex/transport-memory';
 *
 * const cache = createCache({ transport: createDummyTransport(), codec: createCodec() });
 * await cache.set('k', 1); // true
 * await cache.get('k'); // undefined
 * ```
 */
export function createDummyTransport(): DummyTransport {
  return new DummyTransport();
}
