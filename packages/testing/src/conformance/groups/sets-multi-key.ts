import { InvalidArgumentError } from '@cachex/core';
import { expect, it } from 'vitest';
import type { Harness } from '../harness.js';
import { rawMembers, sorted } from './raw-text.js';

/**
 * Set methods over several keys (smove, sdiff/sinter/sunion and their *store forms):
 * registered inside the `sets` describe block. The keys share a `{t}` hash tag so the same
 * tests run on a cluster.
 */
export function setMultiKeyTests(h: Harness): void {
  it('smove moves a member and reports whether it was in the source', async () => {
    const cache = await h.cache();
    await cache.sadd('{t}src', [{ id: 1 }, 'x']);
    expect(await cache.smove('{t}src', '{t}dst', { id: 1 })).toBe(true);
    expect(await cache.smove('{t}src', '{t}dst', 'missing')).toBe(false);
    expect(await h.raw(cache, 'SISMEMBER', cache.makeKey('{t}src'), '{"id":1}')).toBe(0);
    expect(await h.raw(cache, 'SISMEMBER', cache.makeKey('{t}dst'), '{"id":1}')).toBe(1);
    expect(await cache.smove('{t}src', '{t}dst', 'x')).toBe(true);
    expect(await h.raw(cache, 'EXISTS', cache.makeKey('{t}src'))).toBe(0);
    expect(await rawMembers(h, cache, '{t}dst')).toEqual(['"x"', '{"id":1}']);
  });

  it('smove honours version, versionSrc and versionDst', async () => {
    const cache = await h.cache();
    await cache.sadd('{t}a', ['m', 'n'], { version: 2 });
    expect(await cache.smove('{t}a', '{t}b', 'm', { versionSrc: 2, versionDst: 3 })).toBe(true);
    expect(await rawMembers(h, cache, '{t}a', 2)).toEqual(['"n"']);
    expect(await rawMembers(h, cache, '{t}b', 3)).toEqual(['"m"']);
    expect(await cache.smove('{t}a', '{t}b', 'n', { version: 2 })).toBe(true);
    expect(await rawMembers(h, cache, '{t}b', 2)).toEqual(['"n"']);
    expect(await cache.smove('{t}b', '{t}a', 'm')).toBe(false);
    expect(await h.raw(cache, 'EXISTS', cache.makeKey('{t}a'), cache.makeKey('{t}b'))).toBe(0);
  });

  it('sdiff, sinter and sunion combine sets into arrays; missing keys are empty sets', async () => {
    const cache = await h.cache();
    await cache.sadd('{t}a', [1, 2, 3, { o: 1 }]);
    await cache.sadd('{t}b', [2, 3, 4]);
    expect(sorted(await cache.sdiff(['{t}a', '{t}b']))).toEqual(sorted<unknown>([1, { o: 1 }]));
    expect(sorted(await cache.sinter(['{t}a', '{t}b']))).toEqual([2, 3]);
    expect(sorted(await cache.sunion(['{t}a', '{t}b', '{t}missing']))).toEqual(
      sorted<unknown>([1, 2, 3, 4, { o: 1 }]),
    );
    expect(sorted(await cache.sdiff('{t}b'))).toEqual([2, 3, 4]);
    expect(await cache.sinter(['{t}a', '{t}missing'])).toEqual([]);
    expect(sorted(await cache.sdiff(['{t}a', '{t}missing']))).toEqual(
      sorted<unknown>([1, 2, 3, { o: 1 }]),
    );
    expect(await h.raw(cache, 'SCARD', cache.makeKey('{t}a'))).toBe(4);
    expect(await h.raw(cache, 'SCARD', cache.makeKey('{t}b'))).toBe(3);
  });

  it('sdiff, sinter and sunion honour version', async () => {
    const cache = await h.cache();
    await cache.sadd('{t}a', ['v1']);
    await cache.sadd('{t}a', ['v2'], { version: 2 });
    await cache.sadd('{t}b', ['w2'], { version: 2 });
    expect(sorted(await cache.sunion(['{t}a', '{t}b'], { version: 2 }))).toEqual(['v2', 'w2']);
    expect(await cache.sunion(['{t}a', '{t}b'])).toEqual(['v1']);
    expect(await cache.sinter(['{t}a'], { version: 2 })).toEqual(['v2']);
    expect(await cache.sdiff(['{t}a', '{t}b'], { version: 2 })).toEqual(['v2']);
    expect(await rawMembers(h, cache, '{t}a', 1)).toEqual(['"v1"']);
  });

  it('sdiffstore, sinterstore and sunionstore store the result and resolve its size', async () => {
    const cache = await h.cache();
    await cache.sadd('{t}a', [1, 2, 3]);
    await cache.sadd('{t}b', [2, 3, 4]);
    expect(await cache.sdiffstore('{t}d', ['{t}a', '{t}b'])).toBe(1);
    expect(await rawMembers(h, cache, '{t}d')).toEqual(['1']);
    expect(await cache.sinterstore('{t}i', ['{t}a', '{t}b'])).toBe(2);
    expect(await rawMembers(h, cache, '{t}i')).toEqual(['2', '3']);
    expect(await cache.sunionstore('{t}u', ['{t}a', '{t}b'])).toBe(4);
    expect(await rawMembers(h, cache, '{t}u')).toEqual(['1', '2', '3', '4']);
    expect(sorted(await cache.smembers('{t}u'))).toEqual([1, 2, 3, 4]);
    // The destination is replaced; an empty result removes it.
    expect(await cache.sunionstore('{t}u', '{t}b')).toBe(3);
    expect(await rawMembers(h, cache, '{t}u')).toEqual(['2', '3', '4']);
    expect(await cache.sinterstore('{t}u', ['{t}a', '{t}missing'])).toBe(0);
    expect(await h.raw(cache, 'EXISTS', cache.makeKey('{t}u'))).toBe(0);
  });

  it('set *store methods honour version, versionDest and versionKeys', async () => {
    const cache = await h.cache();
    await cache.sadd('{t}a', ['x', 'y'], { version: 2 });
    await cache.sadd('{t}b', ['y'], { version: 2 });
    expect(
      await cache.sdiffstore('{t}dest', ['{t}a', '{t}b'], { versionKeys: 2, versionDest: 5 }),
    ).toBe(1);
    expect(await rawMembers(h, cache, '{t}dest', 5)).toEqual(['"x"']);
    expect(await cache.sunionstore('{t}dest', ['{t}a', '{t}b'], { version: 2 })).toBe(2);
    expect(await rawMembers(h, cache, '{t}dest', 2)).toEqual(['"x"', '"y"']);
    expect(await cache.sinterstore('{t}dest', ['{t}a', '{t}b'], { versionKeys: 2 })).toBe(1);
    expect(await rawMembers(h, cache, '{t}dest', 1)).toEqual(['"y"']);
    // Without versions, the version-1 source keys are missing.
    expect(await cache.sunionstore('{t}other', ['{t}a', '{t}b'])).toBe(0);
    expect(await h.raw(cache, 'EXISTS', cache.makeKey('{t}other'))).toBe(0);
  });

  it('set methods over keys reject an empty key list with InvalidArgumentError', async () => {
    const cache = await h.cache();
    await expect(cache.sunion([])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(cache.sinter([])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(cache.sdiff([])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(cache.sunionstore('d', [])).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await h.raw(cache, 'EXISTS', cache.makeKey('d'))).toBe(0);
  });
}
