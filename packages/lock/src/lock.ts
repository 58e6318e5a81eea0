import { randomUUID } from 'node:crypto';
import {
  type Cache,
  FIRST_KEY,
  InvalidArgumentError,
  NotSupportedError,
  type RedisArg,
  type Reply,
  type Script,
} from '@cachex/core';
import { checkDuration, scriptCommand, step } from '@cachex/core/internal';
import {
  LockAbortedError,
  LockAlreadyAcquiredError,
  LockNotAcquiredError,
  LockNotOwnedError,
  type NotOwnedReason,
} from './errors.js';
import { type LockKeys, lockKeys } from './keys.js';
import { ACQUIRE, EXTEND, RELEASE } from './scripts.js';
import { jittered, raceAbort, sleep } from './wait.js';

/**
 * What a lock needs from a cache: its key layout and a way to run commands (and, when given, its
 * context, so a lock on a transport that keeps nothing is refused rather than excluding nobody).
 */
export type LockCache = Pick<Cache, 'makeKey' | 'run'> & Partial<Pick<Cache, 'context'>>;

/** Options of {@link createLock}. Durations are in seconds, as in django-cachex. */
export interface LockOptions {
  /**
   * The lease: the lock expires this many seconds after it was acquired (or last extended),
   * so a holder that died does not hold it for ever. Fractions are kept (0.5 = 500 ms).
   * `undefined` or `null`: no expiry, as in django-cachex (then only `release()` frees it).
   */
  timeout?: number | null;
  /** Seconds to wait between two attempts of a blocking acquire (±20 % jitter). Default 0.1. */
  sleep?: number;
  /** Wait until the lock is free (default), or try once. */
  blocking?: boolean;
  /**
   * Seconds a blocking acquire tries before it gives up with a `LockNotAcquiredError`.
   * `undefined` or `null`: no limit.
   */
  blockingTimeout?: number | null;
  /** The key version (default: the cache's). */
  version?: number;
}

/** Options of {@link Lock.acquire}: the lock's own options for this call, and a signal. */
export interface AcquireOptions {
  /** Gives up waiting when aborted: the acquire rejects with a `LockAbortedError`. */
  signal?: AbortSignal;
  blocking?: boolean;
  blockingTimeout?: number | null;
  sleep?: number;
}

/** Options of {@link Lock.extend}. */
export interface ExtendOptions {
  /** The TTL becomes `additional` seconds, instead of `additional` being added to what is left. */
  replaceTtl?: boolean;
}

const asyncDispose: typeof Symbol.asyncDispose =
  Symbol.asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

function invalid(option: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError(`${option} ${message}`, { context: { option } });
}

/** A lease in ms (`null`: no expiry). */
function leaseMs(timeout: unknown): number | null {
  if (timeout === undefined || timeout === null || timeout === Number.POSITIVE_INFINITY) {
    return null;
  }
  if (typeof timeout !== 'number' || !(timeout > 0)) {
    throw invalid(
      'timeout',
      `must be a positive number of seconds or null, got ${String(timeout)}`,
    );
  }
  checkDuration(timeout, 's', 'timeout');
  return Math.max(1, Math.ceil(timeout * 1000));
}

/** A duration in ms that may be 0 (`null` for undefined/null when `nullable`). */
function waitMs(value: unknown, option: string): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw invalid(option, `must be a number of seconds >= 0, got ${String(value)}`);
  }
  return value * 1000;
}

function blockingTimeoutMs(value: unknown): number | null {
  return value === undefined || value === null || value === Number.POSITIVE_INFINITY
    ? null
    : waitMs(value, 'blockingTimeout');
}

function checkBlocking(value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw invalid('blocking', `must be a boolean, got ${String(value)}`);
  return value;
}

/** Options are an object (or nothing): `createLock(cache, key, 5)` is refused, not ignored. */
export function checkOptions(options: unknown, what: string): void {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidArgumentError(`${what} options must be an object, got ${String(options)}`);
  }
}

const NOT_OWNED_REASONS: Record<number, NotOwnedReason> = { 0: 'missing', [-1]: 'other-holder' };

