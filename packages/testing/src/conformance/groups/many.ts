import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';

export function manyGroup(h: Harness): void {
  describe('getMany / setMany / deleteMany', () => {
    it('getMany returns a Map of found keys only, in the order asked', async () => {
      const cache = await h.cache();
      await cache.set('a', 1);
      await cache.set('c', 'three');
      await cache.set('e', { five: 5 });
      const found = await cache.getMany(['e', 'a', 'b', 'c', 'd']);
      expect([...found.entries()]).toEqual([
        ['e', { five: 5 }],
        ['a', 1],
        ['c', 'three'],
      ]);
      expect(found.has('b')).toBe(false);
      expect((await cache.getMany([])).size).toBe(0);
    });

    it('setMany takes a record, a Map or entries, and round-trips ints and strings', async () => {
      const cache = await h.cache();
      await cache.setMany({ a: 1, b: '2' });
      await cache.setMany(new Map<string, unknown>([['c', [3]]]));
      await cache.setMany([['d', null]] as const);
      const found = await cache.getMany(['a', 'b', 'c', 'd']);
      expect(Object.fromEntries(found)).toEqual({ a: 1, b: '2', c: [3], d: null });
      expect(await cache.ttl('a')).toBeGreaterThan(295);
    });

    it('setMany applies the timeout to every key', async () => {
      const cache = await h.cache();
      await cache.setMany({ a: 1, b: 2 }, { timeout: 50 });
      for (const k of ['a', 'b']) {
        const ttl = await cache.ttl(k);
        expect(ttl).toBeGreaterThan(45);
        expect(ttl).toBeLessThanOrEqual(50);
      }
      await cache.setMany({ c: 1 }, { timeout: null });
      expect(await cache.ttl('c')).toBe(-1);
      await cache.setMany({ d: 1 }, { timeout: 0.75 });
      expect(await cache.pttl('d')).toBeLessThanOrEqual(750);
    });

    it('setMany with timeout 0 removes the keys', async () => {
      const cache = await h.cache();
      await cache.setMany({ a: 1, b: 2 });
      await cache.setMany({ a: 3, b: 4 }, { timeout: 0 });
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('a'), cache.makeKey('b'))).toBe(0);
    });

    it('deleteMany counts the keys removed, accepts generators, and does no I/O when empty', async () => {
      const cache = await h.cache();
      await cache.setMany({ a: 1, b: 2, c: 3 });
      function* keys() {
        yield 'a';
        yield 'b';
        yield 'missing';
      }
      expect(await cache.deleteMany(keys())).toBe(2);
      expect(await cache.deleteMany([])).toBe(0);
      expect(await cache.has('c')).toBe(true);
      expect(await cache.has('a')).toBe(false);
    });
  });
}
