import { setTimeout as delay } from 'node:timers/promises';
import { type Cache, FIRST_KEY, isCachexError, type RedisArg, type Reply } from '@cachex/core';
import { step } from '@cachex/core/internal';
import { until } from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import {
  acquireLock,
  createLock,
  LockAbortedError,
  LockAlreadyAcquiredError,
  LockError,
  LockLostError,
  LockNotAcquiredError,
  LockNotOwnedError,
  withLock,
} from '../src/index.js';

/** Sends one raw command about `key` (a stored key) to the server that holds it. */
export function raw(cache: Cache, name: string, key: string, ...args: RedisArg[]) {
  return cache.run(() => step({ name, args: [key, ...args], keys: FIRST_KEY }, (r: Reply) => r));
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Seconds since `start` (a `performance.now()`). */
const since = (start: number) => (performance.now() - start) / 1000;

/**
 * The lock's behaviour, the same on every transport. `open()` gives a cache with a fresh
 * prefix, closed after the test; two caches of one `open()` call's prefix share the keys.
 */
export function describeLockBehaviour(
  name: string,
  open: () => { cache: Cache; another: () => Cache },
): void {
  describe(`lock on ${name}`, () => {
    it('acquire returns a growing fencing token; release frees; a second release is refused', async () => {
      const { cache } = open();
      const lock = createLock(cache, 'job', { timeout: 5 });
      expect(lock.fencingToken).toBeUndefined();
      const first = await lock.acquire();
      expect(first).toBe(1);
      expect(lock.fencingToken).toBe(1);
      expect(await lock.locked()).toBe(true);
      expect(await lock.owned()).toBe(true);
      const pttl = (await raw(cache, 'PTTL', lock.keys.lock)) as number;
      expect(pttl).toBeGreaterThan(4000);
      expect(pttl).toBeLessThanOrEqual(5000);
      await lock.release();
      expect(await lock.locked()).toBe(false);
      expect(await lock.owned()).toBe(false);
      expect(lock.fencingToken).toBe(1);

      const again = await rejection(lock.release());
      expect(again).toBeInstanceOf(LockNotOwnedError);
      expect(again).toBeInstanceOf(LockError);
      expect(isCachexError(again)).toBe(true);
      expect((again as LockNotOwnedError).code).toBe('E_LOCK_NOT_OWNED');
      expect((again as LockNotOwnedError).context).toMatchObject({
        key: 'job',
        reason: 'not-acquired',
      });

      expect(await lock.acquire()).toBe(2);
      expect(await createLock(cache, 'job').acquire({ blocking: false })).toBe(false);
      await lock.release();
      // The counter outlives the lock and never expires.
      expect(Number(await raw(cache, 'GET', lock.keys.fence))).toBe(2);
      expect(await raw(cache, 'PTTL', lock.keys.fence)).toBe(-1);
    });

    it('a lock without timeout never expires; it cannot be extended', async () => {
      const { cache } = open();
      const lock = createLock(cache, 'forever');
      await lock.acquire();
      expect(await raw(cache, 'PTTL', lock.keys.lock)).toBe(-1);
      await expect(lock.extend(1)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
      await expect(lock.reacquire()).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
      await lock.release();
    });

    it('is not reentrant: a second acquire on the same Lock is refused', async () => {
      const { cache } = open();
      const lock = createLock(cache, 'job', { timeout: 5 });
      await lock.acquire();
      const error = await rejection(lock.acquire());
      expect(error).toBeInstanceOf(LockAlreadyAcquiredError);
      expect((error as LockAlreadyAcquiredError).code).toBe('E_LOCK_ALREADY_ACQUIRED');
      await lock.release();
    });

    it('extend adds to the TTL left, or replaces it; reacquire resets it to the timeout', async () => {
      const { cache } = open();
      const lock = createLock(cache, 'job', { timeout: 2 });
      await lock.acquire();
      const pttl = async () => (await raw(cache, 'PTTL', lock.keys.lock)) as number;
      await lock.extend(10);
      expect(await pttl()).toBeGreaterThan(11_000);
      expect(await pttl()).toBeLessThanOrEqual(12_000);
      await lock.extend(0.5, { replaceTtl: true });
      expect(await pttl()).toBeLessThanOrEqual(500);
      await lock.reacquire();
      expect(await pttl()).toBeGreaterThan(1500);
      await expect(lock.extend(0)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
      await lock.release();
    });

    it('an expired holder cannot release or extend; its fencing token is lower than the next', async () => {
      const { cache, another } = open();
      const a = createLock(cache, 'job', { timeout: 0.1 });
      const tokenA = await a.acquire();
      await until(async () => !(await a.locked()));
      expect(await a.owned()).toBe(false);
      const b = createLock(another(), 'job', { timeout: 5 });
      const tokenB = await b.acquire();
      expect(tokenB).toBeGreaterThan(tokenA as number);

      const extendError = await rejection(a.extend(1));
      expect(extendError).toBeInstanceOf(LockNotOwnedError);
      expect((extendError as LockNotOwnedError).context.reason).toBe('other-holder');
      // The failed extension left A holding nothing: a release is refused without a word
      // to the server, and B's lock is untouched.
      const releaseError = await rejection(a.release());
      expect((releaseError as LockNotOwnedError).context.reason).toBe('not-acquired');
      expect(await b.owned()).toBe(true);

      // A holder whose lease ran out while nobody took the lock.
      const c = createLock(cache, 'other', { timeout: 0.1 });
      await c.acquire();
      await until(async () => !(await c.locked()));
      const missing = await rejection(c.release());
      expect((missing as LockNotOwnedError).context.reason).toBe('missing');

      const d = createLock(cache, 'job', { timeout: 0.1 });
      const e = createLock(cache, 'job', { timeout: 5 });
      await b.release();
      await d.acquire();
      await until(async () => !(await d.locked()));
      await e.acquire();
      await expect(d.reacquire()).rejects.toBeInstanceOf(LockNotOwnedError);
      await expect(d.release()).rejects.toMatchObject({ context: { reason: 'not-acquired' } });
      expect(await e.owned()).toBe(true);
      await e.release();
    });

    it('the fencing token lets the protected resource refuse a stale holder', async () => {
      const { cache } = open();
      // The resource keeps the highest token it has seen and refuses lower ones.
      let highest = 0;
      const writes: string[] = [];
      const write = (token: number, value: string) => {
        if (token < highest) throw new Error(`stale token ${token} < ${highest}`);
        highest = token;
        writes.push(value);
      };
      const slow = createLock(cache, 'resource', { timeout: 0.1 });
      const slowToken = (await slow.acquire()) as number;
      await until(async () => !(await slow.locked())); // paused past its lease
      await withLock(cache, 'resource', ({ fencingToken }) => write(fencingToken, 'fast'), {
        timeout: 5,
      });
      expect(() => write(slowToken, 'slow')).toThrow(/stale token/);
      expect(writes).toEqual(['fast']);
    });

    it('non-blocking acquire of a held lock returns false at once', async () => {
      const { cache } = open();
      const holder = createLock(cache, 'job', { timeout: 5 });
      await holder.acquire();
      const start = performance.now();
      expect(await createLock(cache, 'job', { blocking: false }).acquire()).toBe(false);
      expect(await createLock(cache, 'job').acquire({ blocking: false })).toBe(false);
      expect(since(start)).toBeLessThan(1);
      const error = await rejection(acquireLock(cache, 'job', { blocking: false }));
      expect(error).toBeInstanceOf(LockNotAcquiredError);
      expect(since(start)).toBeLessThan(1);
      await holder.release();
    });

    it('a blocking acquire gives up after blockingTimeout with a LockNotAcquiredError', async () => {
      const { cache } = open();
      const holder = createLock(cache, 'job', { timeout: 5 });
      await holder.acquire();
      const start = performance.now();
      const error = await rejection(
        createLock(cache, 'job', { blockingTimeout: 0.2, sleep: 0.05 }).acquire(),
      );
      const waited = since(start);
      expect(error).toBeInstanceOf(LockNotAcquiredError);
      expect((error as LockNotAcquiredError).code).toBe('E_LOCK_NOT_ACQUIRED');
      expect((error as LockNotAcquiredError).context.waitedMs).toBeGreaterThanOrEqual(150);
      expect(waited).toBeGreaterThanOrEqual(0.15);
      expect(waited).toBeLessThan(2);
      await holder.release();
    });

    it('a blocking acquire gets the lock once it is released', async () => {
      const { cache, another } = open();
      const holder = createLock(cache, 'job', { timeout: 5 });
      const first = (await holder.acquire()) as number;
      const waiting = createLock(another(), 'job', { sleep: 0.02, timeout: 5 }).acquire();
      await delay(60);
      await holder.release();
      expect(await waiting).toBe(first + 1);
    });

    it('an AbortSignal aborts the wait with a LockAbortedError', async () => {
      const { cache } = open();
      const holder = createLock(cache, 'job', { timeout: 5 });
      await holder.acquire();
      const controller = new AbortController();
      const start = performance.now();
      const waiting = createLock(cache, 'job', { sleep: 10 }).acquire({
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 50);
      const error = await rejection(waiting);
      expect(error).toBeInstanceOf(LockAbortedError);
      expect((error as LockAbortedError).code).toBe('E_LOCK_ABORTED');
      expect(((error as LockAbortedError).cause as Error).name).toBe('AbortError');
      expect(since(start)).toBeLessThan(2); // not the 10 s sleep

      // A signal aborted before: nothing is tried.
      const timedOut = await rejection(
        acquireLock(cache, 'free', { signal: AbortSignal.abort(new Error('no')) }),
      );
      expect(timedOut).toBeInstanceOf(LockAbortedError);
      expect(await createLock(cache, 'free').locked()).toBe(false);

      // withLock and AbortSignal.timeout
      const viaWithLock = await rejection(
        withLock(cache, 'job', () => 'never', { signal: AbortSignal.timeout(50) }),
      );
      expect(viaWithLock).toBeInstanceOf(LockAbortedError);
      expect(((viaWithLock as LockAbortedError).cause as Error).name).toBe('TimeoutError');
      expect(await holder.owned()).toBe(true);
      await holder.release();
    });

    it('await using releases the lock at the end of the block', async () => {
      const { cache } = open();
      let token: number;
      {
        await using lock = await acquireLock(cache, 'job', { timeout: 5 });
        token = lock.fencingToken;
        expect(await lock.owned()).toBe(true);
        expect(await createLock(cache, 'job').acquire({ blocking: false })).toBe(false);
      }
      expect(token).toBe(1);
      expect(await createLock(cache, 'job').locked()).toBe(false);

      // Released by hand inside the block: the disposal does nothing more.
      {
        await using lock = await acquireLock(cache, 'job', { timeout: 5 });
        await lock.release();
      }
      // A throw inside the block releases too.
      await expect(
        (async () => {
          await using _lock = await acquireLock(cache, 'job', { timeout: 5 });
          throw new Error('boom');
        })(),
      ).rejects.toThrow('boom');
      expect(await createLock(cache, 'job').locked()).toBe(false);
    });

    it('withLock resolves the value and releases, also when fn throws', async () => {
      const { cache } = open();
      const value = await withLock(
        cache,
        'job',
        async ({ fencingToken, signal, lock }) => {
          expect(signal.aborted).toBe(false);
          expect(await lock.owned()).toBe(true);
          return fencingToken * 10;
        },
        { timeout: 5 },
      );
      expect(value).toBe(10);
      expect(await createLock(cache, 'job').locked()).toBe(false);

      const boom = new Error('boom');
      const error = await rejection(
        withLock(
          cache,
          'job',
          () => {
            throw boom;
          },
          { timeout: 5 },
        ),
      );
      expect(error).toBe(boom);
      expect(await createLock(cache, 'job').locked()).toBe(false);
    });

    it('withLock rejects with LockNotOwnedError when the lease ran out while fn ran', async () => {
      const { cache } = open();
      const error = await rejection(
        withLock(
          cache,
          'job',
          async ({ lock }) => {
            await until(async () => !(await lock.locked()));
            return 'done';
          },
          { timeout: 0.1 },
        ),
      );
      expect(error).toBeInstanceOf(LockNotOwnedError);
      expect((error as LockNotOwnedError).context.reason).toBe('missing');
    });

    it('auto-extension keeps a short lease alive across a long fn', async () => {
      const { cache, another } = open();
      const other = createLock(another(), 'job', { blocking: false });
      const start = performance.now();
      const result = await withLock(
        cache,
        'job',
        async ({ signal, lock }) => {
          for (let i = 0; i < 7; i++) {
            await delay(150);
            expect(await lock.owned()).toBe(true);
            expect(await other.acquire()).toBe(false);
          }
          return signal.aborted;
        },
        { timeout: 0.3, autoExtend: true },
      );
      expect(result).toBe(false);
      expect(since(start)).toBeGreaterThanOrEqual(0.9); // three leases
      expect(await other.locked()).toBe(false);
      expect(await other.acquire()).toBe(2);
      await other.release();
    });

    it('a lost lock aborts the signal; withLock rejects with LockLostError once fn settles', async () => {
      const { cache } = open();
      let reason: unknown;
      const error = await rejection(
        withLock(
          cache,
          'job',
          async ({ signal, lock }) => {
            // A failover or an eviction: the lock key is gone.
            await raw(cache, 'DEL', lock.keys.lock);
            await new Promise<void>((resolve) => {
              signal.addEventListener('abort', () => resolve(), { once: true });
            });
            reason = signal.reason;
            throw signal.reason;
          },
          { timeout: 0.3, autoExtend: true },
        ),
      );
      expect(error).toBeInstanceOf(LockLostError);
      expect((error as LockLostError).code).toBe('E_LOCK_LOST');
      expect(error).toBe(reason);
      expect((error as LockLostError).cause).toBeInstanceOf(LockNotOwnedError);

      // Taken by another holder, and fn ignores the signal: still rejected.
      const resolved = await rejection(
        withLock(
          cache,
          'job',
          async ({ lock }) => {
            await raw(cache, 'SET', lock.keys.lock, 'someone-else');
            await delay(300); // past the next extension, which finds it taken
            return 'ignored';
          },
          { timeout: 0.3, autoExtend: true },
        ),
      );
      expect(resolved).toBeInstanceOf(LockLostError);
      expect((resolved as LockLostError).message).toMatch(/another holder/);
      // The other holder's lock was left alone.
      expect(String(await raw(cache, 'GET', createLock(cache, 'job').keys.lock))).toBe(
        'someone-else',
      );
    });
  });
}
