import { type CacheContext, createCacheContext } from './cache-context.js';
import type { CacheOptions } from './cache-options.js';
import { CircuitBreaker, resolveCircuitBreaker } from './circuit-breaker.js';
import { CircuitBreakerTransport } from './circuit-transport.js';
import { checkOptions } from './commands/flags.js';
import { type HashMethods, hashSteps } from './commands/hash-methods.js';
import {
  type BlockingListMethods,
  blockingListSteps,
  type ListMethods,
  listSteps,
} from './commands/list-methods.js';
import type { ScanKeysOptions } from './commands/options.js';
import { deletePattern, iterKeys, keys } from './commands/scan-keys.js';
import { type SetMethods, setSteps } from './commands/set-methods.js';
import { type SortedSetMethods, sortedSetSteps } from './commands/sorted-set-methods.js';
import { type StringMethods, stringSteps } from './commands/string-methods.js';
import { ConfigError, InvalidArgumentError } from './errors.js';
import { getManyOrSet, type ManyFactory } from './get-or-set/get-many-or-set.js';
import { type GetOrSetHost, GetOrSetRunner, type ValueOrFactory } from './get-or-set/get-or-set.js';
import {
  type GetManyOrSetOptions,
  type GetOrSetOptions,
  type GetOrSetResult,
  type ResolvedGetOrSet,
  resolveGetManyOrSetOptions,
  resolveGetOrSetOptions,
} from './get-or-set/options.js';
import { RefreshState } from './get-or-set/refresh-state.js';
import {
  type CacheEventListener,
  type CacheEventMap,
  type CacheEventName,
  HealthEmitter,
  type TransportStatus,
} from './health.js';
import { createFailurePolicy, type FailurePolicy } from './ignore-exceptions.js';
import { defaultKeyFunction, defaultReverseKey } from './key-function.js';
import { type AnyBuilder, FAILURE_POLICY, installCacheMethods } from './methods/install.js';
import {
  NearCache,
  type NearCacheStats,
  NOT_HELD,
  resolveNearCacheOptions,
} from './near-cache/near-cache.js';
import { NearCacheTransport } from './near-cache/near-cache-transport.js';
import { nearReadStep } from './near-cache/near-read.js';
import { createPipeline, type Pipeline, type PipelineOptions } from './pipeline.js';
import { runStepRetrying } from './retry-on-timeout.js';
import { SingleFlight } from './single-flight.js';
import type { AnyStep, StepBuilder } from './step.js';
import { validateDefaultTimeout } from './timeout.js';
import type { ClientOptions, InvalidationTracking, Transport } from './types/transport.js';
import { DEFAULT_MAX_KEY_LENGTH } from './validate-key.js';
import { resolveMaxValueSize } from './value-size.js';

/** The cache's own events; the others are its transport's. */
/** Stands for a closed cache's tracking: nothing to close, and none to start. */
const CLOSED_TRACKING: InvalidationTracking = { close: () => Promise.resolve() };

const OWN_EVENTS: ReadonlySet<CacheEventName> = new Set<CacheEventName>([
  'ignoredError',
  'circuitOpen',
  'circuitClose',
  'factoryError',
]);

/** Default timeout in seconds (Django's). */
export const DEFAULT_TIMEOUT = 300;