function describeNotOwned(reason: NotOwnedReason): string {
  switch (reason) {
    case 'not-acquired':
      return 'this Lock does not hold it (never acquired, already released, or found lost)';
    case 'missing':
      return 'it is no longer held (the lease expired, or the key was deleted)';
    case 'other-holder':
      return 'another holder has it now (the lease expired and it was acquired again)';
  }
}

let readLeaseStart: (lock: Lock) => number = () => 0;

/**
 * When the current acquisition was sent (`performance.now()`): its lease runs from no earlier
 * than that. For the auto-extension's bookkeeping; not part of the public API.
 */
export function leaseStartOf(lock: Lock): number {
  return readLeaseStart(lock);
}

/**
 * A distributed lock on one key of a cache, as django-cachex's `cache.lock()`: SET NX with a
 * random token per acquisition, released and extended only by the holder of that token (atomic
 * compare-and-act scripts), and a fencing token, from a counter incremented in the same atomic
 * step as every successful acquisition. One Lock is one holder at a time; it is not reentrant.
 * Make one with {@link createLock}.
 */
export class Lock implements AsyncDisposable {
  /** The user key of the lock. */
  readonly key: string;
  /** The stored keys: the lock itself and its fencing counter (one hash slot). */
  readonly keys: LockKeys;
  /** The lease in seconds, or `null` for no expiry. */
  readonly timeout: number | null;
  readonly #cache: LockCache;
  readonly #leaseMs: number | null;
  readonly #sleepMs: number;
  readonly #blocking: boolean;
  readonly #blockingTimeoutMs: number | null;
  #token: string | undefined;
  #fencingToken: number | undefined;
  #leaseStart = 0;
  #acquiring = false;

  static {
    readLeaseStart = (lock) => lock.#leaseStart;
  }

  constructor(cache: LockCache, key: string, options: LockOptions = {}) {
    checkOptions(options, 'Lock');
    this.#cache = cache;
    this.key = key;
    this.keys = lockKeys(cache, key, options.version);
    this.#leaseMs = leaseMs(options.timeout);
    this.timeout = this.#leaseMs === null ? null : (options.timeout as number);
    this.#sleepMs = waitMs(options.sleep ?? 0.1, 'sleep');
    this.#blocking = checkBlocking(options.blocking ?? true);
    this.#blockingTimeoutMs = blockingTimeoutMs(options.blockingTimeout);
  }

  /**
   * The fencing token of the latest successful acquire (kept after release), or `undefined`
   * before the first. Tokens of one lock key only grow: pass it to the resource you protect,
   * which refuses a token lower than the highest it has seen.
   */
  get fencingToken(): number | undefined {
    return this.#fencingToken;
  }

