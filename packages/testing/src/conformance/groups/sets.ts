import { InvalidArgumentError, WrongTypeError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';
import { rawMembers, sorted, text } from './raw-text.js';
import { setMultiKeyTests } from './sets-multi-key.js';

export function setGroup(h: Harness): void {
  describe('sets', () => {
    it('sadd counts new members and stores them encoded', async () => {
      const cache = await h.cache();
      expect(await cache.sadd('s', ['a', 'b', 'a'])).toBe(2);
      expect(await cache.sadd('s', ['b', 'c', 7])).toBe(2);
      expect(await rawMembers(h, cache, 's')).toEqual(['"a"', '"b"', '"c"', '7']);
      expect(await h.raw(cache, 'SCARD', cache.makeKey('s'))).toBe(4);
    });

    it('sadd takes a list: an array or object member is one member, matched canonically', async () => {
      const cache = await h.cache();
      expect(await cache.sadd('s', [[1, 2], { b: 1, a: 2 }, 'Привет 🎉'])).toBe(3);
      expect(await cache.sadd('s', [{ a: 2, b: 1 }])).toBe(0);
      expect(await h.raw(cache, 'SCARD', cache.makeKey('s'))).toBe(3);
      expect(await h.raw(cache, 'SISMEMBER', cache.makeKey('s'), '[1,2]')).toBe(1);
      expect(await h.raw(cache, 'SISMEMBER', cache.makeKey('s'), '{"a":2,"b":1}')).toBe(1);
      expect(sorted(await cache.smembers('s'))).toEqual(
        sorted<unknown>([[1, 2], { a: 2, b: 1 }, 'Привет 🎉']),
      );
    });

    it('sadd with no members or a non-list is an InvalidArgumentError and writes nothing', async () => {
      const cache = await h.cache();
      await expect(cache.sadd('s', [])).rejects.toBeInstanceOf(InvalidArgumentError);
      // A bare member (from untyped callers) is not a list: rejected, not split into characters.
      await expect(cache.sadd('s', 'abc' as unknown as string[])).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('s'))).toBe(0);
    });

    it('srem removes members, counts those present, and the last removes the key', async () => {
      const cache = await h.cache();
      await cache.sadd('s', ['a', { o: 1 }, 3]);
      expect(await cache.srem('s', [{ o: 1 }, 'missing'])).toBe(1);
      expect(await h.raw(cache, 'SISMEMBER', cache.makeKey('s'), '{"o":1}')).toBe(0);
      expect(await cache.srem('s', [])).toBe(0);
      expect(await h.raw(cache, 'SCARD', cache.makeKey('s'))).toBe(2);
      expect(await cache.srem('s', ['a', 3])).toBe(2);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('s'))).toBe(0);
      expect(await cache.srem('s', ['a'])).toBe(0);
    });

    it('smembers returns an array of decoded members, [] when missing', async () => {
      const cache = await h.cache();
      await cache.sadd('s', [1, 'one', null, { n: 1 }]);
      const members = await cache.smembers('s');
      expect(Array.isArray(members)).toBe(true);
      expect(sorted(members)).toEqual(sorted<unknown>([1, 'one', null, { n: 1 }]));
      expect(await cache.smembers('nope')).toEqual([]);
      expect(await rawMembers(h, cache, 's')).toEqual(['"one"', '1', 'null', '{"n":1}'].sort());
    });

    it('sismember and smismember probe encoded members', async () => {
      const cache = await h.cache();
      await cache.sadd('s', [{ x: 1, y: [2] }, 42, '42']);
      expect(await cache.sismember('s', { y: [2], x: 1 })).toBe(true);
      expect(await cache.sismember('s', 42)).toBe(true);
      expect(await cache.sismember('s', 43)).toBe(false);
      expect(await cache.sismember('nope', 42)).toBe(false);
      expect(await cache.smismember('s', ['42', 'missing', { x: 1, y: [2] }])).toEqual([
        true,
        false,
        true,
      ]);
      expect(await cache.smismember('nope', [1, 2])).toEqual([false, false]);
      expect(await cache.smismember('s', [])).toEqual([]);
      expect(await h.raw(cache, 'SMISMEMBER', cache.makeKey('s'), '42', '"42"', '43')).toEqual([
        1, 1, 0,
      ]);
    });

    it('scard counts members; 0 when missing', async () => {
      const cache = await h.cache();
      await cache.sadd('s', ['a', 'b', 'c']);
      expect(await cache.scard('s')).toBe(3);
      expect(await cache.scard('nope')).toBe(0);
      expect(await h.raw(cache, 'SCARD', cache.makeKey('s'))).toBe(3);
    });

    it('spop(k) pops one member; spop(k, { count }) pops an array', async () => {
      const cache = await h.cache();
      await cache.sadd('s', ['a', 'b', 'c', 'd']);
      const one = await cache.spop<string>('s');
      expect(['a', 'b', 'c', 'd']).toContain(one);
      expect(await h.raw(cache, 'SISMEMBER', cache.makeKey('s'), JSON.stringify(one))).toBe(0);
      const list = await cache.spop<string>('s', { count: 1 });
      expect(list).toHaveLength(1);
      expect(['a', 'b', 'c', 'd']).toContain(list[0]);
      expect(await h.raw(cache, 'SCARD', cache.makeKey('s'))).toBe(2);
      expect(await cache.spop('s', { count: 0 })).toEqual([]);
      expect(await h.raw(cache, 'SCARD', cache.makeKey('s'))).toBe(2);
      const rest = await cache.spop<string>('s', { count: 10 });
      expect([one, list[0], ...rest].sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('s'))).toBe(0);
    });

    it('spop on a missing key is undefined, or [] with a count; a negative count is rejected', async () => {
      const cache = await h.cache();
      expect(await cache.spop('nope')).toBeUndefined();
      expect(await cache.spop('nope', { count: 2 })).toEqual([]);
      await cache.sadd('s', ['a']);
      await expect(cache.spop('s', { count: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(cache.spop('s', { count: 1.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await h.raw(cache, 'SCARD', cache.makeKey('s'))).toBe(1);
    });

    it('srandmember returns one member, or an array with a count, and removes nothing', async () => {
      const cache = await h.cache();
      const all = ['a', 'b', 'c'];
      await cache.sadd('s', all);
      expect(all).toContain(await cache.srandmember<string>('s'));
      const one = await cache.srandmember<string>('s', { count: 1 });
      expect(one).toHaveLength(1);
      expect(all).toContain(one[0]);
      const distinct = await cache.srandmember<string>('s', { count: 5 });
      expect([...distinct].sort()).toEqual(all);
      const repeats = await cache.srandmember<string>('s', { count: -5 });
      expect(repeats).toHaveLength(5);
      for (const m of repeats) expect(all).toContain(m);
      expect(await cache.srandmember('s', { count: 0 })).toEqual([]);
      expect(await h.raw(cache, 'SCARD', cache.makeKey('s'))).toBe(3);
      expect(await cache.srandmember('nope')).toBeUndefined();
      expect(await cache.srandmember('nope', { count: 3 })).toEqual([]);
    });

    setMultiKeyTests(h);

    it('set versions are independent', async () => {
      const cache = await h.cache();
      await cache.sadd('s', ['one']);
      expect(await cache.sadd('s', ['two'], { version: 2 })).toBe(1);
      expect(await cache.smembers('s')).toEqual(['one']);
      expect(await cache.smembers('s', { version: 2 })).toEqual(['two']);
      expect(await cache.sismember('s', 'two')).toBe(false);
      expect(await cache.scard('s', { version: 2 })).toBe(1);
      expect(await cache.srem('s', ['one'], { version: 2 })).toBe(0);
      expect(await cache.spop('s', { version: 2 })).toBe('two');
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('s', 2))).toBe(0);
      expect(await rawMembers(h, cache, 's', 1)).toEqual(['"one"']);
    });

    it('set methods on a string key reject with WrongTypeError', async () => {
      const cache = await h.cache();
      await cache.set('str', 'string');
      await expect(cache.sadd('str', ['a'])).rejects.toBeInstanceOf(WrongTypeError);
      await expect(cache.smembers('str')).rejects.toBeInstanceOf(WrongTypeError);
      await expect(cache.sismember('str', 'a')).rejects.toBeInstanceOf(WrongTypeError);
      await expect(cache.spop('str')).rejects.toBeInstanceOf(WrongTypeError);
      await expect(cache.sinter(['str'])).rejects.toBeInstanceOf(WrongTypeError);
      expect(text(await h.raw(cache, 'GET', cache.makeKey('str')))).toBe('"string"');
    });

    it('set methods queue in a pipeline with decoded results in order', async () => {
      const cache = await h.cache();
      const results = await cache
        .pipeline()
        .sadd('s', [1, { a: 1 }])
        .sismember('s', { a: 1 })
        .smismember('s', [1, 2])
        .scard('s')
        .srem('s', [1])
        .smembers('s')
        .spop('s', { count: 5 })
        .spop('s')
        .exec();
      expect(results).toEqual([2, true, [true, false], 2, 1, [{ a: 1 }], [{ a: 1 }], undefined]);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('s'))).toBe(0);
    });
  });
}
