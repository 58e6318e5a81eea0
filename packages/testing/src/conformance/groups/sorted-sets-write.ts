import { type Cache, InvalidArgumentError, type Reply } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';

/** Raw `ZRANGE key 0 -1 WITHSCORES` as text: `[member bytes, score text, …]`. */
export async function rawZset(h: Harness, cache: Cache, key: string): Promise<string[]> {
  const reply = await h.raw(cache, 'ZRANGE', cache.makeKey(key), 0, -1, 'WITHSCORES');
  return (reply as Reply[]).map((r) => String(r));
}

/** Raw `ZSCORE` text (`undefined` for nil); `member` is the stored (encoded) member. */
export async function rawScore(
  h: Harness,
  cache: Cache,
  key: string,
  member: string,
): Promise<string | undefined> {
  const reply = await h.raw(cache, 'ZSCORE', cache.makeKey(key), member);
  return reply === null ? undefined : String(reply);
}

/** zadd, zincrby and the score/member encodings. */
export function sortedSetWriteTests(h: Harness): void {
  describe('zadd', () => {
    it('zadd returns the number added; members are encoded, scores raw', async () => {
      const cache = await h.cache();
      expect(await cache.zadd('z', { a: 1, b: 2 })).toBe(2);
      expect(await cache.zadd('z', { b: 3, c: 4 })).toBe(1);
      expect(await rawZset(h, cache, 'z')).toEqual(['"a"', '1', '"b"', '3', '"c"', '4']);
      expect(await h.raw(cache, 'ZCARD', cache.makeKey('z'))).toBe(3);
    });

    it('zadd ch counts added and changed members', async () => {
      const cache = await h.cache();
      await cache.zadd('z', { a: 1, b: 2 });
      // b changes, c is added, a is rewritten with the same score (not a change).
      expect(await cache.zadd('z', { a: 1, b: 5, c: 3 }, { ch: true })).toBe(2);
      expect(await cache.zadd('z', { a: 1, b: 6 })).toBe(0);
      expect(await rawScore(h, cache, 'z', '"b"')).toBe('6');
      expect(await rawScore(h, cache, 'z', '"c"')).toBe('3');
    });

    it('zadd nx only adds new members and never updates scores', async () => {
      const cache = await h.cache();
      await cache.zadd('z', { a: 1 });
      expect(await cache.zadd('z', { a: 10, b: 2 }, { nx: true })).toBe(1);
      expect(await cache.zadd('z', { a: 20 }, { nx: true, ch: true })).toBe(0);
      expect(await rawZset(h, cache, 'z')).toEqual(['"a"', '1', '"b"', '2']);
    });

    it('zadd xx only updates existing members and never adds', async () => {
      const cache = await h.cache();
      await cache.zadd('z', { a: 1 });
      expect(await cache.zadd('z', { a: 5, b: 2 }, { xx: true })).toBe(0);
      expect(await cache.zadd('z', { a: 7, b: 2 }, { xx: true, ch: true })).toBe(1);
      expect(await rawZset(h, cache, 'z')).toEqual(['"a"', '7']);
      expect(await cache.zadd('missing', { a: 1 }, { xx: true })).toBe(0);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('missing'))).toBe(0);
    });

    it('zadd gt and lt only move scores up or down, and still add new members', async () => {
      const cache = await h.cache();
      await cache.zadd('z', { a: 5, b: 5 });
      expect(await cache.zadd('z', { a: 3, b: 8, c: 1 }, { gt: true, ch: true })).toBe(2);
      expect(await rawZset(h, cache, 'z')).toEqual(['"c"', '1', '"a"', '5', '"b"', '8']);
      expect(await cache.zadd('z', { a: 2, b: 9, d: 0 }, { lt: true, ch: true })).toBe(2);
      expect(await rawZset(h, cache, 'z')).toEqual([
        '"d"',
        '0',
        '"c"',
        '1',
        '"a"',
        '2',
        '"b"',
        '8',
      ]);
      // xx with gt: updates only, upwards only.
      expect(await cache.zadd('z', { a: 4, e: 1 }, { xx: true, gt: true, ch: true })).toBe(1);
      expect(await rawScore(h, cache, 'z', '"a"')).toBe('4');
      expect(await rawScore(h, cache, 'z', '"e"')).toBeUndefined();
    });

    it('zadd rejects invalid flag combinations, no members and NaN scores, writing nothing', async () => {
      const cache = await h.cache();
      const bad: Parameters<Cache['zadd']>[2][] = [
        { nx: true, xx: true },
        { nx: true, gt: true },
        { nx: true, lt: true },
        { gt: true, lt: true },
      ];
      for (const options of bad) {
        await expect(cache.zadd('z', { a: 1 }, options)).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );
      }
      await expect(cache.zadd('z', {})).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(cache.zadd('z', [])).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(cache.zadd('z', new Map())).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(cache.zadd('z', { a: Number.NaN })).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('z'))).toBe(0);
    });

    it('zadd accepts tuples, Maps and records; complex and unicode members round-trip', async () => {
      const cache = await h.cache();
      const obj = { tags: ['x', 'y'], id: 1 };
      const tuple = [1, 'two'];
      expect(await cache.zadd('z', [[tuple, 1] as const, ['ключ 🎉 鍵', 2] as const])).toBe(2);
      expect(
        await cache.zadd(
          'z',
          new Map<unknown, number>([
            [obj, 3],
            [42, 4],
            [null, 5],
          ]),
        ),
      ).toBe(3);
      expect(await cache.zadd('z', { plain: 6 })).toBe(1);
      expect(await cache.zrange('z', 0, -1, { withScores: true })).toStrictEqual([
        [[1, 'two'], 1],
        ['ключ 🎉 鍵', 2],
        [{ id: 1, tags: ['x', 'y'] }, 3],
        [42, 4],
        [null, 5],
        ['plain', 6],
      ]);
      // Canonical JSON (sorted keys) and integers as decimal text, so probes find the members.
      expect(await rawZset(h, cache, 'z')).toEqual([
        '[1,"two"]',
        '1',
        '"ключ 🎉 鍵"',
        '2',
        '{"id":1,"tags":["x","y"]}',
        '3',
        '42',
        '4',
        'null',
        '5',
        '"plain"',
        '6',
      ]);
      expect(await cache.zscore('z', { id: 1, tags: ['x', 'y'] })).toBe(3);
      expect(await cache.zscore('z', [1, 'two'])).toBe(1);
    });
  });

  describe('scores', () => {
    it('float and negative scores are kept exactly', async () => {
      const cache = await h.cache();
      const scores = { a: 0.1 + 0.2, b: -2.5, c: -1e-9, d: 1e21, e: 0 };
      expect(await cache.zadd('z', scores)).toBe(5);
      for (const [member, score] of Object.entries(scores)) {
        expect(await cache.zscore('z', member)).toBe(score);
        expect(Number(await rawScore(h, cache, 'z', JSON.stringify(member)))).toBe(score);
      }
      expect(await cache.zrange('z', 0, -1, { withScores: true })).toEqual([
        ['b', -2.5],
        ['c', -1e-9],
        ['e', 0],
        ['a', 0.30000000000000004],
        ['d', 1e21],
      ]);
    });

    it('infinite scores are stored as inf/-inf and read back as Infinity', async () => {
      const cache = await h.cache();
      await cache.zadd('z', { top: Number.POSITIVE_INFINITY, bottom: -Infinity, mid: 0 });
      expect(await rawScore(h, cache, 'z', '"top"')).toBe('inf');
      expect(await rawScore(h, cache, 'z', '"bottom"')).toBe('-inf');
      expect(await cache.zscore('z', 'top')).toBe(Number.POSITIVE_INFINITY);
      expect(await cache.zmscore('z', ['bottom', 'top'])).toEqual([-Infinity, Infinity]);
      expect(await cache.zrange('z', 0, -1, { withScores: true })).toEqual([
        ['bottom', -Infinity],
        ['mid', 0],
        ['top', Infinity],
      ]);
      expect(await cache.zcount('z', -Infinity, Infinity)).toBe(3);
      expect(await cache.zrangebyscore('z', '(-inf', '+inf')).toEqual(['mid', 'top']);
      expect(await cache.zincrby('z', Number.POSITIVE_INFINITY, 'mid')).toBe(Infinity);
      expect(await rawScore(h, cache, 'z', '"mid"')).toBe('inf');
    });
  });

  describe('zincrby', () => {
    it('zincrby creates missing members and returns the new score', async () => {
      const cache = await h.cache();
      expect(await cache.zincrby('z', 2.5, 'a')).toBe(2.5);
      expect(await cache.zincrby('z', -4, 'a')).toBe(-1.5);
      expect(await cache.zincrby('z', 1, { n: 1 })).toBe(1);
      expect(await rawScore(h, cache, 'z', '"a"')).toBe('-1.5');
      expect(await rawScore(h, cache, 'z', '{"n":1}')).toBe('1');
      expect(await h.raw(cache, 'ZCARD', cache.makeKey('z'))).toBe(2);
    });
  });
}
