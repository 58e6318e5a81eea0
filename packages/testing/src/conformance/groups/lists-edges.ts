import { InvalidArgumentError, WrongTypeError } from '@cachex/core';
import { expect, it } from 'vitest';
import type { Harness } from '../harness.js';
import { rawList } from './list-helpers.js';

type Side = 'LEFT' | 'RIGHT';

/** lmove, versions, complex values, WRONGTYPE and argument checks of the list methods. */
export function listEdgeGroup(h: Harness): void {
  it('lmove defaults to head of src → tail of dst and returns the element', async () => {
    const cache = await h.cache();
    await cache.rpush('src', ['a', 'b']);
    await cache.rpush('dst', ['x']);
    expect(await cache.lmove('src', 'dst')).toBe('a');
    expect(await rawList(h, cache, 'src')).toEqual(['"b"']);
    expect(await rawList(h, cache, 'dst')).toEqual(['"x"', '"a"']);
  });

  it('lmove moves in all four directions (LEFT/RIGHT × LEFT/RIGHT)', async () => {
    const cases: [Side, Side, string, string[], string[]][] = [
      ['LEFT', 'LEFT', 'a', ['"b"', '"c"'], ['"a"', '"x"', '"y"']],
      ['LEFT', 'RIGHT', 'a', ['"b"', '"c"'], ['"x"', '"y"', '"a"']],
      ['RIGHT', 'LEFT', 'c', ['"a"', '"b"'], ['"c"', '"x"', '"y"']],
      ['RIGHT', 'RIGHT', 'c', ['"a"', '"b"'], ['"x"', '"y"', '"c"']],
    ];
    for (const [from, to, moved, src, dst] of cases) {
      const cache = await h.cache();
      await cache.rpush('src', ['a', 'b', 'c']);
      await cache.rpush('dst', ['x', 'y']);
      expect(await cache.lmove('src', 'dst', { from, to })).toBe(moved);
      expect(await rawList(h, cache, 'src')).toEqual(src);
      expect(await rawList(h, cache, 'dst')).toEqual(dst);
    }
  });

  it('lmove on a missing source returns undefined and creates nothing', async () => {
    const cache = await h.cache();
    expect(await cache.lmove('missing', 'dst')).toBeUndefined();
    expect(await h.raw(cache, 'EXISTS', cache.makeKey('dst'))).toBe(0);
  });

  it('lmove of the last element removes the source and creates the destination', async () => {
    const cache = await h.cache();
    await cache.rpush('src', [{ id: 1 }]);
    expect(await cache.lmove('src', 'dst', { from: 'RIGHT', to: 'LEFT' })).toEqual({ id: 1 });
    expect(await h.raw(cache, 'EXISTS', cache.makeKey('src'))).toBe(0);
    expect(await rawList(h, cache, 'dst')).toEqual(['{"id":1}']);
  });

  it('lmove within one list rotates it', async () => {
    const cache = await h.cache();
    await cache.rpush('l', ['a', 'b', 'c']);
    expect(await cache.lmove('l', 'l')).toBe('a');
    expect(await rawList(h, cache, 'l')).toEqual(['"b"', '"c"', '"a"']);
    expect(await cache.lmove('l', 'l', { from: 'RIGHT', to: 'LEFT' })).toBe('a');
    expect(await rawList(h, cache, 'l')).toEqual(['"a"', '"b"', '"c"']);
  });

  it('lmove honours version, versionSrc and versionDst', async () => {
    const cache = await h.cache();
    await cache.rpush('src', ['a', 'b', 'c'], { version: 2 });
    expect(await cache.lmove('src', 'dst', { version: 2 })).toBe('a');
    expect(await rawList(h, cache, 'dst', 2)).toEqual(['"a"']);
    expect(await cache.lmove('src', 'dst', { versionSrc: 2, versionDst: 3 })).toBe('b');
    expect(await rawList(h, cache, 'dst', 3)).toEqual(['"b"']);
    expect(await cache.lmove('src', 'dst', { version: 2, versionDst: 4 })).toBe('c');
    expect(await rawList(h, cache, 'dst', 4)).toEqual(['"c"']);
    expect(await h.raw(cache, 'EXISTS', cache.makeKey('dst'))).toBe(0);
    expect(await h.raw(cache, 'EXISTS', cache.makeKey('src', 2))).toBe(0);
  });

  it('list methods honour versions: version 2 is invisible at version 1', async () => {
    const cache = await h.cache();
    expect(await cache.rpush('l', ['v2a', 'v2b'], { version: 2 })).toBe(2);
    expect(await rawList(h, cache, 'l', 2)).toEqual(['"v2a"', '"v2b"']);
    expect(await cache.llen('l')).toBe(0);
    expect(await cache.lrange('l', 0, -1)).toEqual([]);
    expect(await cache.lpop('l')).toBeUndefined();
    expect(await cache.llen('l', { version: 2 })).toBe(2);
    expect(await cache.lindex('l', 0, { version: 2 })).toBe('v2a');
    expect(await cache.lpos('l', 'v2b', { version: 2 })).toBe(1);
    expect(await cache.lrange('l', 0, -1, { version: 2 })).toEqual(['v2a', 'v2b']);
    expect(await cache.lpop('l', { version: 2 })).toBe('v2a');
    expect(await rawList(h, cache, 'l', 2)).toEqual(['"v2b"']);
  });

  it('complex values: objects, arrays, null and unicode round-trip and are found by value', async () => {
    const cache = await h.cache();
    const obj = { name: 'Ada', tags: ['a', 'b'], nested: { n: 1.5 } };
    const values = [obj, [1, 'two', { three: 3 }], null, true, 'Привет 🎉 你好', 2 ** 40];
    expect(await cache.rpush('l', values)).toBe(values.length);
    expect(await cache.lrange('l', 0, -1)).toStrictEqual(values);
    // Canonical JSON: the same object with another key order encodes to the same bytes.
    const reordered = { nested: { n: 1.5 }, tags: ['a', 'b'], name: 'Ada' };
    expect(await cache.lpos('l', reordered)).toBe(0);
    expect(await cache.lpos('l', [1, 'two', { three: 3 }])).toBe(1);
    expect(await cache.linsert('l', 'AFTER', reordered, { inserted: true })).toBe(7);
    expect(await cache.lindex('l', 1)).toEqual({ inserted: true });
    expect(await cache.lrem('l', 0, reordered)).toBe(1);
    expect(await cache.lrem('l', 0, 'Привет 🎉 你好')).toBe(1);
    expect(await h.raw(cache, 'LLEN', cache.makeKey('l'))).toBe(5);
    expect((await rawList(h, cache, 'l'))[0]).toBe('{"inserted":true}');
    expect(await cache.lpop('l', { count: 2 })).toStrictEqual([
      { inserted: true },
      [1, 'two', { three: 3 }],
    ]);
  });

  it('list methods on a string key reject with WrongTypeError and leave it unchanged', async () => {
    const cache = await h.cache();
    await cache.set('s', 'text');
    const calls: (() => Promise<unknown>)[] = [
      () => cache.lpush('s', ['x']),
      () => cache.rpush('s', ['x']),
      () => cache.lpop('s'),
      () => cache.rpop('s', { count: 2 }),
      () => cache.llen('s'),
      () => cache.lindex('s', 0),
      () => cache.lrange('s', 0, -1),
      () => cache.lset('s', 0, 'x'),
      () => cache.ltrim('s', 0, 1),
      () => cache.lrem('s', 0, 'x'),
      () => cache.linsert('s', 'BEFORE', 'a', 'x'),
      () => cache.lpos('s', 'x'),
      () => cache.lmove('s', 'dst'),
      () => cache.blpop('s', { timeout: 0.1 }),
      () => cache.brpop(['s'], { timeout: 0.1 }),
      () => cache.blmove('s', 'dst', { timeout: 0.1 }),
    ];
    for (const call of calls) await expect(call()).rejects.toBeInstanceOf(WrongTypeError);
    const error = await cache.lpush('s', ['x']).catch((e: unknown) => e);
    expect((error as WrongTypeError).key).toBe('s');
    expect((await h.raw(cache, 'GET', cache.makeKey('s')))?.toString()).toBe('"text"');
    expect(await h.raw(cache, 'EXISTS', cache.makeKey('dst'))).toBe(0);
  });

  it('bad arguments reject with InvalidArgumentError before any I/O', async () => {
    const cache = await h.cache();
    await cache.rpush('l', ['a']);
    const calls: (() => Promise<unknown>)[] = [
      () => cache.lpush('l', 'a' as unknown as unknown[]),
      () => cache.lpop('l', { count: -1 }),
      () => cache.rpop('l', { count: 1.5 }),
      () => cache.lindex('l', 0.5),
      () => cache.lrange('l', 0, Number.NaN),
      () => cache.lset('l', 1.5, 'x'),
      () => cache.ltrim('l', Number.POSITIVE_INFINITY, 1),
      () => cache.lrem('l', 0.5, 'a'),
      () => cache.linsert('l', 'MIDDLE' as 'BEFORE', 'a', 'x'),
      () => cache.lpos('l', 'a', { rank: 0 }),
      () => cache.lpos('l', 'a', { count: -1 }),
      () => cache.lpos('l', 'a', { maxlen: -1 }),
      () => cache.lmove('l', 'dst', { from: 'UP' as Side }),
      () => cache.lmove('l', 'dst', { to: 'down' as Side }),
      () => cache.blpop([], { timeout: 0.1 }),
      () => cache.blpop('l', { timeout: -1 }),
      () => cache.brpop('l', { timeout: Number.NaN }),
      () => cache.blmove('l', 'dst', { timeout: -0.5 }),
      () => cache.blmove('l', 'dst', { from: 'UP' as Side }),
    ];
    for (const call of calls) await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await rawList(h, cache, 'l')).toEqual(['"a"']);
    expect(await h.raw(cache, 'EXISTS', cache.makeKey('dst'))).toBe(0);
  });
}
