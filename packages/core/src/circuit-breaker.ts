import { type CachexError, CircuitOpenError, ConfigError, isCachexError } from './errors.js';

/**
 * The `circuitBreaker` option: after `failureThreshold` calls in a row failed because the
 * server could not be reached or did not answer in time, the circuit opens and calls fail at
 * once with a `CircuitOpenError` (nothing is sent) for `openMs`; then one call goes through as a
 * probe: its success closes the circuit, its failure opens it again for `openMs`.
 */
export interface CircuitBreakerOptions {
  /** Connection or timeout failures in a row that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before a probe call, in milliseconds. Default 1000. */
  openMs?: number;
}

/** What a `circuitOpen` event tells. */
export interface CircuitOpenInfo {
  /** Connection or timeout failures in a row that opened it (1 after a failed probe). */
  failures: number;
  /** How long calls fail fast before the next probe, in milliseconds. */
  openMs: number;
  /** The failure that opened it. */
  error: CachexError;
}

/** The checked `circuitBreaker` settings. */
export interface CircuitBreakerSettings {
  readonly failureThreshold: number;
  readonly openMs: number;
}

/** Default `failureThreshold`. */
export const DEFAULT_FAILURE_THRESHOLD = 5;
/** Default `openMs`. */
export const DEFAULT_OPEN_MS = 1000;

/** Checks the `circuitBreaker` option: undefined when off. */
export function resolveCircuitBreaker(value: unknown): CircuitBreakerSettings | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true)
    return { failureThreshold: DEFAULT_FAILURE_THRESHOLD, openMs: DEFAULT_OPEN_MS };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError('circuitBreaker must be true, false or { failureThreshold, openMs }', {
      context: { field: 'circuitBreaker' },
    });
  }
  const known = new Set(['failureThreshold', 'openMs']);
  for (const name of Object.keys(value)) {
    if (!known.has(name)) {
      throw new ConfigError(
        `circuitBreaker.${name} is not an option (expected failureThreshold, openMs)`,
        { context: { field: `circuitBreaker.${name}` } },
      );
    }
  }
  const { failureThreshold = DEFAULT_FAILURE_THRESHOLD, openMs = DEFAULT_OPEN_MS } =
    value as CircuitBreakerOptions;
  if (!Number.isSafeInteger(failureThreshold) || failureThreshold < 1) {
    throw new ConfigError('circuitBreaker.failureThreshold must be an integer ≥ 1', {
      context: { field: 'circuitBreaker.failureThreshold' },
    });
  }
  if (!Number.isSafeInteger(openMs) || openMs < 1) {
    throw new ConfigError('circuitBreaker.openMs must be an integer ≥ 1 (milliseconds)', {
      context: { field: 'circuitBreaker.openMs' },
    });
  }
  return { failureThreshold, openMs };
}

/** Whether `error` says the server could not be reached or did not answer in time. */
export function isUnavailable(error: unknown): error is CachexError {
  return isCachexError(error) && (error.code === 'E_CONNECTION' || error.code === 'E_TIMEOUT');
}

/** How the breaker tells the cache it opened or closed. */
export interface CircuitListener {
  opened(info: CircuitOpenInfo): void;
  closed(): void;
}

/** Whether a call admitted by {@link CircuitBreaker.admit} is the probe of an open circuit. */
export type Admission = 'call' | 'probe';

/**
 * The breaker's state: closed (calls go through, failures in a row counted), open (calls fail
 * fast until `openMs` has passed), then one probe at a time.
 */
export class CircuitBreaker {
  readonly #settings: CircuitBreakerSettings;
  readonly #listener: CircuitListener;
  #failures = 0;
  /** `performance.now()` time until which the circuit is open; 0 when closed. */
  #openUntil = 0;
  #probing = false;
  #lastFailure: CachexError | undefined;

  constructor(settings: CircuitBreakerSettings, listener: CircuitListener) {
    this.#settings = settings;
    this.#listener = listener;
  }

  /** `closed`, `open` (failing fast) or `halfOpen` (a probe may go, or is under way). */
  get state(): 'closed' | 'open' | 'halfOpen' {
    if (this.#openUntil === 0) return 'closed';
    return this.#probing || performance.now() >= this.#openUntil ? 'halfOpen' : 'open';
  }

  /** Lets a call through, as a plain call or as the probe; else the error to fail it with. */
  admit(): Admission | CircuitOpenError {
    if (this.#openUntil === 0) return 'call';
    if (!this.#probing && performance.now() >= this.#openUntil) {
      this.#probing = true;
      return 'probe';
    }
    const left = Math.max(0, Math.ceil(this.#openUntil - performance.now()));
    return new CircuitOpenError(
      `The circuit breaker is open: ${this.#settings.failureThreshold} calls in a row could not reach the server; calls fail without being sent${this.#probing ? ' while a probe call is under way' : ` for ${left} ms more, then one call probes the server`}`,
      this.#lastFailure === undefined ? undefined : { cause: this.#lastFailure },
    );
  }

  /** A call's outcome: `error` when it failed (only connection and timeout failures count). */
  settle(admission: Admission, error?: unknown): void {
    if (!isUnavailable(error)) {
      // The server answered (a reply, or an error reply such as WRONGTYPE).
      if (admission === 'probe') this.#probing = false;
      this.#failures = 0;
      if (this.#openUntil !== 0) {
        this.#openUntil = 0;
        this.#listener.closed();
      }
      return;
    }
    this.#lastFailure = error;
    if (admission === 'probe') {
      this.#probing = false;
      this.#open(1, error);
      return;
    }
    this.#failures += 1;
    if (this.#openUntil === 0 && this.#failures >= this.#settings.failureThreshold) {
      this.#open(this.#failures, error);
    }
  }

  #open(failures: number, error: CachexError): void {
    this.#openUntil = performance.now() + this.#settings.openMs;
    this.#listener.opened({ failures, openMs: this.#settings.openMs, error });
  }
}
