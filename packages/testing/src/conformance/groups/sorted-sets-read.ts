import { type Cache, InvalidArgumentError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';
import { rawScore, rawZset } from './sorted-sets-write.js';

/** a=1 b=2 c=3 d=4 e=5, written raw so reads are checked against a known server state. */
async function seed(h: Harness, cache: Cache, key = 'z'): Promise<void> {
  const args = ['1', '"a"', '2', '"b"', '3', '"c"', '4', '"d"', '5', '"e"'];
  await h.raw(cache, 'ZADD', cache.makeKey(key), ...args);
}

/** The read-only sorted-set methods; each also checks it left the server state alone. */
export function sortedSetReadTests(h: Harness): void {
  describe('zcard / zcount', () => {
    it('zcard counts members, 0 for a missing key', async () => {
      const cache = await h.cache();
      await seed(h, cache);
      expect(await cache.zcard('z')).toBe(5);
      expect(await cache.zcard('missing')).toBe(0);
      expect(await h.raw(cache, 'ZCARD', cache.makeKey('z'))).toBe(5);
    });

    it('zcount counts inclusive, exclusive and infinite bounds', async () => {
      const cache = await h.cache();
      await seed(h, cache);
      expect(await cache.zcount('z', 2, 4)).toBe(3);
      expect(await cache.zcount('z', '(2', 4)).toBe(2);
      expect(await cache.zcount('z', '(2', '(4')).toBe(1);
      expect(await cache.zcount('z', '-inf', '+inf')).toBe(5);
      expect(await cache.zcount('z', -Infinity, 2.5)).toBe(2);
      expect(await cache.zcount('missing', '-inf', '+inf')).toBe(0);
      expect(await h.raw(cache, 'ZCOUNT', cache.makeKey('z'), '(2', 4)).toBe(2);
    });
  });

  describe('zrange / zrevrange', () => {
    it('zrange and zrevrange return members by rank, with scores on request', async () => {
      const cache = await h.cache();
      await seed(h, cache);
      expect(await cache.zrange('z', 0, -1)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(await cache.zrange('z', 1, 2)).toEqual(['b', 'c']);
      expect(await cache.zrange('z', -2, -1, { withScores: true })).toEqual([
        ['d', 4],
        ['e', 5],
      ]);
      expect(await cache.zrevrange('z', 0, 1)).toEqual(['e', 'd']);
      expect(await cache.zrevrange('z', 0, 1, { withScores: true })).toEqual([
        ['e', 5],
        ['d', 4],
      ]);
      expect(await cache.zrange('z', 10, 20)).toEqual([]);
      expect(await cache.zrange('missing', 0, -1)).toEqual([]);
      expect(await cache.zrevrange('missing', 0, -1, { withScores: true })).toEqual([]);
      const raw = await rawZset(h, cache, 'z');
      expect(raw).toEqual(['"a"', '1', '"b"', '2', '"c"', '3', '"d"', '4', '"e"', '5']);
    });
  });

  describe('zrangebyscore / zrevrangebyscore', () => {
    it("zrangebyscore filters by score, with exclusive bounds like '(1'", async () => {
      const cache = await h.cache();
      await seed(h, cache);
      expect(await cache.zrangebyscore('z', 2, 4)).toEqual(['b', 'c', 'd']);
      expect(await cache.zrangebyscore('z', '(1', '(4')).toEqual(['b', 'c']);
      expect(await cache.zrangebyscore('z', '-inf', 1.5, { withScores: true })).toEqual([['a', 1]]);
      expect(await cache.zrangebyscore('z', 6, '+inf')).toEqual([]);
      expect(await cache.zrevrangebyscore('z', '+inf', '(3')).toEqual(['e', 'd']);
      expect(await cache.zrevrangebyscore('z', 3, 2, { withScores: true })).toEqual([
        ['c', 3],
        ['b', 2],
      ]);
      // Reversed bounds in the wrong order match nothing, as in Redis.
      expect(await cache.zrevrangebyscore('z', 2, 3)).toEqual([]);
      expect(await cache.zrangebyscore('missing', '-inf', '+inf')).toEqual([]);
      expect(await h.raw(cache, 'ZCARD', cache.makeKey('z'))).toBe(5);
    });

    it('zrangebyscore pagination with offset and count', async () => {
      const cache = await h.cache();
      await seed(h, cache);
      const page = (offset: number) =>
        cache.zrangebyscore('z', '-inf', '+inf', { offset, count: 2, withScores: true });
      expect(await page(0)).toEqual([
        ['a', 1],
        ['b', 2],
      ]);
      expect(await page(2)).toEqual([
        ['c', 3],
        ['d', 4],
      ]);
      expect(await page(4)).toEqual([['e', 5]]);
      expect(await page(6)).toEqual([]);
      // A negative count returns everything from the offset.
      expect(await cache.zrangebyscore('z', 2, '+inf', { offset: 1, count: -1 })).toEqual([
        'c',
        'd',
        'e',
      ]);
      expect(await cache.zrevrangebyscore('z', '+inf', '-inf', { offset: 1, count: 2 })).toEqual([
        'd',
        'c',
      ]);
      expect(await h.raw(cache, 'ZCARD', cache.makeKey('z'))).toBe(5);
    });

    it('zrangebyscore offset without count (or count without offset) is an InvalidArgumentError', async () => {
      const cache = await h.cache();
      await seed(h, cache);
      await expect(cache.zrangebyscore('z', 0, 10, { offset: 1 })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      await expect(cache.zrevrangebyscore('z', 10, 0, { count: 1 })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      expect(await h.raw(cache, 'ZCARD', cache.makeKey('z'))).toBe(5);
    });
  });

  describe('zrank / zscore / zmscore', () => {
    it('zrank and zrevrank give 0-based ranks, undefined for non-members', async () => {
      const cache = await h.cache();
      await seed(h, cache);
      expect(await cache.zrank('z', 'a')).toBe(0);
      expect(await cache.zrank('z', 'd')).toBe(3);
      expect(await cache.zrevrank('z', 'a')).toBe(4);
      expect(await cache.zrevrank('z', 'e')).toBe(0);
      expect(await cache.zrank('z', 'nope')).toBeUndefined();
      expect(await cache.zrevrank('missing', 'a')).toBeUndefined();
      expect(await h.raw(cache, 'ZRANK', cache.makeKey('z'), '"d"')).toBe(3);
    });

    it('zscore and zmscore return scores, undefined for non-members', async () => {
      const cache = await h.cache();
      await seed(h, cache);
      expect(await cache.zscore('z', 'c')).toBe(3);
      expect(await cache.zscore('z', 'nope')).toBeUndefined();
      expect(await cache.zscore('missing', 'c')).toBeUndefined();
      expect(await cache.zmscore('z', ['a', 'nope', 'e'])).toEqual([1, undefined, 5]);
      expect(await cache.zmscore('missing', ['a', 'b'])).toEqual([undefined, undefined]);
      expect(await cache.zmscore('z', [])).toEqual([]);
      expect(await rawScore(h, cache, 'z', '"c"')).toBe('3');
    });
  });
}
