import type { CacheContext } from '../cache-context.js';
import { stringSteps } from '../commands/string-methods.js';
import {
  FactoryCycleError,
  type FactoryError,
  FactoryTimeoutError,
  isCachexError,
} from '../errors.js';
import type { SingleFlight } from '../single-flight.js';
import type { AnyStep } from '../step.js';
import {
  type LockAttempt,
  lockAttemptStep,
  pollPause,
  readAttemptStep,
  releaseStep,
} from './flight-lock.js';
import type { GetOrSetResult, ResolvedGetOrSet } from './options.js';
import { asFactoryError, freshLeft, fromEntry, physicalExpiry } from './outcome.js';
import { readEntryStep, type StoredEntry } from './read-entry.js';
import type { RefreshState } from './refresh-state.js';
import { defaultDeltaMs, refreshEarly } from './xfetch.js';

/** A value, or a function (sync or async) that produces it, for `getOrSet`. */
export type ValueOrFactory<T> = T | (() => T | Promise<T>);

/** What the `factoryError` event tells besides the error. */
export interface FactoryErrorInfo {
  /** The user key. */
  key: string;
  /**
   * Whether the value read before (stale, or still fresh for an early refresh) was served in
   * its place; else the callers got the error.
   */
  staleServed: boolean;
  /** Whether it was a background refresh (early refresh, stale-while-revalidate, soft timeout). */
  background: boolean;
  /** `getManyOrSet`: every key the failed factory call was asked for. */
  keys?: string[];
  /** With a stale value: ms before this process tries the factory again for the key. */
  retryInMs: number | undefined;
}

/** What `getOrSet` needs from its cache. */
export interface GetOrSetHost {
  readonly context: CacheContext;
  readonly flights: SingleFlight;
  readonly state: RefreshState;
  send<T>(step: AnyStep<T>): Promise<T>;
  /** Returns when `ignoreExceptions` swallows `error` (a cache failure); rethrows it otherwise. */
  swallow(error: unknown): void;
  /** Emits the `factoryError` event. */
  factoryError(error: FactoryError, info: FactoryErrorInfo): void;
}

/** What every step of one key's computation needs: the key, where it is stored, how to compute. */
interface Job<T> {
  readonly key: string;
  readonly stored: string;
  readonly factory: ValueOrFactory<T>;
  readonly o: ResolvedGetOrSet;
}

/** One computation's outcome, shared by the calls that waited for it. */
type Outcome<T> = GetOrSetResult<T>;

/**
 * `getOrSet` with stampede protection: value and TTL read in one round trip; a fresh value is
 * returned (maybe starting an early refresh); otherwise one factory call per key at a time in
 * this process (and, with `singleFlight: 'cluster'`, across processes under a lock), with a
 * stale value served within the grace period when the factory fails or is slow.
 */
export class GetOrSetRunner {
  readonly #host: GetOrSetHost;

  constructor(host: GetOrSetHost) {
    this.#host = host;
  }

