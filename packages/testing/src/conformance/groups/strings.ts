import { InvalidArgumentError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';

export function stringGroup(h: Harness): void {
  describe('get / set / add / delete / has', () => {
    it('round-trips every JSON type, keeping ints as ints and numeric strings as strings', async () => {
      const cache = await h.cache();
      const values: [string, unknown][] = [
        ['str', 'hello'],
        ['unicode', 'Привет, мир! 🎉 你好'],
        ['long', 'x'.repeat(5000)],
        ['int', 42],
        ['negative', -7],
        ['maxSafe', Number.MAX_SAFE_INTEGER],
        ['numericString', '12345'],
        ['float', 0.1 + 0.2],
        ['true', true],
        ['false', false],
        ['null', null],
        ['object', { name: 'Ada', tags: ['a', 'b'], nested: { n: 1.5 } }],
        ['array', [1, 'two', { three: 3 }]],
      ];
      for (const [key, value] of values) expect(await cache.set(key, value)).toBe(true);
      for (const [key, value] of values) expect(await cache.get(key)).toStrictEqual(value);
      expect(typeof (await cache.get('numericString'))).toBe('string');
      expect(await cache.get('float')).toBe(0.30000000000000004);
    });

    it('stores exact integers as decimal text on the server', async () => {
      const cache = await h.cache();
      await cache.set('n', 42);
      expect((await h.raw(cache, 'GET', cache.makeKey('n')))?.toString()).toBe('42');
      await cache.set('s', '42');
      expect((await h.raw(cache, 'GET', cache.makeKey('s')))?.toString()).toBe('"42"');
    });

    it('unicode keys work', async () => {
      const cache = await h.cache();
      await cache.set('ключ:🔑:鍵', 'v');
      expect(await cache.get('ключ:🔑:鍵')).toBe('v');
    });

    it('get on a miss returns undefined, or the default', async () => {
      const cache = await h.cache();
      expect(await cache.get('missing')).toBeUndefined();
      expect(await cache.get('missing', { default: 'fallback' })).toBe('fallback');
      await cache.set('nullish', null);
      expect(await cache.get('nullish', { default: 'fallback' })).toBeNull();
    });

    it('set nx writes only a missing key and keeps the existing TTL', async () => {
      const cache = await h.cache();
      expect(await cache.set('k', 1, { nx: true, timeout: 100 })).toBe(true);
      expect(await cache.set('k', 2, { nx: true, timeout: 1000 })).toBe(false);
      expect(await cache.get('k')).toBe(1);
      const ttl = await cache.ttl('k');
      expect(ttl).toBeGreaterThan(95);
      expect(ttl).toBeLessThanOrEqual(100);
    });

    it('set xx writes only an existing key', async () => {
      const cache = await h.cache();
      expect(await cache.set('k', 1, { xx: true })).toBe(false);
      expect(await cache.has('k')).toBe(false);
      await cache.set('k', 1);
      expect(await cache.set('k', 2, { xx: true })).toBe(true);
      expect(await cache.get('k')).toBe(2);
    });

    it('nx and xx together is an InvalidArgumentError and writes nothing', async () => {
      const cache = await h.cache();
      await expect(cache.set('k', 1, { nx: true, xx: true })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      expect(await cache.has('k')).toBe(false);
    });

    it('add stores only new keys', async () => {
      const cache = await h.cache();
      expect(await cache.add('k', 'first')).toBe(true);
      expect(await cache.add('k', 'second')).toBe(false);
      expect(await cache.get('k')).toBe('first');
    });

    it('delete returns exactly true or false; has follows', async () => {
      const cache = await h.cache();
      await cache.set('k', 'v');
      expect(await cache.has('k')).toBe(true);
      expect(await cache.delete('k')).toBe(true);
      expect(await cache.delete('k')).toBe(false);
      expect(await cache.has('k')).toBe(false);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('k'))).toBe(0);
    });
  });

  describe('getSet', () => {
    it('stores the new value and returns the previous one, chaining a → b → c', async () => {
      const cache = await h.cache();
      expect(await cache.getSet('k', 'a')).toBeUndefined();
      expect(await cache.getSet('k', 'b')).toBe('a');
      expect(await cache.getSet('k', { c: 3 }, { timeout: 40 })).toBe('b');
      expect(await cache.get('k')).toEqual({ c: 3 });
      expect((await h.raw(cache, 'GET', cache.makeKey('k')))?.toString()).toBe('{"c":3}');
      expect(await cache.ttl('k')).toBeLessThanOrEqual(40);
    });

    it('with timeout 0 returns the old value and removes the key', async () => {
      const cache = await h.cache();
      await cache.set('k', 42);
      expect(await cache.getSet('k', 'new', { timeout: 0 })).toBe(42);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('k'))).toBe(0);
    });
  });

  describe('getOrSet', () => {
    it('stores and returns a plain value on a miss, and the cached value on a hit', async () => {
      const cache = await h.cache();
      expect(await cache.getOrSet('k', 'computed')).toBe('computed');
      expect(await cache.getOrSet('k', 'other')).toBe('computed');
      expect(await cache.ttl('k')).toBeGreaterThan(290);
    });

    it('calls sync and async factories only on a miss', async () => {
      const cache = await h.cache();
      let calls = 0;
      const factory = async () => {
        calls++;
        return { n: calls };
      };
      expect(await cache.getOrSet('a', factory, { timeout: 60 })).toEqual({ n: 1 });
      expect(await cache.getOrSet('a', factory)).toEqual({ n: 1 });
      expect(await cache.getOrSet('b', () => 7)).toBe(7);
      expect(calls).toBe(1);
      const ttl = await cache.ttl('a');
      expect(ttl).toBeGreaterThan(55);
      expect(ttl).toBeLessThanOrEqual(60);
    });

    it('concurrent calls in one process share one factory call', async () => {
      const cache = await h.cache();
      let calls = 0;
      const factory = async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 20));
        return 'v';
      };
      const results = await Promise.all(
        Array.from({ length: 10 }, () => cache.getOrSet('k', factory)),
      );
      expect(results).toEqual(Array(10).fill('v'));
      expect(calls).toBe(1);
    });

    it('returns the race winner when another writer stored first', async () => {
      const cache = await h.cache();
      const other = await h.cache({ keyPrefix: cache.keyPrefix });
      const result = await cache.getOrSet('k', async () => {
        await other.set('k', 'winner');
        return 'loser';
      });
      expect(result).toBe('winner');
      expect(await cache.get('k')).toBe('winner');
    });

    it('does not store an undefined factory result', async () => {
      const cache = await h.cache();
      expect(await cache.getOrSet('k', () => undefined)).toBeUndefined();
      expect(await cache.has('k')).toBe(false);
    });
  });

  describe('incr / decr', () => {
    it('creates a missing key from 0, chains, and allows negatives', async () => {
      const cache = await h.cache();
      expect(await cache.incr('n')).toBe(1);
      expect(await cache.incr('n', 10)).toBe(11);
      expect(await cache.decr('n')).toBe(10);
      expect(await cache.decr('n', 25)).toBe(-15);
      expect(await cache.get('n')).toBe(-15);
    });

    it('increments a value written with set', async () => {
      const cache = await h.cache();
      await cache.set('n', 41);
      expect(await cache.incr('n')).toBe(42);
      expect(await cache.get('n')).toBe(42);
    });

    it('an integer written with set can be INCRed by the server and read back as a number', async () => {
      const cache = await h.cache();
      await cache.set('n', 100);
      expect(await h.raw(cache, 'INCRBY', cache.makeKey('n'), 5)).toBe(105);
      expect(await cache.get('n')).toBe(105);
    });

    it('rejects a non-integer delta', async () => {
      const cache = await h.cache();
      await expect(cache.incr('n', 1.5)).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });
}
