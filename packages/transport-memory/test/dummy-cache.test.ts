import { createCodec } from '@cachex/codecs';
import { type Cache, ClosedError, createCache } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createDummyTransport } from '../src/index.js';

// The Cache on the dummy transport: every call is accepted, nothing is kept (Django's
// DummyCache), except that incr counts from 0 as Redis does.
function dummyCache(): Cache {
  return createCache({ transport: createDummyTransport(), codec: createCodec() });
}

/** One call, and what it resolves; each row runs after `set('k', 'v')` and `rpush('l', …)`. */
const calls: [name: string, call: (cache: Cache) => Promise<unknown>, expected: unknown][] = [
  ['set', (c) => c.set('k', 'v'), true],
  ['set with a timeout', (c) => c.set('k', 'v', { timeout: 60 }), true],
  ['get', (c) => c.get('k'), undefined],
  ['get with a default', (c) => c.get('k', { default: 'd' }), 'd'],
  ['add', (c) => c.add('k', 'v'), true],
  ['has', (c) => c.has('k'), false],
  ['delete', (c) => c.delete('k'), false],
  ['touch', (c) => c.touch('k', { timeout: 10 }), false],
  ['getSet', (c) => c.getSet('k', 'w'), undefined],
  ['setMany', (c) => c.setMany({ a: 1, b: 2 }), undefined],
  ['getMany', (c) => c.getMany(['a', 'b']), new Map()],
  ['deleteMany', (c) => c.deleteMany(['a', 'b']), 0],
  ['incr', (c) => c.incr('n'), 1],
  ['incr again', (c) => c.incr('n', 5), 5],
  ['decr', (c) => c.decr('n'), -1],
  ['ttl', (c) => c.ttl('k'), -2],
  ['expire', (c) => c.expire('k', 10), false],
  ['persist', (c) => c.persist('k'), false],
  ['keys', (c) => c.keys('*'), []],
  ['clear', (c) => c.clear(), 0],
  ['hset', (c) => c.hset('h', 'f', 'v'), 1],
  ['hget', (c) => c.hget('h', 'f'), undefined],
  ['hgetall', (c) => c.hgetall('h'), {}],
  ['rpush', (c) => c.rpush('l2', ['a', 'b']), 2],
  ['llen', (c) => c.llen('l'), 0],
  ['lrange', (c) => c.lrange('l', 0, -1), []],
  ['lpop', (c) => c.lpop('l'), undefined],
  ['sadd', (c) => c.sadd('s', ['a']), 1],
  ['smembers', (c) => c.smembers('s'), []],
  ['zadd', (c) => c.zadd('z', { a: 1 }), 1],
  ['zcard', (c) => c.zcard('z'), 0],
  // A pop that would wait for ever resolves at once: no element can ever arrive.
  ['blpop without a timeout', (c) => c.blpop('l'), undefined],
  ['brpop', (c) => c.brpop(['l', 'm'], { timeout: 30 }), undefined],
  ['blmove', (c) => c.blmove('l', 'm', { timeout: 0 }), undefined],
];

describe('Cache on the dummy transport', () => {
  it.each(calls)('%s', async (_name, call, expected) => {
    const cache = dummyCache();
    await cache.set('k', 'v');
    await cache.rpush('l', ['x']);
    expect(await call(cache)).toEqual(expected);
    await cache.close();
  });

  it('getOrSet calls the factory every time', async () => {
    const cache = dummyCache();
    let calls = 0;
    const factory = () => `computed ${++calls}`;
    expect(await cache.getOrSet('k', factory)).toBe('computed 1');
    expect(await cache.getOrSet('k', factory)).toBe('computed 2');
    expect(calls).toBe(2);
    await cache.close();
  });

  it('getOrSet with every stampede option still calls the factory every time, without waiting', async () => {
    const cache = dummyCache();
    let calls = 0;
    const factory = () => `computed ${++calls}`;
    const options = {
      grace: 60,
      staleWhileRevalidate: true,
      earlyRefresh: true,
      singleFlight: 'cluster',
      meta: true,
    } as const;
    const started = Date.now();
    expect(await cache.getOrSet('k', factory, options)).toMatchObject({
      value: 'computed 1',
      status: 'miss',
    });
    expect(await cache.getOrSet('k', factory, options)).toMatchObject({ value: 'computed 2' });
    expect([...(await cache.getManyOrSet(['a'], () => ({ a: ++calls })))]).toEqual([['a', 3]]);
    // The flight lock is taken at once (nothing holds it): no polling.
    expect(Date.now() - started).toBeLessThan(1000);
    await cache.close();
  });

  it('a pipeline sees its own writes; they are gone afterwards', async () => {
    const cache = dummyCache();
    const results = await cache.pipeline().set('k', 'v').get('k').incr('n').incr('n').exec();
    expect(results).toEqual([true, 'v', 1, 2]);
    expect(await cache.get('k')).toBeUndefined();
    await cache.close();
  });

  it('close() works; later calls reject with a ClosedError', async () => {
    const cache = dummyCache();
    await cache.set('k', 'v');
    await cache.close();
    await expect(cache.get('k')).rejects.toBeInstanceOf(ClosedError);
  });
});