  /**
   * The value (or, with `meta`, the outcome) of `getOrSet`. A plain hit, the common case,
   * resolves straight from the read: no outcome object, no extra promise.
   */
  async run<T>(
    key: string,
    factory: ValueOrFactory<T>,
    o: ResolvedGetOrSet,
  ): Promise<T | Outcome<T>> {
    const host = this.#host;
    const stored = host.context.makeKey(key, o.version);
    let entry: StoredEntry<T> | undefined;
    // Set when the server could not be reached (and ignoreExceptions swallowed it): the
    // factory's value is then returned without trying to store it, which would only time out.
    let down = false;
    // Without grace, early refresh or metadata, a stored value is fresh whatever its TTL.
    const withTtl = o.graceMs > 0 || o.early !== undefined || o.meta;
    try {
      entry = await host.send(readEntryStep<T>(host.context, key, stored, undefined, withTtl));
    } catch (error) {
      host.swallow(error);
      down = true;
    }
    const job: Job<T> = { key, stored, factory, o };
    if (entry !== undefined) {
      const left = freshLeft(entry, o);
      if (left > 0) {
        if (o.early !== undefined && entry.pttl >= 0 && o.freshMs) {
          const delta = o.early.deltaMs ?? host.state.duration(stored) ?? defaultDeltaMs(o.freshMs);
          if (
            !host.flights.has(stored) &&
            !host.state.backingOff(stored) &&
            refreshEarly(left, delta, o.early.beta, o.freshMs)
          ) {
            this.#background(job, entry);
          }
        }
        return o.meta ? fromEntry(entry, 'hit', o) : entry.value;
      }
    }
    const stale = entry;
    if (stale !== undefined) {
      const backingOff = host.state.backingOff(stored);
      if (o.swr || backingOff) {
        if (!backingOff) this.#background(job, stale);
        return o.meta ? fromEntry(stale, 'stale', o) : stale.value;
      }
    }
    const flight = host.flights.run(stored, key, () => this.#compute(job, stale, down, false));
    const outcome = await this.#wait(flight, key, o, stale);
    return o.meta ? outcome : outcome.value;
  }

  /** Starts a refresh nobody waits for; its failure is reported by the event only. */
  #background<T>(job: Job<T>, seen: StoredEntry<T>): void {
    this.#host.flights
      .run(job.stored, job.key, () => this.#compute(job, seen, false, true), true)
      .catch(() => undefined);
  }

  /**
   * Waits for a computation, within the factory timeouts: with a stale value, the soft limit
   * (and the hard one, and a failure) return it instead; without one, the hard limit rejects.
   */
  #wait<T>(
    flight: Promise<Outcome<T>>,
    key: string,
    o: ResolvedGetOrSet,
    stale: StoredEntry<T> | undefined,
  ): Promise<Outcome<T>> {
    const settled = flight.then(
      (outcome) =>
        stale !== undefined && outcome.status === 'miss'
          ? { ...outcome, status: 'refreshed' as const }
          : outcome,
      (error: unknown) => {
        if (stale !== undefined && isCachexError(error, 'E_FACTORY'))
          return fromEntry(stale, 'stale', o);
        throw error;
      },
    );
    const limitMs = stale !== undefined ? (o.softMs ?? o.hardMs) : o.hardMs;
    if (limitMs === undefined) return settled;
    return new Promise<Outcome<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (stale !== undefined) {
          resolve(fromEntry(stale, 'stale', o));
          return;
        }
        reject(
          new FactoryTimeoutError(
            `getOrSet: the factory for key ${JSON.stringify(key)} took longer than ${limitMs / 1000} s (factoryTimeout.hard) and no stale value was kept; its value will be stored when it finishes`,
            { context: { key, timeoutMs: limitMs } },
          ),
        );
      }, limitMs);
      settled.then(
        (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /**
   * One computation of a key: with `singleFlight: 'cluster'`, first the lock (or the value of
   * whoever holds it), then the factory and the write. `seen` is the entry read before (stale,
   * or fresh for an early refresh): a value written since by someone else ends the work.
   */
  async #compute<T>(
    job: Job<T>,
    seen: StoredEntry<T> | undefined,
    down: boolean,
    background: boolean,
  ): Promise<Outcome<T>> {
    const started = performance.now();
    const outcome =
      down || !job.o.cluster
        ? await this.#produce(job, seen, down, background)
        : await this.#lockAndProduce(job, seen, background);
    // How long a refresh takes to land (the factory, the lock, the writes, or the wait for
    // another process's value): the delta of early refreshes.
    this.#host.state.succeeded(job.stored, performance.now() - started);
    return outcome;
  }

  /** `singleFlight: 'cluster'`: the lock, or the value of whoever holds it, then the factory. */
  async #lockAndProduce<T>(
    job: Job<T>,
    seen: StoredEntry<T> | undefined,
    background: boolean,
  ): Promise<Outcome<T>> {
    const host = this.#host;
    const { key, stored, o } = job;
    const seenExpiry = seen === undefined ? Number.NEGATIVE_INFINITY : physicalExpiry(seen);
    const started = performance.now();
    for (;;) {
      // A lock that outlives its lease (a key of that name written by something else) must not
      // stall us for ever: past the lease, compute without it.
      const overdue = performance.now() - started > o.lockMs;
      let attempt: LockAttempt<T>;
      try {
        attempt = await host.send(
          overdue
            ? readAttemptStep<T>(host.context, key, stored)
            : lockAttemptStep<T>(host.context, key, stored, o.lockMs),
        );
      } catch (error) {
        // The server went away meanwhile: as on a first read that failed (ignoreExceptions).
        host.swallow(error);
        return this.#produce(job, seen, true, background);
      }
      const { token, entry } = attempt;
      // Written since we looked (by whoever held the lock): that is the value.
      if (entry !== undefined && freshLeft(entry, o) > 0 && physicalExpiry(entry) > seenExpiry) {
        if (token !== undefined) await host.send(releaseStep(stored, token)).catch(() => undefined);
        return fromEntry(entry, 'miss', o);
      }
      if (token !== undefined || overdue) {
        try {
          return await this.#produce(job, entry ?? seen, false, background);
        } finally {
          // A release that fails (the server went away) leaves the lease to expire.
          if (token !== undefined)
            await host.send(releaseStep(stored, token)).catch(() => undefined);
        }
      }
      await pollPause(started);
    }
  }

  /** Runs the factory and stores its value (overwriting a stale one, else only if absent). */
  async #produce<T>(
    job: Job<T>,
    previous: StoredEntry<T> | undefined,
    down: boolean,
    background: boolean,
  ): Promise<Outcome<T>> {
    const host = this.#host;
    const { key, stored, factory, o } = job;
    let value: T;
    try {
      value = typeof factory === 'function' ? await (factory as () => T | Promise<T>)() : factory;
    } catch (error) {
      // A cycle is a mistake in the calling code, not a failed refresh: no stale value hides it.
      if (error instanceof FactoryCycleError) throw error;
      const failure = asFactoryError(error, key);
      const staleServed = previous !== undefined;
      const retryInMs = staleServed ? host.state.failed(stored, o.backoffMs) : undefined;
      host.factoryError(failure, { key, staleServed, background, retryInMs });
      throw failure;
    }
    const createdAt = Date.now();
    if (value === undefined || down || o.freshMs === 0) {
      return { value, status: 'miss', createdAt, expiresAt: undefined };
    }
    const expiresAt = o.freshMs === null ? null : createdAt + o.freshMs;
    const timeout = o.freshMs === null ? null : (o.freshMs + o.graceMs) / 1000;
    try {
      if (previous !== undefined) {
        await host.send(
          await stringSteps.set(host.context, key, value, { timeout, version: o.version }),
        );
        return { value, status: 'miss', createdAt, expiresAt };
      }
      const write = await stringSteps.add(host.context, key, value, {
        timeout,
        version: o.version,
      });
      if (await host.send(write)) {
        return { value, status: 'miss', createdAt, expiresAt };
      }
      // Another writer got there first: its value is the one every caller should see.
      const winner = await host.send(
        readEntryStep<T>(host.context, key, stored, undefined, 'primary'),
      );
      return winner === undefined
        ? { value, status: 'miss', createdAt, expiresAt }
        : fromEntry(winner, 'miss', o);
    } catch (error) {
      host.swallow(error);
      return { value, status: 'miss', createdAt, expiresAt: undefined };
    }
  }
}
