import { CommandError, InvalidArgumentError, KeyNotFoundError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';
import { rawList } from './list-helpers.js';
import { blockingListGroup } from './lists-blocking.js';
import { listEdgeGroup } from './lists-edges.js';

export function listGroup(h: Harness): void {
  describe('lists', () => {
    it('lpush adds at the head (last value first) and returns the new length', async () => {
      const cache = await h.cache();
      expect(await cache.lpush('l', ['a', 'b'])).toBe(2);
      expect(await cache.lpush('l', ['c'])).toBe(3);
      expect(await rawList(h, cache, 'l')).toEqual(['"c"', '"b"', '"a"']);
      expect(await cache.lrange('l', 0, -1)).toEqual(['c', 'b', 'a']);
    });

    it('rpush appends in order, stores ints as decimal text, returns the new length', async () => {
      const cache = await h.cache();
      expect(await cache.rpush('l', [1, 'x'])).toBe(2);
      expect(await cache.rpush('l', ['12', 2.5])).toBe(4);
      expect(await rawList(h, cache, 'l')).toEqual(['1', '"x"', '"12"', '2.5']);
      expect(await cache.lrange('l', 0, -1)).toStrictEqual([1, 'x', '12', 2.5]);
    });

    it('lpush/rpush with no values is an InvalidArgumentError and writes nothing', async () => {
      const cache = await h.cache();
      await expect(cache.lpush('l', [])).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(cache.rpush('l', [])).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('l'))).toBe(0);
    });

    it('lpop/rpop remove and return one element; undefined when missing', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['a', 'b', 'c']);
      expect(await cache.lpop('l')).toBe('a');
      expect(await cache.rpop('l')).toBe('c');
      expect(await rawList(h, cache, 'l')).toEqual(['"b"']);
      expect(await cache.lpop('l')).toBe('b');
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('l'))).toBe(0);
      expect(await cache.lpop('l')).toBeUndefined();
      expect(await cache.rpop('missing')).toBeUndefined();
    });

    it('lpop/rpop keep a stored null distinct from a miss', async () => {
      const cache = await h.cache();
      await cache.rpush('l', [null]);
      expect(await rawList(h, cache, 'l')).toEqual(['null']);
      expect(await cache.lpop('l')).toBeNull();
      expect(await cache.lpop('l')).toBeUndefined();
    });

    it('lpop/rpop with count return arrays in pop order; [] when missing', async () => {
      const cache = await h.cache();
      await cache.rpush('l', [1, 2, 3, 4, 5]);
      expect(await cache.lpop('l', { count: 2 })).toEqual([1, 2]);
      expect(await cache.rpop('l', { count: 2 })).toEqual([5, 4]);
      expect(await rawList(h, cache, 'l')).toEqual(['3']);
      expect(await cache.lpop('l', { count: 0 })).toEqual([]);
      expect(await cache.lpop('l', { count: 10 })).toEqual([3]);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('l'))).toBe(0);
      expect(await cache.lpop('l', { count: 2 })).toEqual([]);
      expect(await cache.rpop('missing', { count: 1 })).toEqual([]);
    });

    it('llen counts the elements; 0 when missing', async () => {
      const cache = await h.cache();
      expect(await cache.llen('l')).toBe(0);
      await cache.rpush('l', ['a', 'b', 'c']);
      expect(await cache.llen('l')).toBe(3);
      expect(await h.raw(cache, 'LLEN', cache.makeKey('l'))).toBe(3);
    });

    it('lindex reads by index (negative from the tail); undefined out of range or missing', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['a', { b: 1 }, 3]);
      expect(await cache.lindex('l', 0)).toBe('a');
      expect(await cache.lindex('l', 1)).toEqual({ b: 1 });
      expect(await cache.lindex('l', -1)).toBe(3);
      expect(await cache.lindex('l', 3)).toBeUndefined();
      expect(await cache.lindex('l', -4)).toBeUndefined();
      expect(await cache.lindex('missing', 0)).toBeUndefined();
      expect(await h.raw(cache, 'LLEN', cache.makeKey('l'))).toBe(3);
    });

    it('lrange returns the inclusive range, negative indexes from the tail; [] when missing', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['a', 'b', 'c', 'd']);
      expect(await cache.lrange('l', 0, -1)).toEqual(['a', 'b', 'c', 'd']);
      expect(await cache.lrange('l', 1, 2)).toEqual(['b', 'c']);
      expect(await cache.lrange('l', -2, -1)).toEqual(['c', 'd']);
      expect(await cache.lrange('l', 0, 100)).toEqual(['a', 'b', 'c', 'd']);
      expect(await cache.lrange('l', 3, 1)).toEqual([]);
      expect(await cache.lrange('missing', 0, -1)).toEqual([]);
      expect(await h.raw(cache, 'LLEN', cache.makeKey('l'))).toBe(4);
    });

    it('lset replaces an element and returns true', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['a', 'b', 'c']);
      expect(await cache.lset('l', 1, { x: [1, 2] })).toBe(true);
      expect(await cache.lset('l', -1, 7)).toBe(true);
      expect(await rawList(h, cache, 'l')).toEqual(['"a"', '{"x":[1,2]}', '7']);
      expect(await cache.lindex('l', 1)).toEqual({ x: [1, 2] });
    });

    it('lset out of range is a CommandError; on a missing key a KeyNotFoundError', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['a']);
      const error = await cache.lset('l', 5, 'x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CommandError);
      expect((error as CommandError).message).toMatch(/index out of range/);
      expect(await rawList(h, cache, 'l')).toEqual(['"a"']);
      await expect(cache.lset('missing', 0, 'x')).rejects.toBeInstanceOf(KeyNotFoundError);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('missing'))).toBe(0);
    });

    it('ltrim keeps the range and returns true; an empty range removes the key', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['a', 'b', 'c', 'd', 'e']);
      expect(await cache.ltrim('l', 1, -2)).toBe(true);
      expect(await rawList(h, cache, 'l')).toEqual(['"b"', '"c"', '"d"']);
      expect(await cache.ltrim('l', 5, 10)).toBe(true);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('l'))).toBe(0);
      expect(await cache.ltrim('missing', 0, 1)).toBe(true);
    });

    it('lrem count > 0 removes the first matches from the head', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['a', 'b', 'a', 'c', 'a']);
      expect(await cache.lrem('l', 2, 'a')).toBe(2);
      expect(await rawList(h, cache, 'l')).toEqual(['"b"', '"c"', '"a"']);
    });

    it('lrem count < 0 removes the last matches from the tail', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['a', 'b', 'a', 'c', 'a']);
      expect(await cache.lrem('l', -2, 'a')).toBe(2);
      expect(await rawList(h, cache, 'l')).toEqual(['"a"', '"b"', '"c"']);
    });

    it('lrem count 0 removes every match; no match or no key removes nothing', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['a', 1, 'a', '1', 'a']);
      expect(await cache.lrem('l', 0, 'a')).toBe(3);
      expect(await rawList(h, cache, 'l')).toEqual(['1', '"1"']);
      // The probe is encoded: the string '1' and the number 1 are different elements.
      expect(await cache.lrem('l', 0, 1)).toBe(1);
      expect(await rawList(h, cache, 'l')).toEqual(['"1"']);
      expect(await cache.lrem('l', 0, 'zzz')).toBe(0);
      expect(await cache.lrem('missing', 0, 'a')).toBe(0);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('missing'))).toBe(0);
    });

    it('linsert BEFORE/AFTER the first pivot returns the new length', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['a', 'c', 'a']);
      expect(await cache.linsert('l', 'BEFORE', 'c', 'b')).toBe(4);
      expect(await cache.linsert('l', 'AFTER', 'a', 'a2')).toBe(5);
      expect(await rawList(h, cache, 'l')).toEqual(['"a"', '"a2"', '"b"', '"c"', '"a"']);
    });

    it('linsert returns -1 when the pivot is missing and 0 when the key is missing', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['a']);
      expect(await cache.linsert('l', 'AFTER', 'zzz', 'x')).toBe(-1);
      expect(await rawList(h, cache, 'l')).toEqual(['"a"']);
      expect(await cache.linsert('missing', 'BEFORE', 'a', 'x')).toBe(0);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('missing'))).toBe(0);
    });

    it('lpos returns the index of the first match; undefined when absent', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['a', 'b', 'c', 'b']);
      expect(await cache.lpos('l', 'b')).toBe(1);
      expect(await cache.lpos('l', 'zzz')).toBeUndefined();
      expect(await cache.lpos('missing', 'a')).toBeUndefined();
      expect(await h.raw(cache, 'LLEN', cache.makeKey('l'))).toBe(4);
    });

    it('lpos rank picks the nth match, negative ranks from the tail', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['x', 'a', 'x', 'b', 'x']);
      expect(await cache.lpos('l', 'x', { rank: 1 })).toBe(0);
      expect(await cache.lpos('l', 'x', { rank: 2 })).toBe(2);
      expect(await cache.lpos('l', 'x', { rank: -1 })).toBe(4);
      expect(await cache.lpos('l', 'x', { rank: -3 })).toBe(0);
      expect(await cache.lpos('l', 'x', { rank: 4 })).toBeUndefined();
    });

    it('lpos count returns several indexes (0 = all), [] when none', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['x', 'a', 'x', 'b', 'x']);
      expect(await cache.lpos('l', 'x', { count: 2 })).toEqual([0, 2]);
      expect(await cache.lpos('l', 'x', { count: 0 })).toEqual([0, 2, 4]);
      expect(await cache.lpos('l', 'x', { count: 0, rank: -1 })).toEqual([4, 2, 0]);
      expect(await cache.lpos('l', 'x', { count: 2, rank: 2 })).toEqual([2, 4]);
      expect(await cache.lpos('l', 'zzz', { count: 0 })).toEqual([]);
      expect(await cache.lpos('missing', 'x', { count: 1 })).toEqual([]);
    });

    it('lpos maxlen limits how many elements are compared', async () => {
      const cache = await h.cache();
      await cache.rpush('l', ['a', 'b', 'c', 'x', 'x']);
      expect(await cache.lpos('l', 'x', { maxlen: 3 })).toBeUndefined();
      expect(await cache.lpos('l', 'x', { maxlen: 4 })).toBe(3);
      expect(await cache.lpos('l', 'x', { maxlen: 0 })).toBe(3);
      expect(await cache.lpos('l', 'x', { count: 0, maxlen: 4 })).toEqual([3]);
      expect(await cache.lpos('l', 'a', { rank: -1, maxlen: 2 })).toBeUndefined();
    });

    listEdgeGroup(h);
  });

  blockingListGroup(h);
}