/**
 * The cache client. Works the same on every transport: keys are `${prefix}:${version}:${key}`,
 * values go through the codec (exact integers as decimal text, so the server can INCR them),
 * and timeouts are seconds (`null` = never expire, `0`/negative = remove now).
 *
 * Create one with {@link createCache}. Every method is async and rejects with a `CachexError`;
 * with `ignoreExceptions`, connection and timeout failures resolve a neutral result instead
 * (see "Fail-open" in the core README).
 *
 * @example
 * ```ts
 * const cache = createCache({ transport, codec: createCodec(), keyPrefix: 'myapp' });
 * await cache.set('user:42', { name: 'Ada' }, { timeout: 60 });
 * const user = await cache.get<{ name: string }>('user:42');
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface lists the methods installed from the step tables below.
export class Cache {
  /** Key making, encoding and defaults, shared with pipelines. */
  readonly context: CacheContext;
  readonly #flights = new SingleFlight();
  readonly #getOrSetHost: GetOrSetHost;
  readonly #getOrSet: GetOrSetRunner;
  /** getOrSet's options when none are given (the same for every call: resolved once). */
  readonly #defaultGetOrSet: ResolvedGetOrSet;
  readonly #policy: FailurePolicy;
  /** The cache's own events (`ignoredError`, `circuitOpen`, `circuitClose`); the others are the transport's. */
  readonly #events = new HealthEmitter<CacheEventMap>('ready');
  /** The near cache, with the `nearCache` option. */
  readonly #near: NearCache | undefined;
  /** Server-assisted invalidation for the near cache, started by the first `get`. */
  #tracking: InvalidationTracking | undefined;
  /** The transport as given (the near cache asks it for invalidations). */
  readonly #baseTransport: Transport;
  /** With `nearCache.broadcast`: the key prefixes the server reports changes of. */
  #broadcastPrefixes: readonly string[] | undefined;

  constructor(options: CacheOptions) {
    if (!options || typeof options !== 'object')
      throw new ConfigError('createCache needs an options object');
    if (!options.transport)
      throw new ConfigError('transport is required', { context: { field: 'transport' } });
    if (!options.codec)
      throw new ConfigError('codec is required (createCodec() from @cachex/codecs)', {
        context: { field: 'codec' },
      });
    const version = options.version ?? 1;
    if (!Number.isSafeInteger(version))
      throw new ConfigError('version must be an integer', { context: { field: 'version' } });
    const prefix = options.keyPrefix ?? '';
    if (typeof prefix !== 'string')
      throw new ConfigError('keyPrefix must be a string', { context: { field: 'keyPrefix' } });
    if (options.keyFunction && !options.reverseKeyFunction) {
      // Without it, keys() would return stored keys: better to say so up front.
      throw new ConfigError('a custom keyFunction needs a reverseKeyFunction too', {
        context: { field: 'reverseKeyFunction' },
      });
    }
    const maxKeyLength = options.maxKeyLength ?? DEFAULT_MAX_KEY_LENGTH;
    if (!Number.isSafeInteger(maxKeyLength) || maxKeyLength < 1) {
      throw new ConfigError('maxKeyLength must be a positive integer', {
        context: { field: 'maxKeyLength' },
      });
    }
    const breaker = resolveCircuitBreaker(options.circuitBreaker);
    const nearOptions = resolveNearCacheOptions(options.nearCache);
    let transport: Transport =
      breaker === undefined
        ? options.transport
        : new CircuitBreakerTransport(
            options.transport,
            new CircuitBreaker(breaker, {
              opened: (info) => this.#events.emit('circuitOpen', info),
              closed: () => this.#events.emit('circuitClose'),
            }),
          );
    this.#baseTransport = options.transport;
    if (nearOptions !== undefined) {
      if (typeof options.transport.trackInvalidations !== 'function') {
        throw new ConfigError(
          `nearCache needs a transport that can track invalidations (standalone, sentinel or cluster); the ${options.transport.name} transport cannot`,
          { context: { field: 'nearCache' } },
        );
      }
      this.#near = new NearCache(nearOptions);
      transport = new NearCacheTransport(transport, this.#near);
      if (nearOptions.broadcast) {
        // The stored keys of the default key function start with `prefix:`; a custom one's
        // could be anything, so then every key's changes are reported.
        this.#broadcastPrefixes =
          options.keyFunction === undefined && prefix !== '' ? [`${prefix}:`] : [];
      }
      Object.defineProperty(this, 'get', {
        value: this.#nearGet,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
    this.context = createCacheContext({
      transport,
      codec: options.codec,
      prefix,
      version,
      defaultTimeout: validateDefaultTimeout(
        options.timeout === undefined ? DEFAULT_TIMEOUT : options.timeout,
      ),
      keyFunction: options.keyFunction ?? defaultKeyFunction,
      reverseKeyFunction: options.reverseKeyFunction ?? defaultReverseKey,
      maxKeyLength,
      maxValueSize: resolveMaxValueSize(options.maxValueSize),
    });
    this.#policy = createFailurePolicy(options, (error, info) =>
      this.#events.emit('ignoredError', error, info),
    );
    this.#getOrSetHost = {
      context: this.context,
      flights: this.#flights,
      state: new RefreshState(),
      send: (step) => this.#send(step),
      swallow: (error) => this.#policy.swallow(error, 'getOrSet'),
      factoryError: (error, info) => this.#events.emit('factoryError', error, info),
    };
    this.#getOrSet = new GetOrSetRunner(this.#getOrSetHost);
    this.#defaultGetOrSet = resolveGetOrSetOptions({}, '', this.context.defaultTimeout);
  }

  /**
   * `get` with the near cache: a value held in process is returned without a round trip or a
   * decode; otherwise the value read from the server is kept, unless something made it stale
   * while the read was in flight. Bad arguments are left to the plain `get`, which rejects.
   */
  #nearGet = (key: string, options?: { version?: number; default?: unknown }): Promise<unknown> => {
    const near = this.#near as NearCache;
    this.#startTracking(near);
    const plainGet = Cache.prototype.get as (key: string, options?: unknown) => Promise<unknown>;
    let stored: string;
    try {
      // Checks the key and the options as the plain get does (a bad one rejects there).
      checkOptions(options, 'get', 'for a default value pass { default: value }', key);
      stored = this.context.makeKey(key, options?.version);
    } catch {
      return plainGet.call(this, key, options);
    }
    const held = near.lookup(stored);
    if (held !== NOT_HELD) return Promise.resolve(held);
    const read = near.beginRead(stored);
    // Tracking is off: nothing read now could be kept.
    if (read === undefined) return plainGet.call(this, key, options);
    return this.#guard('get', [key, options], () =>
      this.#send(nearReadStep(this.context, key, stored, near, read)).then(
        (entry) => (entry === undefined ? options?.default : entry.value),
        (error: unknown) => {
          near.abortRead(read);
          throw error;
        },
      ),
    );
  };

  #startTracking(near: NearCache): void {
    if (this.#tracking !== undefined) return;
    try {
      this.#tracking = (
        this.#baseTransport.trackInvalidations as NonNullable<Transport['trackInvalidations']>
      ).call(
        this.#baseTransport,
        {
          invalidate: (keys) => (keys === null ? near.flush() : near.invalidate(keys)),
          tracking: (active) => near.setTracking(active),
          error: (error) => near.recordError(error),
        },
        this.#broadcastPrefixes === undefined
          ? undefined
          : { broadcastPrefixes: this.#broadcastPrefixes },
      );
    } catch (error) {
      // Refused (reads served by replicas, a closed transport): gets go to the server, and the
      // stats say why. Not tried again on every get.
      near.recordError(error);
      this.#tracking = CLOSED_TRACKING;
    }
  }

  /**
   * The near cache's counters (hits, misses, invalidations, flushes, entries, estimated bytes,
   * whether tracking is on), or `undefined` without the `nearCache` option.
   */
  nearCacheStats(): NearCacheStats | undefined {
    return this.#near?.stats();
  }

  /** The failure policy the installed methods run under (not public API). */
  get [FAILURE_POLICY](): FailurePolicy {
    return this.#policy;
  }

  /** Runs a step, resending a timed-out read when `retryOnTimeout` is on. */
  #send<T>(step: AnyStep<T>): Promise<T> {
    return runStepRetrying(this.context.transport, step, this.#policy.retryOnTimeout);
  }

  /** Runs a hand-written method's work; a failure resolves its ignored result when swallowed. */
  async #guard<T>(method: string, args: readonly unknown[], work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      return this.#policy.recover(method, args, error) as T;
    }
  }

  /**
   * Where the transport's connection stands: `connecting` (not connected yet: transports
   * connect on the first command), `ready`, `reconnecting` (lost, connecting again with
   * backoff) or `closed`. A transport without a status (written before it) counts as `ready`.
   */
  get status(): TransportStatus {
    return this.context.transport.status ?? 'ready';
  }

  /**
   * Adds a listener of a health event. `ignoredError` (error, { method, key }) is the cache's
   * own: a failure `ignoreExceptions` swallowed; so are `circuitOpen` ({ failures, openMs,
   * error }) and `circuitClose`, with the `circuitBreaker` option. The others are the transport's, forwarded as
   * they are: `error` (a background connection error, credentials redacted), `reconnecting`
   * ({ attempt, delayMs }), `ready`, `failover` ({ previous, current }), `topologyChange`
   * (cluster) and `close`. A listener that throws is ignored.
   *
   * @example
   * ```ts
   * cache.on('error', (error) => log.warn({ err: error }, 'redis connection error'));
   * cache.on('ignoredError', (error, { method, key }) => metrics.increment('cache.fail_open'));
   * ```
   */
  on<E extends CacheEventName>(event: E, listener: CacheEventListener<E>): this {
    if (OWN_EVENTS.has(event)) this.#events.on(event, listener);
    else this.context.transport.on?.(event as never, listener as never);
    return this;
  }

  /** Removes a listener added with {@link Cache.on}. */
  off<E extends CacheEventName>(event: E, listener: CacheEventListener<E>): this {
    if (OWN_EVENTS.has(event)) this.#events.off(event, listener);
    else this.context.transport.off?.(event as never, listener as never);
    return this;
  }

  /** The key prefix in use. */
  get keyPrefix(): string {
    return this.context.prefix;
  }

  /** The default key version. */
  get version(): number {
    return this.context.version;
  }

  /** The stored key for a user key (`${prefix}:${version}:${key}` by default). */
  makeKey(key: string, version?: number): string {
    return this.context.makeKey(key, version);
  }

  /** The user key of a stored key; foreign keys come back unchanged. */
  reverseKey(storedKey: string): string {
    return this.context.reverseKey(storedKey);
  }

  /**
   * The cached value, or else the factory's value, stored and returned. Safe under a
   * stampede: concurrent calls for a key share one factory call in this process, and with
   * `singleFlight: 'cluster'` across every process (one computes under a lock, the others wait
   * for its value). When another writer stores the key first, its value is returned. A factory
   * result of `undefined` is returned but not stored.
   *
   * - `grace` keeps a value that many seconds past its timeout (the key's TTL is
   *   `timeout + grace`): when the factory then fails (or passes `factoryTimeout.soft`), the
   *   stale value is returned, the `factoryError` event reports the failure, and the factory is
   *   tried again after `graceBackoff`. Without a stale value, a failure rejects with a
   *   `FactoryError` (the original as `cause`), and `factoryTimeout.hard` with a
   *   `FactoryTimeoutError`.
   * - `staleWhileRevalidate` returns the stale value at once and refreshes in the background.
   * - `earlyRefresh` refreshes in the background before expiry (XFetch), so readers under load
   *   never see a miss.
   * - `{ meta: true }` resolves `{ value, status, createdAt, expiresAt }` (status `hit`, `miss`,
   *   `stale` or `refreshed`), for `Cache-Status` and `Age` headers.
   *
   * The value and its remaining TTL are read in one round trip. A factory that asks
   * `getOrSet` for a key whose computation is waiting for it (`a` → `a`, `a` → `b` → `a`)
   * rejects with a `FactoryCycleError` instead of waiting for ever. With `ignoreExceptions`, a
   * cache that cannot be reached is a miss: the factory runs (still once for concurrent calls)
   * and its value is returned without being stored.
   *
   * @example
   * ```ts
   * const user = await cache.getOrSet(`user:${id}`, () => db.users.find(id), {
   *   timeout: 60,
   *   grace: 600,
   *   factoryTimeout: { soft: 0.2, hard: 5 },
   *   singleFlight: 'cluster',
   * });
   * ```
   */
  getOrSet<T>(
    key: string,
    valueOrFactory: ValueOrFactory<T>,
    options: GetOrSetOptions & { meta: true },
  ): Promise<GetOrSetResult<T>>;
  getOrSet<T>(
    key: string,
    valueOrFactory: ValueOrFactory<T>,
    options?: GetOrSetOptions & { meta?: false },
  ): Promise<T>;
  getOrSet<T>(
    key: string,
    valueOrFactory: ValueOrFactory<T>,
    options?: GetOrSetOptions & { meta?: boolean },
  ): Promise<T | GetOrSetResult<T>> {
    let resolved: ResolvedGetOrSet;
    try {
      checkOptions(options, 'getOrSet', 'for a timeout pass { timeout: seconds }', key);
      resolved =
        options === undefined
          ? this.#defaultGetOrSet
          : resolveGetOrSetOptions(options, key, this.context.defaultTimeout);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#getOrSet.run(key, valueOrFactory, resolved);
  }

  /**
   * `getOrSet` for a batch: every key's value and TTL are read in one round trip (one pipeline
   * per node on a cluster); the keys that are missing or stale go to one `factory(keys)` call,
   * whose result (a Map, a record or `[key, value]` pairs) is stored in one batch. Resolves a
   * Map of every key that has a value, in the order given (a key the factory left out, or
   * returned `undefined` for, is absent). Keys another call in this process is computing are
   * waited for, not asked again. With `grace`, a failed factory leaves the stale keys their
   * stale values (the `factoryError` event reports it) and rejects only when a key has none;
   * `staleWhileRevalidate` returns stale values at once and refreshes them in the background.
   * With `singleFlight: 'cluster'`, the keys' flight locks are taken in one round trip and keys
   * another process is computing are waited for: overlapping batches in several processes
   * compute each key once.
   *
   * @example
   * ```ts
   * const users = await cache.getManyOrSet(ids.map((id) => `user:${id}`), async (missing) =>
   *   new Map((await db.users.findMany(missing.map(idOf))).map((u) => [`user:${u.id}`, u])),
   *   { timeout: 60, grace: 300 });
   * ```
   */
  async getManyOrSet<T>(
    keys: Iterable<string>,
    factory: ManyFactory<T>,
    options?: GetManyOrSetOptions,
  ): Promise<Map<string, T>> {
    checkOptions(options, 'getManyOrSet', 'for a timeout pass { timeout: seconds }');
    if (typeof factory !== 'function') {
      throw new InvalidArgumentError(
        'getManyOrSet: factory must be a function of the missing keys',
        {
          context: { option: 'factory' },
        },
      );
    }
    const resolved = resolveGetManyOrSetOptions(options ?? {}, this.context.defaultTimeout);
    return getManyOrSet(this.#getOrSetHost, keys, factory, resolved);
  }

  /**
   * A pipeline: queue any cache method (except blocking list pops), then `exec()` sends them in
   * one round trip and resolves a tuple of their results in call order. A failed call leaves
   * its typed error in its slot; the others keep their results. Each call keeps its own
   * atomicity; `{ transaction: true }` makes the whole pipeline one MULTI/EXEC block, and a
   * call that fails on the client then rejects `exec()` without sending anything.
   * `ignoreExceptions` and `retryOnTimeout` do not apply: a pipeline whose batch could not be
   * sent rejects `exec()`, and a slot keeps its error.
   *
   * @example
   * ```ts
   * const [, value, n] = await cache.pipeline().set('a', 1).get<number>('a').incr('hits').exec();
   * ```
   */
  pipeline(options?: PipelineOptions): Pipeline {
    return createPipeline(this.context, options);
  }

  /**
   * The user keys matching a glob `pattern` in this cache's prefix and version (SCAN, never
   * KEYS, so the server is not blocked). The prefix is escaped; the pattern is not.
   */
  keys(pattern = '*', options?: ScanKeysOptions): Promise<string[]> {
    return this.#guard('keys', [pattern, options], () => keys(this.context, pattern, options));
  }

  /**
   * Iterates the matching user keys page by page over SCAN. As with SCAN, a key may come twice.
   * With `ignoreExceptions`, a connection or timeout failure ends the iteration early.
   *
   * @example
   * ```ts
   * for await (const key of cache.iterKeys('user:*')) console.log(key);
   * ```
   */
  async *iterKeys(
    pattern = '*',
    options?: ScanKeysOptions,
  ): AsyncGenerator<string, void, undefined> {
    try {
      yield* iterKeys(this.context, pattern, options);
    } catch (error) {
      // Keys already yielded cannot be taken back: a swallowed failure ends the iteration.
      this.#policy.swallow(error, 'iterKeys');
    }
  }

  /** Deletes the matching keys (SCAN + batched UNLINK); resolves how many were removed. */
  deletePattern(pattern: string, options?: ScanKeysOptions): Promise<number> {
    return this.#guard('deletePattern', [pattern, options], () =>
      deletePattern(this.context, pattern, options),
    );
  }

  /**
   * Removes this cache's keys: its prefix and current version only, on every primary. Other
   * prefixes and versions are left alone. Resolves how many keys were removed.
   */
  clear(options?: Omit<ScanKeysOptions, 'version'>): Promise<number> {
    return this.#guard('clear', [options], () => deletePattern(this.context, '*', options));
  }

  /**
   * Removes this cache's keys of every version (`${prefix}:*:*`), leaving other prefixes alone.
   * Resolves how many keys were removed.
   */
  clearAllVersions(options?: Omit<ScanKeysOptions, 'version'>): Promise<number> {
    return this.#guard('clearAllVersions', [options], () =>
      deletePattern(this.context, '*', { ...options, version: '*' }),
    );
  }

  /**
   * Runs an operation an extension built (see `StepBuilder`): its commands go through this
   * cache's transport like any method's, with the same errors. A read-only step is resent
   * after a timeout with `retryOnTimeout`; `ignoreExceptions` does not apply (the cache cannot
   * know a neutral value of an extension's result), so failures always reject.
   *
   * @example
   * ```ts
   * const n = await cache.run(scriptStep(cache, 'bump', { keys: ['hits'] }));
   * ```
   */
  async run<T>(build: StepBuilder<T>): Promise<T> {
    return this.#send(await build(this.context));
  }

  /** Wipes the whole logical database (FLUSHDB on every primary), whatever the prefix. */
  flushDb(): Promise<void> {
    return this.#guard('flushDb', [], async () => {
      await this.context.transport.broadcast('FLUSHDB', []);
    });
  }

  /** The raw driver client (ioredis/iovalkey), bypassing prefix and codec. Default: the primary's. */
  getClient<C = unknown>(options?: ClientOptions): C {
    return this.context.transport.getClient(options) as C;
  }

  /** Closes the connections. Later calls reject with a `ClosedError`. */
  close(): Promise<void> {
    const tracking = this.#tracking;
    // No tracking starts after close (a late get rejects with ClosedError anyway).
    this.#tracking = CLOSED_TRACKING;
    this.#near?.setTracking(false);
    if (tracking === undefined || tracking === CLOSED_TRACKING)
      return this.context.transport.close();
    return tracking.close().then(
      () => this.context.transport.close(),
      () => this.context.transport.close(),
    );
  }
}

/** Every step-based method of the Cache, installed from the step tables. */
export interface CacheMethods
  extends StringMethods,
    HashMethods,
    SetMethods,
    SortedSetMethods,
    ListMethods,
    BlockingListMethods {}

// The methods installed from the step tables (see installCacheMethods/installPipelineMethods).
export interface Cache extends CacheMethods {}

for (const table of [
  stringSteps,
  hashSteps,
  setSteps,
  sortedSetSteps,
  listSteps,
  blockingListSteps,
]) {
  installCacheMethods(Cache.prototype, table as unknown as Record<string, AnyBuilder>);
}

/**
 * Creates a {@link Cache}. Synchronous: connections are opened by the transport, lazily.
 *
 * @example
 * ```ts
 * import { createCache } from '@cachex/core';
 * import { createCodec } from '@cachex/codecs';
 * import { createStandaloneTransport } from '@cachex/transport-standalone';
 *
 * const cache = createCache({
 *   transport: createStandaloneTransport({ location: 'redis://127.0.0.1:6380/0' }),
 *   codec: createCodec({ serializer: 'json' }),
 *   keyPrefix: 'myapp',
 * });
 * ```
 */
export function createCache(options: CacheOptions): Cache {
  return new Cache(options);
}
