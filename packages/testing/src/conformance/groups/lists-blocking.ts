import { type Cache, ClosedError, isCachexError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';
import { rawList } from './list-helpers.js';

/** Tracks whether a promise has settled, to assert ordering without sleeping. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  return { promise: tracked, settled: () => done };
}

export function blockingListGroup(h: Harness): void {
  /**
   * Waits until the server counts `n` blocked clients, so that a push is known to wake a
   * waiting pop rather than to precede it. Blocking pops of other tests have all settled by
   * then. A transport without INFO (the memory one registers a waiter synchronously) skips it.
   */
  async function blocked(cache: Cache, n = 1): Promise<void> {
    const count = async (): Promise<number | undefined> => {
      // Every primary's count: on a cluster, the pop waits on the node owning its key.
      const infos = await cache.context.transport.broadcast('INFO', ['clients']).catch(() => []);
      let total: number | undefined;
      for (const info of infos) {
        const match = /blocked_clients:(\d+)/.exec(String(info ?? ''));
        if (match) total = (total ?? 0) + Number(match[1]);
      }
      return total;
    };
    if ((await count()) === undefined) return;
    await h.until(async () => ((await count()) ?? n) >= n);
  }

  describe('blocking lists', () => {
    it('blpop returns [key, value] at once from the first non-empty list', async () => {
      const cache = await h.cache();
      await cache.rpush('b', ['x', { y: 1 }]);
      expect(await cache.blpop(['a', 'b'], { timeout: 1 })).toEqual(['b', 'x']);
      expect(await rawList(h, cache, 'b')).toEqual(['{"y":1}']);
      // The default timeout (0 = wait for ever) returns at once when an element is there.
      expect(await cache.blpop('b')).toEqual(['b', { y: 1 }]);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('b'))).toBe(0);
    });

    it('brpop pops the tail at once', async () => {
      const cache = await h.cache();
      await cache.rpush('l', [1, 2]);
      expect(await cache.brpop('l', { timeout: 1 })).toEqual(['l', 2]);
      expect(await rawList(h, cache, 'l')).toEqual(['1']);
    });

    it('blpop/brpop time out with undefined and create nothing', async () => {
      const cache = await h.cache();
      let start = Date.now();
      expect(await cache.blpop(['a', 'b'], { timeout: 0.1 })).toBeUndefined();
      expect(Date.now() - start).toBeGreaterThanOrEqual(90);
      start = Date.now();
      expect(await cache.brpop('a', { timeout: 0.1 })).toBeUndefined();
      expect(Date.now() - start).toBeGreaterThanOrEqual(90);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('a'), cache.makeKey('b'))).toBe(0);
    });

    it('a tiny fractional timeout still times out (never becomes "wait for ever")', async () => {
      const cache = await h.cache();
      expect(await cache.blpop('a', { timeout: 0.0001 })).toBeUndefined();
      expect(await cache.blmove('a', 'b', { timeout: 0.0004 })).toBeUndefined();
    });

    it('blmove moves at once (head → tail by default) and honours from/to', async () => {
      const cache = await h.cache();
      await cache.rpush('src', ['a', 'b', 'c']);
      expect(await cache.blmove('src', 'dst', { timeout: 1 })).toBe('a');
      expect(await cache.blmove('src', 'dst', { from: 'RIGHT', to: 'LEFT', timeout: 1 })).toBe('c');
      expect(await rawList(h, cache, 'src')).toEqual(['"b"']);
      expect(await rawList(h, cache, 'dst')).toEqual(['"c"', '"a"']);
      expect(await cache.blmove('src', 'src', { from: 'LEFT', to: 'LEFT' })).toBe('b');
      expect(await rawList(h, cache, 'src')).toEqual(['"b"']);
    });

    it('blmove times out with undefined and creates nothing', async () => {
      const cache = await h.cache();
      const start = Date.now();
      expect(await cache.blmove('src', 'dst', { timeout: 0.1 })).toBeUndefined();
      expect(Date.now() - start).toBeGreaterThanOrEqual(90);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('src'), cache.makeKey('dst'))).toBe(0);
    });

    it('blocking pops honour versions and return the user key', async () => {
      const cache = await h.cache();
      await cache.rpush('k', [1, 2, 3], { version: 2 });
      expect(await cache.blpop('k', { timeout: 0.1 })).toBeUndefined();
      expect(await cache.blpop(['other', 'k'], { version: 2, timeout: 1 })).toEqual(['k', 1]);
      expect(await cache.brpop('k', { version: 2, timeout: 1 })).toEqual(['k', 3]);
      expect(await cache.blmove('k', 'd', { versionSrc: 2, versionDst: 3, timeout: 1 })).toBe(2);
      expect(await rawList(h, cache, 'd', 3)).toEqual(['2']);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('k', 2))).toBe(0);
    });

    it('blpop is woken by a push from another cache', async () => {
      const cache = await h.cache();
      const other = await h.cache({ keyPrefix: cache.keyPrefix });
      const pop = track(cache.blpop<{ job: number }>('q', { timeout: 2 }));
      await blocked(cache);
      expect(pop.settled()).toBe(false);
      expect(await other.rpush('q', [{ job: 1 }])).toBe(1);
      expect(await pop.promise).toEqual(['q', { job: 1 }]);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('q'))).toBe(0);
    });

    it('brpop and blmove are woken by a push from another cache', async () => {
      const cache = await h.cache();
      const other = await h.cache({ keyPrefix: cache.keyPrefix });
      const pop = track(cache.brpop(['q1', 'q2'], { timeout: 2 }));
      await blocked(cache);
      await other.rpush('q2', ['a', 'b']);
      expect(await pop.promise).toEqual(['q2', 'b']);
      expect(await rawList(h, cache, 'q2')).toEqual(['"a"']);
      const move = track(cache.blmove('src', 'dst', { from: 'RIGHT', to: 'LEFT', timeout: 2 }));
      await blocked(cache);
      expect(move.settled()).toBe(false);
      await other.lpush('src', ['x']);
      expect(await move.promise).toBe('x');
      expect(await rawList(h, cache, 'dst')).toEqual(['"x"']);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('src'))).toBe(0);
    });

    it('a waiting blpop does not stall other commands on the same cache', async () => {
      const cache = await h.cache();
      // No timeout: waits for ever (the default) until the push below.
      const pop = track(cache.blpop('q'));
      await blocked(cache);
      expect(await cache.set('k', 'v')).toBe(true);
      expect(await cache.get('k')).toBe('v');
      expect(await cache.rpush('other', [1])).toBe(1);
      expect(pop.settled()).toBe(false);
      const pusher = await h.cache({ keyPrefix: cache.keyPrefix });
      await pusher.rpush('q', ['wake']);
      expect(await pop.promise).toEqual(['q', 'wake']);
    });

    it('two waiting pops on one cache are served independently', async () => {
      const cache = await h.cache();
      const first = track(cache.blpop('a', { timeout: 2 }));
      const second = track(cache.blpop('b', { timeout: 2 }));
      await blocked(cache, 2);
      await cache.rpush('b', ['for b']);
      expect(await second.promise).toEqual(['b', 'for b']);
      expect(first.settled()).toBe(false);
      await cache.rpush('a', ['for a']);
      expect(await first.promise).toEqual(['a', 'for a']);
    });

    it('close() rejects every waiting pop with its own ClosedError and pops nothing', async () => {
      const cache = await h.cache();
      const other = await h.cache({ keyPrefix: cache.keyPrefix });
      const settle = (promise: Promise<unknown>) =>
        promise.then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
      const pops = [
        settle(cache.blpop('q')),
        settle(cache.brpop(['q', 'r'], { timeout: 30 })),
        settle(cache.blmove('q', 'd', { timeout: 30 })),
      ];
      await blocked(cache, pops.length);
      await cache.close();
      const outcomes = await Promise.all(pops);
      const errors = outcomes.map((o) => ('error' in o ? o.error : o));
      for (const error of errors) {
        expect(error).toBeInstanceOf(ClosedError);
        expect(isCachexError(error) && error.code).toBe('E_CLOSED');
      }
      expect(new Set(errors).size).toBe(errors.length);
      // Later calls reject the same way, and nothing was taken from the lists.
      await expect(cache.blpop('q', { timeout: 1 })).rejects.toBeInstanceOf(ClosedError);
      await other.rpush('q', ['left']);
      expect(await rawList(h, other, 'q')).toEqual(['"left"']);
      expect(await h.raw(other, 'EXISTS', other.makeKey('d'))).toBe(0);
    });
  });
}
