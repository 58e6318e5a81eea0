import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';

// Keys spread over hash slots (a prefix without a hash tag): on a cluster, multi-key cache
// operations are split by slot and sent per node, and their results come back in the caller's
// order. On one server they are single commands; the behaviour is the same everywhere.

const N = 300;
const keys = Array.from({ length: N }, (_, i) => `k${i}`);

export function spreadKeysGroup(h: Harness): void {
  describe('keys spread over slots', () => {
    it('setMany (with a timeout and without) and getMany keep every value and the order asked', async () => {
      const cache = await h.cache({ keyPrefix: h.prefix({ spread: true }) });
      await cache.setMany(
        keys.map((k, i): [string, unknown] => [k, { i }]),
        { timeout: 120 },
      );
      const shuffled = [...keys].reverse();
      const found = await cache.getMany<{ i: number }>([...shuffled, 'missing']);
      expect([...found.keys()]).toEqual(shuffled);
      expect(found.get('k7')).toEqual({ i: 7 });
      for (const k of ['k0', 'k150', `k${N - 1}`]) {
        const ttl = await cache.ttl(k);
        expect(ttl).toBeGreaterThan(100);
      }
      await cache.setMany(new Map(keys.map((k) => [k, 1])), { timeout: null });
      expect(await cache.ttl('k3')).toBe(-1);
      expect([...(await cache.getMany<number>(keys)).values()]).toEqual(keys.map(() => 1));
      expect(await cache.deleteMany([...keys, 'missing'])).toBe(N);
      expect(await h.rawKeys(cache)).toEqual([]);
    });

    it('keys, iterKeys, deletePattern and clear see every slot and only this prefix', async () => {
      const cache = await h.cache({ keyPrefix: h.prefix({ spread: true }) });
      const other = await h.cache({ keyPrefix: h.prefix({ spread: true }) });
      await cache.setMany(keys.map((k): [string, number] => [k, 1]));
      await other.setMany(keys.slice(0, 10).map((k): [string, number] => [k, 2]));
      expect((await cache.keys()).sort()).toEqual([...keys].sort());
      let iterated = 0;
      for await (const _ of cache.iterKeys('k1*')) iterated++;
      expect(iterated).toBeGreaterThanOrEqual(keys.filter((k) => k.startsWith('k1')).length);
      expect(await cache.deletePattern('k2*', { count: 7 })).toBe(
        keys.filter((k) => k.startsWith('k2')).length,
      );
      expect(await cache.clear()).toBe(keys.filter((k) => !k.startsWith('k2')).length);
      expect(await h.rawKeys(cache)).toEqual([]);
      expect((await other.keys()).length).toBe(10);
    });

    it('a pipeline over many slots answers in call order', async () => {
      const cache = await h.cache({ keyPrefix: h.prefix({ spread: true }) });
      const p = cache.pipeline();
      for (const k of keys.slice(0, 50)) p.set(k, k);
      for (const k of keys.slice(0, 50).reverse()) p.get(k);
      p.getMany(keys.slice(0, 50));
      p.deleteMany(keys.slice(0, 25));
      const results = await p.exec();
      expect(results.slice(0, 50)).toEqual(Array(50).fill(true));
      expect(results.slice(50, 100)).toEqual(keys.slice(0, 50).reverse());
      expect([...(results[100] as Map<string, string>).keys()]).toEqual(keys.slice(0, 50));
      expect(results[101]).toBe(25);
      expect((await h.rawKeys(cache)).length).toBe(25);
    });
  });
}
