import type { CircuitOpenInfo } from './circuit-breaker.js';
import type { CachexError, FactoryError } from './errors.js';
import type { FactoryErrorInfo } from './get-or-set/get-or-set.js';
import type { IgnoredErrorInfo } from './ignore-exceptions.js';

/**
 * Where a transport's connection stands:
 * - `connecting`: created, not connected yet (transports connect on the first command);
 * - `ready`: commands are being served;
 * - `reconnecting`: the connection was lost (or, on a cluster, every node); the driver is
 *   connecting again with its backoff. Calls fail fast (connection error) or time out meanwhile;
 * - `closed`: `close()` was called; every later call rejects with a `ClosedError`.
 */
export type TransportStatus = 'connecting' | 'ready' | 'reconnecting' | 'closed';

/** What a `reconnecting` event tells. */
export interface ReconnectingInfo {
  /** Reconnection attempts since the connection was last ready (1 for the first). */
  attempt?: number;
  /** How long the driver waits before this attempt, in milliseconds, when it says so. */
  delayMs?: number;
}

/** What a `failover` event tells: the primary moved (sentinel), or a node was promoted (cluster). */
export interface FailoverInfo {
  /** The former primary, `host:port`, when known. */
  previous?: string;
  /** The new primary, `host:port`. */
  current?: string;
}

/** What a `topologyChange` event tells (cluster). */
export interface TopologyChangeInfo {
  /** `slots`: the slot map changed; `nodeAdded`/`nodeRemoved`: a node joined or left. */
  reason: 'slots' | 'nodeAdded' | 'nodeRemoved';
  /** The node concerned, `host:port`, for `nodeAdded`/`nodeRemoved`. */
  node?: string;
  /** The primaries serving slots after the change, `host:port`, for `slots`. */
  primaries?: string[];
}

/**
 * The events of a transport, with their listeners' arguments. Every transport emits `ready`
 * and `close`; connection-based ones emit `error` and `reconnecting` too; `failover` comes
 * from sentinel and cluster transports, `topologyChange` from cluster transports.
 */
export interface TransportEventMap {
  /**
   * A background connection error (a reconnect refused, a password rejected, a node lost), as
   * a `CachexError` with credentials redacted. Failures of calls reject those calls; this is
   * for monitoring.
   */
  error: [error: CachexError];
  /** The connection was lost and the driver is connecting again. */
  reconnecting: [info: ReconnectingInfo];
  /** Connected and serving commands (first time, and after each reconnection). */
  ready: [];
  /** The primary changed (sentinel), or a replica was promoted (cluster). */
  failover: [info: FailoverInfo];
  /** The cluster's slot map or node set changed. */
  topologyChange: [info: TopologyChangeInfo];
  /** The transport was closed. Emitted once. */
  close: [];
}

/** The name of a transport event. */
export type TransportEventName = keyof TransportEventMap;

/** A listener of transport event `E`. */
export type TransportEventListener<E extends TransportEventName> = (
  ...args: TransportEventMap[E]
) => void;

/**
 * The events of a `Cache`: its transport's, plus `ignoredError`, `circuitOpen`, `circuitClose`
 * and `factoryError`.
 */
export interface CacheEventMap extends TransportEventMap {
  /**
   * `ignoreExceptions` swallowed a failure (connection or timeout): the method resolved its
   * neutral result instead of rejecting. Emitted in addition to `onIgnoredError` and the log.
   */
  ignoredError: [error: CachexError, info: IgnoredErrorInfo];
  /**
   * The circuit breaker (`circuitBreaker` option) opened: calls fail fast with a
   * `CircuitOpenError` for `openMs`, then one call probes the server.
   */
  circuitOpen: [info: CircuitOpenInfo];
  /** A call succeeded while the circuit was open or probing: calls are sent again. */
  circuitClose: [];
  /**
   * A `getOrSet` (or `getManyOrSet`) factory failed. `info.staleServed` says whether callers
   * got the value kept before (within `grace`) instead of the error, and `info.retryInMs` when
   * this process will try that key's factory again.
   */
  factoryError: [error: FactoryError, info: FactoryErrorInfo];
}

/** The name of a cache event. */
export type CacheEventName = keyof CacheEventMap;

/** A listener of cache event `E`. */
export type CacheEventListener<E extends CacheEventName> = (...args: CacheEventMap[E]) => void;

/** The health members of a transport: its status and its typed events. */
export interface TransportHealth {
  /** Where the connection stands (see {@link TransportStatus}). */
  readonly status: TransportStatus;
  /** Adds a listener of `event`. Returns the transport, for chaining. */
  on<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): this;
  /** Removes a listener added with `on`. */
  off<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): this;
}

type AnyListener = (...args: unknown[]) => void;

/**
 * A small typed event emitter with a status, for transports (and the cache) to build their
 * health members on. A listener that throws never breaks the emitter or the driver calling
 * it: the exception is dropped. Transitions to the same status emit nothing; once `closed`,
 * the status never changes again.
 */
export class HealthEmitter<M extends { [K in keyof M]: unknown[] } = TransportEventMap> {
  readonly #listeners = new Map<keyof M, Set<AnyListener>>();
  #status: TransportStatus;

  constructor(status: TransportStatus = 'connecting') {
    this.#status = status;
  }

  /** The current status. */
  get status(): TransportStatus {
    return this.#status;
  }

  /**
   * Moves to `status`. Returns true when it changed (false when it was already there, or the
   * emitter is closed).
   */
  setStatus(status: TransportStatus): boolean {
    if (this.#status === status || this.#status === 'closed') return false;
    this.#status = status;
    return true;
  }

  /** Adds a listener. */
  on<E extends keyof M>(event: E, listener: (...args: M[E]) => void): void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as unknown as AnyListener);
  }

  /** Removes a listener. */
  off<E extends keyof M>(event: E, listener: (...args: M[E]) => void): void {
    this.#listeners.get(event)?.delete(listener as unknown as AnyListener);
  }

  /** True when `event` has at least one listener. */
  has(event: keyof M): boolean {
    return (this.#listeners.get(event)?.size ?? 0) > 0;
  }

  /** Calls every listener of `event` with `args`, in the order they were added. */
  emit<E extends keyof M>(event: E, ...args: M[E]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as unknown as (...a: M[E]) => void)(...args);
      } catch {
        // A monitoring listener must not break the connection handling that emitted.
      }
    }
  }
}
