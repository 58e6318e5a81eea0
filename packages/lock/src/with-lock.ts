import { InvalidArgumentError, type MaybePromise } from '@cachex/core';
import { LockLostError, LockNotOwnedError } from './errors.js';
import {
  acquireOrThrow,
  checkOptions,
  Lock,
  type LockCache,
  type LockOptions,
  leaseStartOf,
} from './lock.js';

/** What the function of {@link withLock} receives. */
export interface LockContext {
  /**
   * Aborted when the lock is lost (reason: a `LockLostError`; only with `autoExtend`), or when
   * the `signal` given to `withLock` aborts (its reason). Pass it on to the work you do.
   */
  readonly signal: AbortSignal;
  /** The fencing token of this acquisition: send it with every write to the protected resource. */
  readonly fencingToken: number;
  /** The held lock (to `extend` it by hand, or check `owned()`). */
  readonly lock: Lock;
}

/** Options of {@link withLock}. */
export interface WithLockOptions extends LockOptions {
  /**
   * Gives up waiting for the lock when aborted (a `LockAbortedError`); once the lock is held,
   * it aborts the function's `signal` instead.
   */
  signal?: AbortSignal;
  /**
   * Keep the lease alive while the function runs: every `timeout / 3` the lease is reset to the
   * full `timeout`, only if the lock is still ours. Needs `timeout`.
   */
  autoExtend?: boolean;
}

interface Extender {
  /** Stops extending; resolves once an extension in flight has settled. */
  stop(): Promise<void>;
}

/**
 * Resets the lease of `lock` every third of it. The lock is lost, and `onLost` called once,
 * when an extension finds it gone or held by another, or when no extension got through for a
 * whole lease (the server may have let it expire meanwhile). A failed extension is retried
 * sooner, within what is left of the lease.
 */
function autoExtend(lock: Lock, leaseMs: number, onLost: (error: LockLostError) => void): Extender {
  const every = Math.max(1, Math.floor(leaseMs / 3));
  let confirmedAt = leaseStartOf(lock);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const schedule = (delay: number) => {
    if (stopped) return;
    // Housekeeping only: the function's own work keeps the process alive, not this timer.
    timer = setTimeout(() => {
      inFlight = extendOnce();
    }, delay).unref();
  };

  const lost = (message: string, cause: unknown) => {
    stopped = true;
    onLost(
      new LockLostError(`Lock ${JSON.stringify(lock.key)} was lost while held: ${message}`, {
        cause,
        context: { key: lock.key },
      }),
    );
  };

  async function extendOnce(): Promise<void> {
    const sentAt = performance.now();
    try {
      await lock.reacquire();
      confirmedAt = sentAt;
      schedule(every);
    } catch (error) {
      if (stopped) return;
      if (error instanceof LockNotOwnedError) {
        const { reason } = error.context;
        // 'not-acquired': `fn` released the lock itself; nothing was lost.
        if (reason === 'not-acquired') stopped = true;
        else
          lost(reason === 'other-holder' ? 'another holder has it now' : 'its key is gone', error);
        return;
      }
      const left = confirmedAt + leaseMs - performance.now();
      if (left <= 0) {
        lost('no extension got through for a whole lease', error);
        return;
      }
      schedule(Math.max(1, Math.min(every, left / 2)));
    }
  }

  schedule(every);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}

/**
 * Runs `fn` while holding the lock on `key`, and releases it afterwards, also when `fn` throws.
 * `fn` receives the fencing token and a signal.
 *
 * - Waiting: as `createLock(…).acquire()`: a `LockNotAcquiredError` once `blockingTimeout`
 *   has passed (or at once with `blocking: false`), a `LockAbortedError` when `signal` aborts.
 * - `fn` throws: the lock is released and `withLock` rejects with `fn`'s error.
 * - `fn` resolves: the lock is released and `withLock` resolves `fn`'s value; if the lease ran
 *   out while `fn` ran (no `autoExtend`), the release rejects with a `LockNotOwnedError`, since
 *   `fn` did not have the lock for all its run.
 * - With `autoExtend`, a lost lock aborts `fn`'s signal with a `LockLostError`; once `fn`
 *   settles, `withLock` rejects with that error, whatever `fn` returned or threw.
 *
 * @example
 * ```ts
 * await withLock(cache, 'nightly-report', async ({ signal, fencingToken }) => {
 *   await buildReport({ signal, fencingToken });
 * }, { timeout: 10, autoExtend: true, signal: AbortSignal.timeout(60_000) });
 * ```
 */
export async function withLock<T>(
  cache: LockCache,
  key: string,
  fn: (context: LockContext) => MaybePromise<T>,
  options: WithLockOptions = {},
): Promise<T> {
  if (typeof fn !== 'function') {
    throw new InvalidArgumentError(`withLock needs a function, got ${typeof fn}`);
  }
  checkOptions(options, 'withLock');
  const { signal: outer, autoExtend: extend = false, ...lockOptions } = options;
  if (typeof extend !== 'boolean') {
    throw new InvalidArgumentError(`autoExtend must be a boolean, got ${String(extend)}`, {
      context: { key, option: 'autoExtend' },
    });
  }
  const lock = new Lock(cache, key, lockOptions);
  if (extend && lock.timeout === null) {
    throw new InvalidArgumentError('autoExtend needs a timeout (the lease to keep extending)', {
      context: { key, option: 'autoExtend' },
    });
  }
  const fencingToken = await acquireOrThrow(lock, outer);

  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  let lostError: LockLostError | undefined;
  const extender =
    extend && lock.timeout !== null
      ? autoExtend(lock, Math.max(1, Math.ceil(lock.timeout * 1000)), (error) => {
          lostError = error;
          controller.abort(error);
        })
      : undefined;

  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await fn({ signal: controller.signal, fencingToken, lock }) };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
    await extender?.stop();
  }
  if (lostError !== undefined || !outcome.ok) {
    // The lock may still be ours (a lease that could not be confirmed): free it if so. Its
    // own failure would only hide the error that matters.
    await lock.release().catch(() => undefined);
    throw lostError ?? (outcome as { error: unknown }).error;
  }
  await lock.release().catch((error: unknown) => {
    // `fn` may have released the lock itself (`lock.release()`): nothing is left to do.
    if (!(error instanceof LockNotOwnedError && error.context.reason === 'not-acquired')) {
      throw error;
    }
  });
  return outcome.value;
}