  /**
   * Acquires the lock and resolves its fencing token. Blocking (the default): tries every
   * `sleep` seconds until it gets the lock, rejects with a `LockNotAcquiredError` once
   * `blockingTimeout` has passed, or with a `LockAbortedError` as soon as `signal` aborts. Not
   * blocking: resolves `false` at once when the lock is held.
   */
  async acquire(options: AcquireOptions = {}): Promise<number | false> {
    checkOptions(options, 'acquire');
    if (this.#token !== undefined || this.#acquiring) {
      throw new LockAlreadyAcquiredError(
        `Lock ${JSON.stringify(this.key)} is already ${this.#acquiring ? 'being acquired' : 'acquired'} by this Lock; release it first, or make another Lock`,
        { context: { key: this.key } },
      );
    }
    const blocking =
      options.blocking === undefined ? this.#blocking : checkBlocking(options.blocking);
    const limitMs =
      options.blockingTimeout === undefined
        ? this.#blockingTimeoutMs
        : blockingTimeoutMs(options.blockingTimeout);
    const sleepMs = options.sleep === undefined ? this.#sleepMs : waitMs(options.sleep, 'sleep');
    const { signal } = options;
    const aborted = () =>
      new LockAbortedError(`Gave up waiting for lock ${JSON.stringify(this.key)}: aborted`, {
        cause: signal?.reason,
        context: { key: this.key },
      });
    if (signal?.aborted) throw aborted();
    const transport = this.#cache.context?.transport;
    if (transport?.capabilities.ephemeral === true) {
      throw new NotSupportedError(
        `Lock ${JSON.stringify(this.key)} cannot be acquired on the ${transport.name} transport: it keeps nothing, so the lock would exclude nobody. Use the memory backend in tests, or a server`,
        { context: { key: this.key, transport: transport.name } },
      );
    }
    this.#acquiring = true;
    try {
      const token = randomUUID();
      const started = performance.now();
      const deadline = limitMs === null ? Number.POSITIVE_INFINITY : started + limitMs;
      for (;;) {
        const sentAt = performance.now();
        const attempt = this.#run(
          ACQUIRE,
          [this.keys.lock, this.keys.fence],
          [token, this.#leaseMs ?? 0],
        );
        // An attempt still in flight when the signal aborts may yet succeed: the lock is then
        // released at once, since nobody will.
        const fence = await raceAbort(attempt, signal, aborted, (won) => {
          if (won > 0) this.#run(RELEASE, [this.keys.lock], [token]).catch(() => undefined);
        });
        if (fence > 0) {
          this.#token = token;
          this.#fencingToken = fence;
          this.#leaseStart = sentAt;
          return fence;
        }
        if (!blocking) return false;
        const now = performance.now();
        if (now >= deadline) {
          const waitedMs = Math.round(now - started);
          throw new LockNotAcquiredError(
            `Lock ${JSON.stringify(this.key)} was not acquired within ${limitMs! / 1000} s (blockingTimeout): another holder has it`,
            { context: { key: this.key, waitedMs } },
          );
        }
        await sleep(Math.min(jittered(sleepMs), deadline - now), signal, aborted);
      }
    } finally {
      this.#acquiring = false;
    }
  }

  /**
   * Releases the lock, only if this Lock still holds it: otherwise rejects with a
   * `LockNotOwnedError` (its lease expired and maybe another holder has it, or it was already
   * released) and changes nothing. Either way this Lock holds nothing afterwards.
   */
  async release(): Promise<void> {
    const token = this.#holding('release');
    this.#token = undefined;
    const result = await this.#run(RELEASE, [this.keys.lock], [token]);
    if (result !== 1) throw this.#notOwned('release', NOT_OWNED_REASONS[result] ?? 'missing');
  }

  /**
   * Adds `additional` seconds to the time the lock has left, or sets it to `additional` with
   * `replaceTtl`, only if this Lock still holds it: otherwise a `LockNotOwnedError` (and this
   * Lock forgets the lost acquisition). A lock without `timeout` cannot be extended.
   */
  async extend(additional: number, options: ExtendOptions = {}): Promise<void> {
    checkOptions(options, 'extend');
    const token = this.#holding('extend');
    this.#needsLease('extend');
    if (typeof additional !== 'number' || !(additional > 0)) {
      throw invalid(
        'additional',
        `must be a positive number of seconds, got ${String(additional)}`,
      );
    }
    checkDuration(additional, 's', 'additional');
    const ms = Math.max(1, Math.ceil(additional * 1000));
    await this.#extend('extend', token, ms, options.replaceTtl === true);
  }

  /**
   * Resets the time the lock has left to the full `timeout`, only if this Lock still holds it:
   * otherwise a `LockNotOwnedError` (and this Lock forgets the lost acquisition).
   */
  async reacquire(): Promise<void> {
    const token = this.#holding('reacquire');
    const ms = this.#needsLease('reacquire');
    await this.#extend('reacquire', token, ms, true);
  }

