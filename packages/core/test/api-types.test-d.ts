// Type-level tests: checked by `tsc` (`pnpm typecheck`, part of CI), never run. Each
// `expectTypeOf` line fails to compile when a documented call form stops typing as documented;
// each `@ts-expect-error` line fails when a form that must not compile starts compiling.
import { describe, expectTypeOf, it } from 'vitest';
import {
  type Cache,
  type CachexError,
  ConnectionError,
  type GetOrSetResult,
  isCachexError,
  type Pipeline,
} from '../src/index.js';

interface User {
  name: string;
}
declare const cache: Cache;
declare const guest: User;

describe('Cache method types', () => {
  it('get', () => {
    expectTypeOf(cache.get('k')).toEqualTypeOf<Promise<unknown>>();
    expectTypeOf(cache.get<User>('k')).toEqualTypeOf<Promise<User | undefined>>();
    expectTypeOf(cache.get<User>('k', { version: 2 })).toEqualTypeOf<Promise<User | undefined>>();
    expectTypeOf(cache.get<User>('k', { default: guest })).toEqualTypeOf<Promise<User>>();
    expectTypeOf(cache.get<User, null>('k', { default: null })).toEqualTypeOf<
      Promise<User | null>
    >();
    expectTypeOf(cache.get<number>('k', { default: 0, version: 3 })).toEqualTypeOf<
      Promise<number>
    >();
    // @ts-expect-error the default must match the value type
    cache.get<User>('k', { default: 42 });
    // @ts-expect-error options are an object, not a positional default
    cache.get('k', 42);
  });

  it('set, getMany, getOrSet, incr', () => {
    expectTypeOf(cache.set('k', { a: 1 }, { timeout: 60, nx: true })).toEqualTypeOf<
      Promise<boolean>
    >();
    // @ts-expect-error the timeout goes in the options object
    cache.set('k', 1, 60);
    // @ts-expect-error nx is a boolean
    cache.set('k', 1, { nx: 1 });
    expectTypeOf(cache.getMany<User>(['a', 'b'])).toEqualTypeOf<Promise<Map<string, User>>>();
    expectTypeOf(cache.getOrSet('k', async () => guest)).toEqualTypeOf<Promise<User>>();
    expectTypeOf(cache.getOrSet('k', 5)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(
      cache.getOrSet('k', async () => guest, { grace: 60, singleFlight: 'cluster' }),
    ).toEqualTypeOf<Promise<User>>();
    expectTypeOf(cache.getOrSet('k', async () => guest, { meta: true })).toEqualTypeOf<
      Promise<GetOrSetResult<User>>
    >();
    // @ts-expect-error singleFlight is 'process' or 'cluster'
    cache.getOrSet('k', 1, { singleFlight: 'global' });
    // @ts-expect-error factoryTimeout takes soft and hard
    cache.getOrSet('k', 1, { factoryTimeout: { sfot: 1 } });
    expectTypeOf(
      cache.getManyOrSet(['a'], async (missing) => new Map(missing.map((k) => [k, guest]))),
    ).toEqualTypeOf<Promise<Map<string, User>>>();
    expectTypeOf(cache.incr('n')).toEqualTypeOf<Promise<number>>();
    expectTypeOf(cache.delete('k')).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(cache.deleteMany(['a'])).toEqualTypeOf<Promise<number>>();
    expectTypeOf(cache.ttl('k')).toEqualTypeOf<Promise<number>>();
  });

  it('data structures keep their type arguments and overloads', () => {
    expectTypeOf(cache.hget<User>('h', 'f')).toEqualTypeOf<Promise<User | undefined>>();
    expectTypeOf(cache.hgetall<number>('h')).toEqualTypeOf<Promise<Record<string, number>>>();
    expectTypeOf(cache.smembers<string>('s')).toEqualTypeOf<Promise<string[]>>();
    expectTypeOf(cache.zrange<string>('z', 0, -1)).toEqualTypeOf<Promise<string[]>>();
    expectTypeOf(cache.zrange<string>('z', 0, -1, { withScores: true })).toEqualTypeOf<
      Promise<[string, number][]>
    >();
    expectTypeOf(cache.lpop<User>('l')).toEqualTypeOf<Promise<User | undefined>>();
    expectTypeOf(cache.lpop<User>('l', { count: 2 })).toEqualTypeOf<Promise<User[]>>();
    expectTypeOf(cache.blpop<User>('l', { timeout: 1 })).toEqualTypeOf<
      Promise<[key: string, value: User] | undefined>
    >();
  });
});

describe('Pipeline types', () => {
  it('exec resolves a tuple of the queued results (or their errors)', () => {
    const p = cache.pipeline().set('a', 1).get<number>('a').incr('n').getMany<User>(['u']);
    expectTypeOf(p).toEqualTypeOf<
      Pipeline<[boolean, number | undefined, number, Map<string, User>]>
    >();
    expectTypeOf(p.exec()).toEqualTypeOf<
      Promise<
        [
          boolean | CachexError,
          number | undefined | CachexError,
          number | CachexError,
          Map<string, User> | CachexError,
        ]
      >
    >();
    // Calls queued one statement at a time (in a loop) are not in the type: an array then.
    const looped = cache.pipeline();
    for (const k of ['a', 'b']) looped.set(k, 1);
    expectTypeOf(looped.exec()).toEqualTypeOf<Promise<(unknown | CachexError)[]>>();
  });

  it('pipelined methods accept type arguments and keep overloads', () => {
    const p = cache
      .pipeline({ transaction: true })
      .get<User>('u', { default: guest })
      .lpop<string>('l', { count: 3 })
      .hget<number>('h', 'f');
    expectTypeOf(p).toEqualTypeOf<Pipeline<[User, string[], number | undefined]>>();
  });

  it('blocking pops are not offered on pipelines', () => {
    // @ts-expect-error blocking commands run on the Cache only, on connections of their own
    cache.pipeline().blpop('l');
  });

  it('isCachexError narrows, with or without a code, also as a callback', () => {
    const err: unknown = new Error('x');
    if (isCachexError(err, 'E_TIMEOUT')) expectTypeOf(err.code).toEqualTypeOf<'E_TIMEOUT'>();
    if (isCachexError(err)) expectTypeOf(err).toEqualTypeOf<CachexError>();
    if (err instanceof ConnectionError) expectTypeOf(err).toEqualTypeOf<ConnectionError>();
    const results: unknown[] = [];
    expectTypeOf(results.filter(isCachexError)).toEqualTypeOf<CachexError[]>();
  });
});
