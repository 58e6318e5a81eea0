import { InvalidArgumentError, WrongTypeError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';
import { sortedSetReadTests } from './sorted-sets-read.js';
import { rawScore, rawZset, sortedSetWriteTests } from './sorted-sets-write.js';

export function sortedSetGroup(h: Harness): void {
  describe('sorted-sets', () => {
    sortedSetWriteTests(h);
    sortedSetReadTests(h);
    removalTests(h);
    popTests(h);

    it('sorted-set versions are independent', async () => {
      const cache = await h.cache();
      expect(await cache.zadd('z', { a: 1 }, { version: 2 })).toBe(1);
      expect(await cache.zcard('z')).toBe(0);
      expect(await cache.zcard('z', { version: 2 })).toBe(1);
      expect(await cache.zscore('z', 'a', { version: 2 })).toBe(1);
      expect(await cache.zrange('z', 0, -1, { version: 2 })).toEqual(['a']);
      expect(await cache.zpopmin('z')).toEqual([]);
      expect(await h.raw(cache, 'ZCARD', cache.makeKey('z', 2))).toBe(1);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('z'))).toBe(0);
    });

    it('sorted-set methods on a string key reject with WrongTypeError', async () => {
      const cache = await h.cache();
      await cache.set('s', 'text');
      const calls = [
        () => cache.zadd('s', { a: 1 }),
        () => cache.zcard('s'),
        () => cache.zrange('s', 0, -1),
        () => cache.zrangebyscore('s', '-inf', '+inf'),
        () => cache.zscore('s', 'a'),
        () => cache.zincrby('s', 1, 'a'),
        () => cache.zrem('s', ['a']),
        () => cache.zpopmin('s'),
      ];
      for (const call of calls) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongTypeError);
        expect((error as WrongTypeError).key).toBe('s');
      }
      expect((await h.raw(cache, 'GET', cache.makeKey('s')))?.toString()).toBe('"text"');
    });
  });
}

function removalTests(h: Harness): void {
  describe('zrem / zremrangebyrank / zremrangebyscore', () => {
    it('zrem removes members and returns how many were members', async () => {
      const cache = await h.cache();
      await cache.zadd(
        'z',
        new Map<unknown, number>([
          ['a', 1],
          [{ o: 1 }, 2],
          ['c', 3],
        ]),
      );
      expect(await cache.zrem('z', ['a', { o: 1 }, 'nope'])).toBe(2);
      expect(await cache.zrem('z', [])).toBe(0);
      expect(await rawZset(h, cache, 'z')).toEqual(['"c"', '3']);
      expect(await rawScore(h, cache, 'z', '{"o":1}')).toBeUndefined();
      // Removing the last member removes the key, as in Redis.
      expect(await cache.zrem('z', ['c'])).toBe(1);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('z'))).toBe(0);
      expect(await cache.zrem('missing', ['a'])).toBe(0);
    });

    it('zremrangebyrank removes members by rank, negative ranks from the end', async () => {
      const cache = await h.cache();
      await cache.zadd('z', { a: 1, b: 2, c: 3, d: 4, e: 5 });
      expect(await cache.zremrangebyrank('z', 0, 1)).toBe(2);
      expect(await cache.zremrangebyrank('z', -1, -1)).toBe(1);
      expect(await cache.zremrangebyrank('z', 5, 10)).toBe(0);
      expect(await rawZset(h, cache, 'z')).toEqual(['"c"', '3', '"d"', '4']);
      expect(await h.raw(cache, 'ZCARD', cache.makeKey('z'))).toBe(2);
    });

    it("zremrangebyscore removes members by score, exclusive bounds like '(1' honoured", async () => {
      const cache = await h.cache();
      await cache.zadd('z', { a: 1, b: 2, c: 3, d: 4, e: 5 });
      expect(await cache.zremrangebyscore('z', '(1', 2)).toBe(1);
      expect(await cache.zremrangebyscore('z', 4, '+inf')).toBe(2);
      expect(await cache.zremrangebyscore('z', 10, 20)).toBe(0);
      expect(await rawZset(h, cache, 'z')).toEqual(['"a"', '1', '"c"', '3']);
      expect(await h.raw(cache, 'ZCARD', cache.makeKey('z'))).toBe(2);
    });
  });
}

function popTests(h: Harness): void {
  describe('zpopmin / zpopmax', () => {
    it('zpopmin and zpopmax pop one [member, score] by default and [] on a missing key', async () => {
      const cache = await h.cache();
      await cache.zadd('z', { a: 1, b: 2.5, c: 3 });
      expect(await cache.zpopmin('z')).toEqual([['a', 1]]);
      expect(await cache.zpopmax('z')).toEqual([['c', 3]]);
      expect(await rawZset(h, cache, 'z')).toEqual(['"b"', '2.5']);
      expect(await cache.zpopmin('missing')).toEqual([]);
      expect(await cache.zpopmax('missing')).toEqual([]);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('missing'))).toBe(0);
    });

    it('zpopmin and zpopmax with count pop several in score order', async () => {
      const cache = await h.cache();
      await cache.zadd('z', [
        [{ id: 1 }, -1],
        ['b', 2],
        ['c', 3],
        ['d', 4],
        ['e', 5],
      ]);
      expect(await cache.zpopmin('z', { count: 2 })).toEqual([
        [{ id: 1 }, -1],
        ['b', 2],
      ]);
      expect(await cache.zpopmax('z', { count: 2 })).toEqual([
        ['e', 5],
        ['d', 4],
      ]);
      expect(await rawZset(h, cache, 'z')).toEqual(['"c"', '3']);
      // More than there are: all of them, and the emptied key is gone.
      expect(await cache.zpopmax('z', { count: 5 })).toEqual([['c', 3]]);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('z'))).toBe(0);
      await expect(cache.zpopmin('z', { count: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });
}