  /** True when anyone holds the lock now. */
  async locked(): Promise<boolean> {
    const reply = await this.#cache.run(() =>
      step({ name: 'EXISTS', args: [this.keys.lock], keys: FIRST_KEY }, Number, this.key),
    );
    return reply > 0;
  }

  /** True when this Lock holds the lock now (the server has its token). */
  async owned(): Promise<boolean> {
    const token = this.#token;
    if (token === undefined) return false;
    return this.#cache.run(() =>
      step(
        { name: 'GET', args: [this.keys.lock], keys: FIRST_KEY },
        (reply: Reply) => reply !== null && String(reply) === token,
        this.key,
      ),
    );
  }

  /**
   * Releases the lock when this Lock holds it (`await using`); does nothing otherwise (after
   * `release()`, or once an extension found it lost). A lease that expired in the block is a
   * `LockNotOwnedError`, as with `release()`.
   */
  async [asyncDispose](): Promise<void> {
    if (this.#token !== undefined) await this.release();
  }

  async #extend(op: string, token: string, ms: number, replace: boolean): Promise<void> {
    const result = await this.#run(EXTEND, [this.keys.lock], [token, ms, replace ? 1 : 0]);
    if (result === 1) return;
    if (this.#token === token) this.#token = undefined;
    throw this.#notOwned(op, NOT_OWNED_REASONS[result] ?? 'missing');
  }

  #holding(op: string): string {
    if (this.#token === undefined) throw this.#notOwned(op, 'not-acquired');
    return this.#token;
  }

  #needsLease(op: string): number {
    if (this.#leaseMs === null) {
      throw new InvalidArgumentError(
        `Cannot ${op} lock ${JSON.stringify(this.key)}: it has no timeout (it never expires)`,
        { context: { key: this.key, option: 'timeout' } },
      );
    }
    return this.#leaseMs;
  }

  #notOwned(op: string, reason: NotOwnedReason): LockNotOwnedError {
    return new LockNotOwnedError(
      `Cannot ${op} lock ${JSON.stringify(this.key)}: ${describeNotOwned(reason)}`,
      { context: { key: this.key, reason } },
    );
  }

  #run(script: Script, keys: string[], args: RedisArg[]): Promise<number> {
    return this.#cache.run(() => step(scriptCommand(script, keys, args), Number, this.key));
  }
}

/**
 * A lock on `key` of `cache` (nothing is sent until `acquire()`). Options in seconds, as
 * django-cachex's `cache.lock(key, timeout=…, sleep=…, blocking=…, blocking_timeout=…)`.
 *
 * @example
 * ```ts
 * const lock = createLock(cache, 'report', { timeout: 30 });
 * const fencingToken = await lock.acquire();
 * try {
 *   await buildReport(fencingToken);
 * } finally {
 *   await lock.release();
 * }
 * ```
 */
export function createLock(cache: LockCache, key: string, options?: LockOptions): Lock {
  return new Lock(cache, key, options);
}

/** A Lock that holds its lock: its `fencingToken` is set. */
export type AcquiredLock = Lock & { readonly fencingToken: number };

/** Options of {@link acquireLock}. */
export interface AcquireLockOptions extends LockOptions {
  /** Gives up waiting when aborted (a `LockAbortedError`). */
  signal?: AbortSignal;
}

/**
 * Creates a lock and acquires it, for `await using`: the lock is released when the block
 * ends. Rejects with a `LockNotAcquiredError` when it is not acquired (`blockingTimeout` ran
 * out, or `blocking: false` and it is held), with a `LockAbortedError` when `signal` aborts.
 *
 * @example
 * ```ts
 * await using lock = await acquireLock(cache, 'report', { timeout: 30 });
 * await buildReport(lock.fencingToken);
 * ```
 */
export async function acquireLock(
  cache: LockCache,
  key: string,
  options: AcquireLockOptions = {},
): Promise<AcquiredLock> {
  checkOptions(options, 'acquireLock');
  const { signal, ...lockOptions } = options;
  const lock = new Lock(cache, key, lockOptions);
  await acquireOrThrow(lock, signal);
  return lock as AcquiredLock;
}

/** Acquires `lock`; `false` (not blocking, held) becomes a `LockNotAcquiredError`. */
export async function acquireOrThrow(lock: Lock, signal: AbortSignal | undefined): Promise<number> {
  const fencingToken = await lock.acquire(signal === undefined ? {} : { signal });
  if (fencingToken === false) {
    throw new LockNotAcquiredError(
      `Lock ${JSON.stringify(lock.key)} is held by another holder (blocking: false)`,
      { context: { key: lock.key, waitedMs: 0 } },
    );
  }
  return fencingToken;
}
