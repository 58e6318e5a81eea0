import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';

export function keyGroup(h: Harness): void {
  describe('keys, iterKeys, deletePattern, clear, flushDb', () => {
    it('keys returns user keys of this prefix and version only', async () => {
      const cache = await h.cache();
      await cache.setMany({ 'user:1': 1, 'user:2': 2, 'post:1': 3 });
      await cache.set('user:3', 3, { version: 2 });
      const other = await h.cache();
      await other.set('user:9', 9);
      expect((await cache.keys()).sort()).toEqual(['post:1', 'user:1', 'user:2']);
      expect((await cache.keys('user:*')).sort()).toEqual(['user:1', 'user:2']);
      expect(await cache.keys('user:*', { version: 2 })).toEqual(['user:3']);
      expect(await cache.keys('nothing*')).toEqual([]);
    });

    it('iterKeys iterates over SCAN pages', async () => {
      const cache = await h.cache();
      const many = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`k:${i}`, i]));
      await cache.setMany(many);
      const seen = new Set<string>();
      for await (const key of cache.iterKeys('k:*', { count: 50 })) seen.add(key);
      expect(seen.size).toBe(250);
      expect(seen.has('k:249')).toBe(true);
    });

    it('deletePattern deletes matches only and counts them, in batches', async () => {
      const cache = await h.cache();
      await cache.setMany({ 'foo-a1': 1, 'foo-a2': 2, 'foo-b1': 3, bar: 4 });
      const batch = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`foo-a-${i}`, i]));
      await cache.setMany(batch);
      expect(await cache.deletePattern('foo-a*', { count: 25 })).toBe(122);
      expect((await cache.keys()).sort()).toEqual(['bar', 'foo-b1']);
    });

    it('clear removes only this prefix and version', async () => {
      const cache = await h.cache();
      await cache.setMany({ a: 1, b: 2 });
      await cache.set('a', 'v2', { version: 2 });
      const other = await h.cache();
      await other.set('a', 'other');
      expect(await cache.clear()).toBe(2);
      expect(await cache.keys()).toEqual([]);
      expect(await cache.get('a', { version: 2 })).toBe('v2');
      expect(await other.get('a')).toBe('other');
    });

    it('clearAllVersions removes every version of this prefix only', async () => {
      const cache = await h.cache();
      await cache.set('a', 1);
      await cache.set('a', 2, { version: 2 });
      await cache.set('b', 3, { version: 7 });
      const other = await h.cache();
      await other.set('a', 'other');
      expect(await cache.clearAllVersions()).toBe(3);
      expect(
        await h.raw(
          cache,
          'EXISTS',
          cache.makeKey('a'),
          cache.makeKey('a', 2),
          cache.makeKey('b', 7),
        ),
      ).toBe(0);
      expect(await other.get('a')).toBe('other');
    });

    it('type reports the data type, undefined when missing', async () => {
      const cache = await h.cache();
      await cache.set('s', 1);
      await h.raw(cache, 'LPUSH', cache.makeKey('l'), 'x');
      await h.raw(cache, 'HSET', cache.makeKey('h'), 'f', 'v');
      await h.raw(cache, 'SADD', cache.makeKey('set'), 'm');
      await h.raw(cache, 'ZADD', cache.makeKey('z'), '1', 'm');
      expect(await cache.type('s')).toBe('string');
      expect(await cache.type('l')).toBe('list');
      expect(await cache.type('h')).toBe('hash');
      expect(await cache.type('set')).toBe('set');
      expect(await cache.type('z')).toBe('zset');
      expect(await cache.type('missing')).toBeUndefined();
    });

    it('a prefix with glob characters is escaped', async () => {
      const base = h.prefix();
      const star = await h.cache({ keyPrefix: `${base}*` });
      const plain = await h.cache({ keyPrefix: `${base}x` });
      await star.set('k', 1);
      await plain.set('k', 2);
      expect(await star.keys()).toEqual(['k']);
      expect(await star.clear()).toBe(1);
      expect(await plain.get('k')).toBe(2);
    });

    it('a custom keyFunction and reverseKeyFunction are respected by keys and deletePattern', async () => {
      const cache = await h.cache({
        keyFunction: (key, prefix, version) => `${prefix}|v${version}|${key}`,
        reverseKeyFunction: (stored, prefix) =>
          stored.split('|').slice(2).join('|') || stored.replace(prefix, ''),
      });
      await cache.setMany({ 'a:1': 1, 'a:2': 2, b: 3 });
      expect(cache.makeKey('a:1')).toBe(`${cache.keyPrefix}|v1|a:1`);
      expect(await h.raw(cache, 'EXISTS', `${cache.keyPrefix}|v1|a:1`)).toBe(1);
      expect((await cache.keys('a:*')).sort()).toEqual(['a:1', 'a:2']);
      expect(await cache.deletePattern('a:*')).toBe(2);
      expect(await cache.keys()).toEqual(['b']);
    });

    it('reverseKey handles colons and leaves foreign keys unchanged', async () => {
      const cache = await h.cache();
      expect(cache.reverseKey(cache.makeKey('a:b:c'))).toBe('a:b:c');
      expect(cache.reverseKey('foreign:1:k')).toBe('foreign:1:k');
    });

    h.test(
      'flushDb wipes the whole database',
      'isolatedDatabase',
      'FLUSHDB would wipe the keys of every other test sharing the one database',
      async () => {
        const cache = await h.cache({ isolatedDatabase: true });
        const other = await h.cache({ isolatedDatabase: true });
        await cache.set('a', 1);
        await other.set('b', 2);
        await cache.flushDb();
        expect(await cache.has('a')).toBe(false);
        expect(await other.has('b')).toBe(false);
      },
    );

    it('getClient hands out the raw driver client', async () => {
      const cache = await h.cache();
      expect(cache.getClient()).toBeTruthy();
      expect(cache.getClient({ write: false })).toBeTruthy();
    });
  });
}
