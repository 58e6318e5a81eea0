import {
  type Cache,
  type FactoryErrorInfo,
  InvalidArgumentError,
  isCachexError,
} from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A factory that resolves `value` after `ms`. */
const slowly =
  <T>(ms: number, value: T) =>
  async (): Promise<T> => {
    await sleep(ms);
    return value;
  };

/** Collects a cache's `factoryError` events. */
function factoryErrors(cache: Cache): [Error, FactoryErrorInfo][] {
  const seen: [Error, FactoryErrorInfo][] = [];
  cache.on('factoryError', (error, info) => seen.push([error, info]));
  return seen;
}

/** Writes `value` as getOrSet would with `timeout`/`grace`, then waits until it is stale. */
async function staleValue(cache: Cache, key: string, value: unknown, grace = 30): Promise<void> {
  await cache.getOrSet(key, () => value, { timeout: 0.05, grace });
  await sleep(80);
}

/**
 * getOrSet under a stampede, and its grace, stale-while-revalidate, early refresh, factory
 * timeouts and cross-process single-flight; getManyOrSet.
 */
export function getOrSetGroup(h: Harness): void {
  describe('getOrSet: metadata and the stored entry', () => {
    it('reports miss then hit, with createdAt and expiresAt', async () => {
      const cache = await h.cache();
      const before = Date.now();
      const first = await cache.getOrSet('k', () => 'v', { timeout: 60, meta: true });
      expect(first.value).toBe('v');
      expect(first.status).toBe('miss');
      expect(first.createdAt).toBeGreaterThanOrEqual(before);
      expect(first.expiresAt).toBe((first.createdAt as number) + 60_000);
      const second = await cache.getOrSet('k', () => 'other', { timeout: 60, meta: true });
      expect(second.value).toBe('v');
      expect(second.status).toBe('hit');
      // Derived from the TTL the server reports: within the round trips of the two calls.
      expect(Math.abs((second.expiresAt as number) - (first.expiresAt as number))).toBeLessThan(
        1000,
      );
      expect(Math.abs((second.createdAt as number) - (first.createdAt as number))).toBeLessThan(
        1000,
      );
    });

    it('a key written with a longer TTL than the call assumes: createdAt is never in the future', async () => {
      const cache = await h.cache();
      await cache.set('k', 'v', { timeout: 1000 });
      const before = Date.now();
      const hit = await cache.getOrSet('k', () => 'other', { timeout: 60, meta: true });
      expect(hit.status).toBe('hit');
      expect(hit.createdAt).toBeLessThanOrEqual(Date.now());
      expect(hit.createdAt).toBeGreaterThanOrEqual(before - 1000);
      expect(hit.expiresAt).toBeGreaterThan(before + 990_000);
    });

    it('a key that never expires reports expiresAt null', async () => {
      const cache = await h.cache();
      await cache.getOrSet('k', () => 1, { timeout: null });
      const hit = await cache.getOrSet('k', () => 2, { timeout: null, meta: true });
      expect(hit).toEqual({ value: 1, status: 'hit', createdAt: undefined, expiresAt: null });
    });

    it('stores the plain value with TTL timeout + grace (what django-cachex stampede_prevention reads)', async () => {
      const cache = await h.cache();
      await cache.getOrSet('k', () => ({ a: 1 }), { timeout: 10, grace: 50 });
      expect((await h.raw(cache, 'GET', cache.makeKey('k')))?.toString()).toBe('{"a":1}');
      const pttl = Number(await h.raw(cache, 'PTTL', cache.makeKey('k')));
      expect(pttl).toBeGreaterThan(55_000);
      expect(pttl).toBeLessThanOrEqual(60_000);
    });

    it('refuses bad options with an InvalidArgumentError naming the option, before calling the factory', async () => {
      const cache = await h.cache();
      let calls = 0;
      const factory = () => ++calls;
      const bad: [object, string][] = [
        [{ grace: -1 }, 'grace'],
        [{ grace: '10' }, 'grace'],
        [{ factoryTimeout: { soft: 2, hard: 1 } }, 'factoryTimeout.soft'],
        [{ factoryTimeout: { hard: 0 } }, 'factoryTimeout.hard'],
        [{ factoryTimeout: { sfot: 1 } }, 'factoryTimeout.sfot'],
        [{ earlyRefresh: { beta: 0 } }, 'earlyRefresh.beta'],
        [{ singleFlight: 'global' }, 'singleFlight'],
        [{ staleWhileRevalidate: 'yes' }, 'staleWhileRevalidate'],
        [{ lockTimeout: Number.NaN }, 'lockTimeout'],
        [{ gracePeriod: 10 }, 'gracePeriod'],
      ];
      for (const [options, option] of bad) {
        const error = await cache.getOrSet('k', factory, options as never).catch((e: unknown) => e);
        expect(error, option).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).context.option).toBe(option);
        expect((error as Error).message).toContain(option);
      }
      expect(calls).toBe(0);
    });
  });

  describe('getOrSet: a failing factory', () => {
    it('without a stale value rejects with a FactoryError carrying the cause, and reports it', async () => {
      const cache = await h.cache();
      const events = factoryErrors(cache);
      const cause = new Error('database down');
      const error = await cache
        .getOrSet('k', () => Promise.reject(cause), { grace: 60 })
        .catch((e: unknown) => e);
      expect(isCachexError(error, 'E_FACTORY')).toBe(true);
      expect((error as Error).cause).toBe(cause);
      expect((error as Error).message).toContain('database down');
      expect(events).toHaveLength(1);
      expect(events[0]![1]).toMatchObject({ key: 'k', staleServed: false, background: false });
      expect(await cache.has('k')).toBe(false);
    });

    it('within grace serves the stale value, reports the error, and retries only after the backoff', async () => {
      const cache = await h.cache();
      const events = factoryErrors(cache);
      await staleValue(cache, 'k', 'old');
      let calls = 0;
      let fail = true;
      const factory = async () => {
        calls++;
        if (fail) throw new Error('boom');
        return 'new';
      };
      const options = { timeout: 0.05, grace: 30, graceBackoff: 0.3, meta: true } as const;
      const served = await cache.getOrSet('k', factory, options);
      expect(served).toMatchObject({ value: 'old', status: 'stale' });
      expect(calls).toBe(1);
      expect(events).toHaveLength(1);
      expect(isCachexError(events[0]![0], 'E_FACTORY')).toBe(true);
      expect(events[0]![1]).toMatchObject({ key: 'k', staleServed: true, retryInMs: 300 });
      // Within the backoff: the stale value, without calling the factory.
      expect(await cache.getOrSet('k', factory, options)).toMatchObject({
        value: 'old',
        status: 'stale',
      });
      expect(calls).toBe(1);
      await sleep(350);
      fail = false;
      expect(await cache.getOrSet('k', factory, options)).toMatchObject({
        value: 'new',
        status: 'refreshed',
      });
      expect(calls).toBe(2);
      expect(await cache.get('k')).toBe('new');
    });

    it('a failure in a row doubles the backoff', async () => {
      const cache = await h.cache();
      const events = factoryErrors(cache);
      await staleValue(cache, 'k', 'old');
      const failing = () => Promise.reject(new Error('still down'));
      const options = { timeout: 0.05, grace: 30, graceBackoff: 0.05 };
      expect(await cache.getOrSet('k', failing, options)).toBe('old');
      await sleep(70);
      expect(await cache.getOrSet('k', failing, options)).toBe('old');
      expect(events.map(([, info]) => info.retryInMs)).toEqual([50, 100]);
    });

    it('a FactoryCycleError is not hidden by a stale value', async () => {
      const cache = await h.cache();
      await staleValue(cache, 'a', 'old');
      const options = { timeout: 0.05, grace: 30 };
      const error = await cache
        .getOrSet('a', () => cache.getOrSet('a', () => 'inner', options), options)
        .catch((e: unknown) => e);
      expect(isCachexError(error, 'E_FACTORY_CYCLE')).toBe(true);
    });
  });

  describe('getOrSet: factory timeouts', () => {
    it('hard: rejects with a FactoryTimeoutError when nothing stale exists; the value is stored when the factory ends', async () => {
      const cache = await h.cache();
      const started = Date.now();
      const error = await cache
        .getOrSet('k', slowly(150, 'late'), { factoryTimeout: 0.03 })
        .catch((e: unknown) => e);
      expect(isCachexError(error, 'E_FACTORY_TIMEOUT')).toBe(true);
      expect((error as { context: { timeoutMs: number } }).context.timeoutMs).toBe(30);
      expect(Date.now() - started).toBeLessThan(140);
      expect(
        await h.eventually(
          () => cache.get('k'),
          (v) => v === 'late',
        ),
      ).toBe('late');
    });

    it('soft: a slow refresh returns the stale value, and lands in the background', async () => {
      const cache = await h.cache();
      await staleValue(cache, 'k', 'old');
      const started = Date.now();
      const result = await cache.getOrSet('k', slowly(150, 'new'), {
        timeout: 30,
        grace: 30,
        factoryTimeout: { soft: 0.03, hard: 5 },
        meta: true,
      });
      expect(result).toMatchObject({ value: 'old', status: 'stale' });
      expect(Date.now() - started).toBeLessThan(140);
      expect(
        await h.eventually(
          () => cache.get('k'),
          (v) => v === 'new',
        ),
      ).toBe('new');
    });

    it('a factory within its limits is simply waited for', async () => {
      const cache = await h.cache();
      const value = await cache.getOrSet('k', slowly(10, 'v'), {
        factoryTimeout: { soft: 1, hard: 2 },
      });
      expect(value).toBe('v');
    });
  });

  describe('getOrSet: stale-while-revalidate and early refresh', () => {
    it('staleWhileRevalidate returns the stale value at once and refreshes once in the background', async () => {
      const cache = await h.cache();
      await staleValue(cache, 'k', 'old');
      let calls = 0;
      const factory = async () => {
        calls++;
        await sleep(50);
        return 'new';
      };
      const options = { timeout: 30, grace: 30, staleWhileRevalidate: true, meta: true } as const;
      const results = await Promise.all(
        Array.from({ length: 5 }, () => cache.getOrSet('k', factory, options)),
      );
      for (const result of results) expect(result).toMatchObject({ value: 'old', status: 'stale' });
      expect(
        await h.eventually(
          () => cache.get('k'),
          (v) => v === 'new',
        ),
      ).toBe('new');
      expect(calls).toBe(1);
      expect(await cache.getOrSet('k', factory, options)).toMatchObject({
        value: 'new',
        status: 'hit',
      });
    });

    it('earlyRefresh refreshes before expiry: readers never see a miss', async () => {
      const cache = await h.cache();
      let calls = 0;
      const factory = async () => {
        calls++;
        await sleep(5);
        return calls;
      };
      // delta 0.1 s: every read in the last 200 ms of the 0.8 s timeout starts a refresh, and
      // earlier reads do with a chance that rises towards expiry.
      const options = { timeout: 0.8, earlyRefresh: { delta: 0.1 }, meta: true } as const;
      expect((await cache.getOrSet('k', factory, options)).status).toBe('miss');
      const statuses = new Map<string, number>();
      const end = Date.now() + 2500;
      while (Date.now() < end) {
        const { status } = await cache.getOrSet('k', factory, options);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        await sleep(10);
      }
      expect(statuses.get('miss') ?? 0).toBe(0);
      expect([...statuses.keys()]).toEqual(['hit']);
      // 2.5 s of 0.8 s timeouts: refreshed at least twice; refreshes come late in each period.
      expect(calls).toBeGreaterThanOrEqual(3);
      expect(calls).toBeLessThanOrEqual(10);
    });
  });

  describe('getOrSet: singleFlight across caches (as across processes)', () => {
    it("'cluster': concurrent misses on caches sharing a server run the factory once", async () => {
      const first = await h.cache();
      const others = await Promise.all(
        Array.from({ length: 3 }, () => h.cache({ keyPrefix: first.keyPrefix })),
      );
      let calls = 0;
      const factory = async () => {
        calls++;
        await sleep(50);
        return { computed: true };
      };
      const caches = [first, ...others];
      const results = await Promise.all(
        caches.flatMap((cache) =>
          Array.from({ length: 20 }, () =>
            cache.getOrSet('k', factory, { timeout: 60, singleFlight: 'cluster' }),
          ),
        ),
      );
      expect(calls).toBe(1);
      expect(results).toEqual(Array(80).fill({ computed: true }));
      // The lock is gone once the value is stored.
      expect(await h.raw(first, 'EXISTS', `${first.makeKey('k')}:cachex-flight`)).toBe(0);
    });

    it("'cluster': the waiters get the stale value when the one computing fails", async () => {
      const first = await h.cache();
      const second = await h.cache({ keyPrefix: first.keyPrefix });
      await staleValue(first, 'k', 'old');
      const options = { timeout: 0.05, grace: 30, singleFlight: 'cluster' } as const;
      const failing = async () => {
        await sleep(30);
        throw new Error('boom');
      };
      const results = await Promise.all([
        first.getOrSet('k', failing, options),
        second.getOrSet('k', failing, options),
      ]);
      expect(results).toEqual(['old', 'old']);
    });

    it("'process' (the default): each cache computes once", async () => {
      const first = await h.cache();
      const second = await h.cache({ keyPrefix: first.keyPrefix });
      let calls = 0;
      const factory = async () => {
        calls++;
        await sleep(30);
        return 'v';
      };
      await Promise.all(
        [first, second].flatMap((cache) =>
          Array.from({ length: 10 }, () => cache.getOrSet('k', factory)),
        ),
      );
      expect(calls).toBeGreaterThanOrEqual(1);
      expect(calls).toBeLessThanOrEqual(2);
    });
  });

  describe('getManyOrSet', () => {
    it('reads every key in one call, computes only the missing ones in one factory call, and stores them', async () => {
      const cache = await h.cache();
      await cache.setMany({ a: 1, c: 3 });
      const asked: string[][] = [];
      const result = await cache.getManyOrSet(
        ['a', 'b', 'c', 'd', 'b'],
        (missing) => {
          asked.push(missing);
          return { b: 20, d: 40, z: 99 };
        },
        { timeout: 60 },
      );
      expect(asked).toEqual([['b', 'd']]);
      expect([...result]).toEqual([
        ['a', 1],
        ['b', 20],
        ['c', 3],
        ['d', 40],
      ]);
      expect(await cache.getMany(['b', 'd', 'z'])).toEqual(
        new Map([
          ['b', 20],
          ['d', 40],
        ]),
      );
      const ttl = await cache.ttl('b');
      expect(ttl).toBeGreaterThan(55);
      expect(ttl).toBeLessThanOrEqual(60);
    });

    it('takes a Map or pairs from the factory; a key it leaves out is absent and not stored', async () => {
      const cache = await h.cache();
      const fromMap = await cache.getManyOrSet(['a', 'b'], () => new Map([['a', 'x']]));
      expect([...fromMap]).toEqual([['a', 'x']]);
      expect(await cache.has('b')).toBe(false);
      const fromPairs = await cache.getManyOrSet(['b'], () => [['b', 'y']] as [string, string][]);
      expect([...fromPairs]).toEqual([['b', 'y']]);
    });

    it('a failing factory leaves stale keys their values, and rejects when a key has none', async () => {
      const cache = await h.cache();
      const events = factoryErrors(cache);
      await cache.getManyOrSet(['a'], () => ({ a: 'old' }), { timeout: 0.05, grace: 30 });
      await sleep(80);
      const failing = () => Promise.reject(new Error('down'));
      const options = { timeout: 0.05, grace: 30 };
      expect([...(await cache.getManyOrSet(['a'], failing, options))]).toEqual([['a', 'old']]);
      const error = await cache.getManyOrSet(['a', 'b'], failing, options).catch((e: unknown) => e);
      expect(isCachexError(error, 'E_FACTORY')).toBe(true);
      expect(events[0]![1]).toMatchObject({ keys: ['a'], staleServed: true });
    });

    it('a factory result that is not a Map, record or pairs is a FactoryError saying so', async () => {
      const cache = await h.cache();
      const error = await cache.getManyOrSet(['a'], () => null as never).catch((e: unknown) => e);
      expect(isCachexError(error, 'E_FACTORY')).toBe(true);
      expect((error as Error).message).toContain(
        'must return a Map, a record or [key, value] pairs',
      );
      expect(await cache.has('a')).toBe(false);
    });

    it("singleFlight 'cluster': concurrent batches on caches sharing a server compute each key once", async () => {
      const first = await h.cache();
      const others = await Promise.all(
        Array.from({ length: 3 }, () => h.cache({ keyPrefix: first.keyPrefix })),
      );
      await first.set('c', 'stored');
      const computed = new Map<string, number>();
      const factory = async (missing: string[]) => {
        for (const key of missing) computed.set(key, (computed.get(key) ?? 0) + 1);
        await sleep(40);
        return missing.map((key) => [key, `v:${key}`] as const);
      };
      // Overlapping batches: every key is asked for by several caches at once.
      const lists = [
        ['a', 'b', 'c'],
        ['b', 'd'],
        ['a', 'd', 'e'],
        ['e', 'b', 'a'],
      ];
      const results = await Promise.all(
        [first, ...others].map((cache, n) =>
          cache.getManyOrSet(lists[n]!, factory, { timeout: 60, singleFlight: 'cluster' }),
        ),
      );
      expect(Object.fromEntries(computed)).toEqual({ a: 1, b: 1, d: 1, e: 1 });
      expect([...results[0]!]).toEqual([
        ['a', 'v:a'],
        ['b', 'v:b'],
        ['c', 'stored'],
      ]);
      expect([...results[3]!]).toEqual([
        ['e', 'v:e'],
        ['b', 'v:b'],
        ['a', 'v:a'],
      ]);
      for (const key of ['a', 'b', 'd', 'e']) {
        expect(await h.raw(first, 'EXISTS', `${first.makeKey(key)}:cachex-flight`)).toBe(0);
      }
    });

    it('no keys: no factory call', async () => {
      const cache = await h.cache();
      let calls = 0;
      expect((await cache.getManyOrSet([], () => ({ x: ++calls }))).size).toBe(0);
      expect(calls).toBe(0);
    });
  });
}
