import { InvalidArgumentError, WrongTypeError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';
import { hashCounterTests } from './hashes-counters.js';
import { rawRecord, text } from './raw-text.js';

export function hashGroup(h: Harness): void {
  describe('hashes', () => {
    it('hset stores one field and counts only new fields', async () => {
      const cache = await h.cache();
      expect(await cache.hset('h', 'f', 'v')).toBe(1);
      expect(await cache.hset('h', 'f', 'w')).toBe(0);
      expect(await cache.hset('h', 'n', 42)).toBe(1);
      expect(text(await h.raw(cache, 'HGET', cache.makeKey('h'), 'f'))).toBe('"w"');
      expect(text(await h.raw(cache, 'HGET', cache.makeKey('h'), 'n'))).toBe('42');
      expect(await h.raw(cache, 'HLEN', cache.makeKey('h'))).toBe(2);
    });

    it('hset with a record or a Map writes every field and counts the new ones', async () => {
      const cache = await h.cache();
      expect(await cache.hset('h', { a: 1, b: 'two' })).toBe(2);
      expect(
        await cache.hset(
          'h',
          new Map<string, unknown>([
            ['b', 'deux'],
            ['c', [3]],
          ]),
        ),
      ).toBe(1);
      expect(rawRecord(await h.raw(cache, 'HGETALL', cache.makeKey('h')))).toEqual({
        a: '1',
        b: '"deux"',
        c: '[3]',
      });
    });

    it('hset with a mapping takes its options third (or fourth)', async () => {
      const cache = await h.cache();
      expect(await cache.hset('h', { a: 1 }, { version: 2 })).toBe(1);
      expect(await cache.hset('h', { b: 2 }, undefined, { version: 3 })).toBe(1);
      expect(text(await h.raw(cache, 'HKEYS', cache.makeKey('h', 2)))).toEqual(['a']);
      expect(text(await h.raw(cache, 'HKEYS', cache.makeKey('h', 3)))).toEqual(['b']);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('h'))).toBe(0);
    });

    it('hset with an empty mapping is an InvalidArgumentError and writes nothing', async () => {
      const cache = await h.cache();
      await expect(cache.hset('h', {})).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(cache.hset('h', new Map())).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('h'))).toBe(0);
    });

    it('hash fields are stored raw: raw HKEYS shows plain names under the prefixed key', async () => {
      const cache = await h.cache();
      await cache.hset('user', { name: 'Ada', 'ключ 🔑': { deep: [1, 2] } });
      const stored = cache.makeKey('user');
      expect(stored).not.toBe('user');
      expect(stored).toContain(cache.keyPrefix);
      const rawKeys = text(await h.raw(cache, 'HKEYS', stored)) as string[];
      expect(rawKeys.sort()).toEqual(['name', 'ключ 🔑'].sort());
      expect(text(await h.raw(cache, 'HGET', stored, 'name'))).toBe('"Ada"');
      expect((await cache.hkeys('user')).sort()).toEqual(rawKeys);
      expect(await cache.hget('user', 'ключ 🔑')).toEqual({ deep: [1, 2] });
    });

    it('hsetnx sets only a missing field', async () => {
      const cache = await h.cache();
      expect(await cache.hsetnx('h', 'f', 'first')).toBe(true);
      expect(await cache.hsetnx('h', 'f', 'second')).toBe(false);
      expect(text(await h.raw(cache, 'HGET', cache.makeKey('h'), 'f'))).toBe('"first"');
      expect(await cache.hget('h', 'f')).toBe('first');
    });

    it('hget decodes values and returns undefined for a missing field or key', async () => {
      const cache = await h.cache();
      const values: Record<string, unknown> = {
        str: 'Привет 🎉 你好',
        int: -7,
        float: 0.1 + 0.2,
        bool: false,
        nil: null,
        obj: { b: [1, { c: 'd' }], a: 1 },
        numericString: '12345',
      };
      await cache.hset('h', values);
      for (const [field, value] of Object.entries(values)) {
        expect(await cache.hget('h', field)).toStrictEqual(value);
      }
      expect(await cache.hget('h', 'missing')).toBeUndefined();
      expect(await cache.hget('nope', 'f')).toBeUndefined();
      expect(text(await h.raw(cache, 'HGET', cache.makeKey('h'), 'numericString'))).toBe('"12345"');
    });

    it('hmget keeps the order asked with undefined holes', async () => {
      const cache = await h.cache();
      await cache.hset('h', { a: 1, b: { x: 'y' } });
      expect(await cache.hmget('h', ['b', 'missing', 'a'])).toEqual([{ x: 'y' }, undefined, 1]);
      expect(await cache.hmget('nope', ['a', 'b'])).toEqual([undefined, undefined]);
      expect(await cache.hmget('h', [])).toEqual([]);
      expect(text(await h.raw(cache, 'HMGET', cache.makeKey('h'), 'b', 'missing', 'a'))).toEqual([
        '{"x":"y"}',
        null,
        '1',
      ]);
    });

    it('hgetall returns a plain object, {} when missing, and keeps __proto__ a plain field', async () => {
      const cache = await h.cache();
      await cache.hset('h', { a: 1, b: [true] });
      await h.raw(cache, 'HSET', cache.makeKey('h'), '__proto__', '{"polluted":1}');
      const all = await cache.hgetall('h');
      expect(Object.getPrototypeOf(all)).toBe(Object.prototype);
      expect(Object.keys(all).sort()).toEqual(['__proto__', 'a', 'b']);
      expect(all.a).toBe(1);
      expect(all.b).toEqual([true]);
      expect(Object.getOwnPropertyDescriptor(all, '__proto__')?.value).toEqual({ polluted: 1 });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(await cache.hgetall('nope')).toEqual({});
      expect(await h.raw(cache, 'HLEN', cache.makeKey('h'))).toBe(3);
    });

    it('hdel removes one or several fields, counts those that existed, and the last removes the key', async () => {
      const cache = await h.cache();
      await cache.hset('h', { a: 1, b: 2, c: 3 });
      expect(await cache.hdel('h', 'a')).toBe(1);
      expect(await h.raw(cache, 'HEXISTS', cache.makeKey('h'), 'a')).toBe(0);
      expect(await cache.hdel('h', ['b', 'missing'])).toBe(1);
      expect(await cache.hdel('h', [])).toBe(0);
      expect(await h.raw(cache, 'HLEN', cache.makeKey('h'))).toBe(1);
      expect(await cache.hdel('h', ['c'])).toBe(1);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('h'))).toBe(0);
      expect(await cache.hdel('h', 'c')).toBe(0);
    });

    it('hexists and hlen report fields; a missing key has none', async () => {
      const cache = await h.cache();
      await cache.hset('h', { a: null, b: 0 });
      expect(await cache.hexists('h', 'a')).toBe(true);
      expect(await cache.hexists('h', 'z')).toBe(false);
      expect(await cache.hexists('nope', 'a')).toBe(false);
      expect(await cache.hlen('h')).toBe(2);
      expect(await cache.hlen('nope')).toBe(0);
      expect(await h.raw(cache, 'HLEN', cache.makeKey('h'))).toBe(2);
      expect(text(await h.raw(cache, 'HGET', cache.makeKey('h'), 'a'))).toBe('null');
    });

    it('hkeys and hvals list names and decoded values in matching order', async () => {
      const cache = await h.cache();
      const values: Record<string, unknown> = { a: 1, b: 'two', c: { three: [3] } };
      await cache.hset('h', values);
      const keys = await cache.hkeys('h');
      const vals = await cache.hvals('h');
      expect([...keys].sort()).toEqual(['a', 'b', 'c']);
      expect(vals).toEqual(keys.map((k) => values[k]));
      expect(text(await h.raw(cache, 'HKEYS', cache.makeKey('h')))).toEqual(keys);
      expect(await cache.hkeys('nope')).toEqual([]);
      expect(await cache.hvals('nope')).toEqual([]);
    });

    hashCounterTests(h);

    it('hash versions are independent', async () => {
      const cache = await h.cache();
      await cache.hset('h', 'f', 'v1');
      await cache.hset('h', 'f', 'v2', { version: 2 });
      expect(await cache.hget('h', 'f')).toBe('v1');
      expect(await cache.hget('h', 'f', { version: 2 })).toBe('v2');
      expect(await cache.hincrby('h', 'n', 3, { version: 2 })).toBe(3);
      expect(await cache.hexists('h', 'n')).toBe(false);
      expect(await cache.hlen('h', { version: 2 })).toBe(2);
      expect(await cache.hdel('h', 'f', { version: 2 })).toBe(1);
      expect(await cache.hgetall('h')).toEqual({ f: 'v1' });
      expect(await cache.hgetall('h', { version: 2 })).toEqual({ n: 3 });
      expect(rawRecord(await h.raw(cache, 'HGETALL', cache.makeKey('h', 2)))).toEqual({ n: '3' });
      expect(rawRecord(await h.raw(cache, 'HGETALL', cache.makeKey('h', 1)))).toEqual({
        f: '"v1"',
      });
    });

    it('hash methods on a string key reject with WrongTypeError', async () => {
      const cache = await h.cache();
      await cache.set('s', 'string');
      await expect(cache.hset('s', 'f', 1)).rejects.toBeInstanceOf(WrongTypeError);
      await expect(cache.hget('s', 'f')).rejects.toBeInstanceOf(WrongTypeError);
      await expect(cache.hgetall('s')).rejects.toBeInstanceOf(WrongTypeError);
      await expect(cache.hincrby('s', 'f')).rejects.toBeInstanceOf(WrongTypeError);
      await expect(cache.hdel('s', 'f')).rejects.toBeInstanceOf(WrongTypeError);
      expect(text(await h.raw(cache, 'GET', cache.makeKey('s')))).toBe('"string"');
    });

    it('hash methods queue in a pipeline with decoded results in order', async () => {
      const cache = await h.cache();
      const results = await cache
        .pipeline()
        .hset('h', { a: 1, b: { x: 1 } })
        .hset('h', 'c', 'three')
        .hget('h', 'b')
        .hmget('h', ['a', 'z'])
        .hincrby('h', 'a', 2)
        .hgetall('h')
        .hdel('h', ['c'])
        .hlen('h')
        .exec();
      expect(results).toEqual([
        2,
        1,
        { x: 1 },
        [1, undefined],
        3,
        { a: 3, b: { x: 1 }, c: 'three' },
        1,
        2,
      ]);
      expect(rawRecord(await h.raw(cache, 'HGETALL', cache.makeKey('h')))).toEqual({
        a: '3',
        b: '{"x":1}',
      });
    });
  });
}
