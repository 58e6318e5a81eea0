import { createCodec } from '@cachex/codecs';
import {
  EncodeError,
  FactoryCycleError,
  InvalidArgumentError,
  InvalidKeyError,
  isCachexError,
} from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';

// Inputs a careless or hostile caller can give: each is refused with a typed error before
// anything is written, or handled without losing or leaking data.

const NOT_A_VERSION = [null, Number.NaN, 1.5, '2', Number.POSITIVE_INFINITY, 2 ** 60] as const;

export function hostileInputGroup(h: Harness): void {
  describe('hostile input', () => {
    it('a per-call version that is not a safe integer is an InvalidArgumentError and writes nothing', async () => {
      const cache = await h.cache();
      for (const version of NOT_A_VERSION) {
        const options = { version: version as unknown as number };
        for (const call of [
          () => cache.set('k', 1, options),
          () => cache.get('k', options),
          () => cache.add('k', 1, options),
          () => cache.delete('k', options),
          () => cache.setMany({ a: 1 }, options),
          () => cache.hset('h', 'f', 1, options),
          () => cache.incrVersion('k', 1, options),
          () => cache.keys('*', options),
        ]) {
          const error = await call().catch((e: unknown) => e);
          expect(error, `version ${String(version)}`).toBeInstanceOf(InvalidArgumentError);
          expect((error as InvalidArgumentError).message).toContain('version');
        }
        const slot = await cache.pipeline().set('k', 1, options).exec();
        expect(slot[0]).toBeInstanceOf(InvalidArgumentError);
        expect(() => cache.makeKey('k', version as unknown as number)).toThrow(
          InvalidArgumentError,
        );
      }
      expect(await h.rawKeys(cache)).toEqual([]);
    });

    it('keys that are not well-formed Unicode (lone surrogates) are InvalidKeyErrors', async () => {
      const cache = await h.cache();
      // Both would become the UTF-8 bytes EF BF BD on a server, and collide.
      for (const key of ['\ud800', '\udfff', 'a\ud83dz', 'end\udc00']) {
        await expect(cache.set(key, 1)).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(cache.get(key)).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(cache.sadd(key, ['m'])).rejects.toBeInstanceOf(InvalidKeyError);
      }
      // A well-formed pair is fine.
      expect(await cache.set('emoji 😀', 1)).toBe(true);
      expect(await cache.get('emoji 😀')).toBe(1);
      expect(await h.rawKeys(cache)).toEqual([cache.makeKey('emoji 😀')]);
    });

    it('clear and deletePattern remove keys that are not valid UTF-8', async () => {
      const cache = await h.cache();
      const raw = (suffix: number[]) =>
        Buffer.concat([Buffer.from(`${cache.keyPrefix}:1:`), Buffer.from(suffix)]);
      const bad = [raw([0xff, 0xfe]), raw([0x61, 0xc3]), raw([0xed, 0xa0, 0x80])];
      for (const key of bad) await h.raw(cache, 'SET', key, 'v');
      await cache.set('good', 1);
      expect(await cache.clear()).toBe(bad.length + 1);
      for (const key of bad) expect(await h.raw(cache, 'EXISTS', key)).toBe(0);

      for (const key of bad) await h.raw(cache, 'SET', key, 'v');
      expect(await cache.deletePattern('*')).toBe(bad.length);
      for (const key of bad) expect(await h.raw(cache, 'EXISTS', key)).toBe(0);
    });

    it('keys() still lists keys that are not valid UTF-8, as text', async () => {
      const cache = await h.cache();
      const key = Buffer.concat([Buffer.from(`${cache.keyPrefix}:1:x`), Buffer.from([0xff])]);
      await h.raw(cache, 'SET', key, 'v');
      expect(await cache.keys()).toEqual(['x\ufffd']);
    });

    it('a per-call timeout that is not a number is an InvalidArgumentError', async () => {
      const cache = await h.cache();
      for (const timeout of ['60', Number.NaN, {}, true]) {
        const options = { timeout: timeout as unknown as number };
        for (const call of [
          () => cache.set('k', 1, options),
          () => cache.touch('k', options),
          () => cache.setMany({ k: 1 }, options),
          () => cache.getOrSet('k', 1, options),
        ]) {
          const error = await call().catch((e: unknown) => e);
          expect(error, `timeout ${String(timeout)}`).toBeInstanceOf(InvalidArgumentError);
          expect((error as InvalidArgumentError).code).toBe('E_INVALID_ARGUMENT');
        }
      }
      expect(await h.rawKeys(cache)).toEqual([]);
    });

    it('options given positionally, as other libraries take them, are refused, not ignored', async () => {
      const cache = await h.cache();
      const positional = 60 as unknown as { timeout: number };
      for (const call of [
        () => cache.set('k', 1, positional),
        () => cache.add('k', 1, positional),
        () => cache.setMany({ k: 1 }, positional),
        () => cache.getOrSet('k', 1, positional),
        () => cache.touch('k', positional),
        () => cache.get('k', 'fallback' as unknown as { default: string }),
      ]) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as Error).message).toMatch(/options must be an object/);
      }
      expect(await h.rawKeys(cache)).toEqual([]);
    });

    it('key lists and entries that are not lists are InvalidArgumentErrors, not TypeErrors or no-ops', async () => {
      const cache = await h.cache();
      for (const bad of [5, null, undefined, true]) {
        const calls: [string, () => Promise<unknown>][] = [
          ['getMany', () => cache.getMany(bad as never)],
          ['deleteMany', () => cache.deleteMany(bad as never)],
          ['setMany', () => cache.setMany(bad as never)],
          ['getManyOrSet', () => cache.getManyOrSet(bad as never, () => ({}))],
        ];
        for (const [method, call] of calls) {
          const error = await call().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error, `${method}(${String(bad)})`).toBeInstanceOf(InvalidArgumentError);
          expect((error as Error).message).toContain(method);
        }
      }
      // A string is iterable, but as a list of one-character keys it is surely a mistake.
      const error = await cache.getMany('abc' as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(await h.rawKeys(cache)).toEqual([]);
    });

    it('boolean options must be booleans', async () => {
      const cache = await h.cache();
      for (const value of [1, 'yes', 0, null]) {
        await expect(cache.set('k', 1, { nx: value as unknown as boolean })).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );
        await expect(cache.set('k', 1, { xx: value as unknown as boolean })).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );
        await expect(
          cache.zadd('z', { m: 1 }, { ch: value as unknown as boolean }),
        ).rejects.toBeInstanceOf(InvalidArgumentError);
      }
      expect(await h.rawKeys(cache)).toEqual([]);
      // false and undefined are fine.
      expect(await cache.set('k', 1, { nx: false, xx: undefined })).toBe(true);
    });

    it('expire arguments the server would refuse are refused by the client', async () => {
      const cache = await h.cache();
      await cache.set('k', 'v', { timeout: null });
      for (const call of [
        () => cache.expire('k', 1e20),
        () => cache.pexpire('k', 1e20),
        () => cache.set('k', 'v', { timeout: 1e20 }),
        () => cache.expire('k', Number.NaN),
        () => cache.pexpireAt('k', 1e20),
      ]) {
        await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
      }
      expect(await cache.ttl('k')).toBe(-1);
    });

    it('expireAt refuses a time in milliseconds, pexpireAt one in seconds', async () => {
      const cache = await h.cache();
      await cache.set('k', 'v', { timeout: null });
      const ms = await cache.expireAt('k', Date.now()).catch((e: unknown) => e);
      expect(ms).toBeInstanceOf(InvalidArgumentError);
      expect((ms as Error).message).toMatch(/milliseconds/);
      const s = await cache.pexpireAt('k', Math.floor(Date.now() / 1000)).catch((e: unknown) => e);
      expect(s).toBeInstanceOf(InvalidArgumentError);
      expect((s as Error).message).toMatch(/seconds/);
      expect(await cache.ttl('k')).toBe(-1);
      expect(await cache.get('k')).toBe('v');
    });

    it('a timeout of a thousand years is accepted, like the server does', async () => {
      const cache = await h.cache();
      const thousandYears = 1000 * 365 * 24 * 3600;
      expect(await cache.set('k', 'v', { timeout: thousandYears })).toBe(true);
      expect(await cache.ttl('k')).toBeGreaterThan(thousandYears - 10);
      expect(await cache.expire('k', thousandYears * 2)).toBe(true);
      expect(await cache.ttl('k')).toBeGreaterThan(thousandYears * 2 - 10);
    });
  });

  describe('members are found whatever the key order of their objects', () => {
    for (const serializer of ['json', 'msgpack', 'v8'] as const) {
      it(`${serializer}: sets, sorted sets and list probes`, async () => {
        const cache = await h.cache({ codec: createCodec({ serializer }) });
        const built = { id: 7, tags: ['x'], nested: { b: 2, a: 1 } };
        const reordered = { nested: { a: 1, b: 2 }, tags: ['x'], id: 7 };
        expect(await cache.sadd('s', [built])).toBe(1);
        expect(await cache.sadd('s', [reordered])).toBe(0);
        expect(await cache.sismember('s', reordered)).toBe(true);
        expect(await cache.smismember('s', [reordered, { id: 8 }])).toEqual([true, false]);
        expect(await cache.zadd('z', new Map([[built, 1]]))).toBe(1);
        expect(await cache.zscore('z', reordered)).toBe(1);
        expect(await cache.rpush('l', [built, 'other', built])).toBe(3);
        expect(await cache.lpos('l', reordered)).toBe(0);
        expect(await cache.lrem('l', 0, reordered)).toBe(2);
        expect(await cache.lrange('l', 0, -1)).toEqual(['other']);
        expect(await cache.srem('s', [reordered])).toBe(1);
        // Plain values keep their own key order.
        await cache.set('plain', reordered);
        expect(Object.keys((await cache.get<object>('plain')) ?? {})).toEqual([
          'nested',
          'tags',
          'id',
        ]);
      });
    }
  });

  describe('getOrSet factories that call getOrSet', () => {
    it('a factory asking for its own key settles with a FactoryCycleError', async () => {
      const cache = await h.cache();
      const error = await cache
        .getOrSet('a', () => cache.getOrSet('a', () => 1))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FactoryCycleError);
      expect(isCachexError(error) && error.code).toBe('E_FACTORY_CYCLE');
      expect((error as FactoryCycleError).message).toContain('"a"');
      expect(await cache.has('a')).toBe(false);
    });

    it('a → b → a settles with a FactoryCycleError naming the chain', async () => {
      const cache = await h.cache();
      const a = (): Promise<unknown> => cache.getOrSet('a', () => b());
      const b = (): Promise<unknown> => cache.getOrSet('b', () => a());
      const error = await a().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FactoryCycleError);
      expect((error as Error).message).toContain('"a" → "b" → "a"');
      expect(await cache.has('a')).toBe(false);
      expect(await cache.has('b')).toBe(false);
    });

    it('two concurrent chains that wait on each other settle instead of deadlocking', async () => {
      const cache = await h.cache();
      let release!: () => void;
      const bothStarted = new Promise<void>((r) => {
        let n = 0;
        release = () => {
          if (++n === 2) r();
        };
      });
      // Request 1 computes a, which needs b; request 2 computes b, which needs a.
      const one = cache.getOrSet('a', async () => {
        release();
        await bothStarted;
        return { fromB: await cache.getOrSet('b', () => 'b-from-1') };
      });
      const two = cache.getOrSet('b', async () => {
        release();
        await bothStarted;
        return { fromA: await cache.getOrSet('a', () => 'a-from-2') };
      });
      const settled = await Promise.allSettled([one, two]);
      const errors = settled.filter((s) => s.status === 'rejected');
      expect(errors.length).toBeGreaterThanOrEqual(1);
      for (const e of errors) expect(e.reason).toBeInstanceOf(FactoryCycleError);
    });

    it('nested getOrSet of other keys still works and shares flights', async () => {
      const cache = await h.cache();
      let inner = 0;
      const value = await cache.getOrSet('outer', async () => {
        const [x, y] = await Promise.all([
          cache.getOrSet('inner', async () => ++inner),
          cache.getOrSet('inner', async () => ++inner),
        ]);
        return { x, y };
      });
      expect(value).toEqual({ x: 1, y: 1 });
      expect(inner).toBe(1);
      expect(await cache.get('inner')).toBe(1);
    });
  });

  describe('transactions are all or nothing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    it('a call that fails on the client rejects exec() and sends nothing', async () => {
      const cache = await h.cache();
      await cache.set('counter', 1);
      const start = () => cache.pipeline({ transaction: true }).set('a', 1).incr('counter');
      const failures = [
        { call: 'an encode error', p: start().set('x', cyclic).set('b', 2), type: EncodeError },
        { call: 'an invalid key', p: start().get('bad\nkey').set('b', 2), type: InvalidKeyError },
        {
          call: 'an invalid argument',
          p: start().set('x', 1, { nx: true, xx: true }).set('b', 2),
          type: InvalidArgumentError,
        },
      ];
      for (const { call, p, type } of failures) {
        const error = await p.exec().catch((e: unknown) => e);
        expect(error, call).toBeInstanceOf(type);
        expect(p.length).toBe(0);
        expect(await h.raw(cache, 'EXISTS', cache.makeKey('a'), cache.makeKey('b'))).toBe(0);
        expect(await cache.get('counter')).toBe(1);
      }
    });

    it('a plain pipeline keeps the other calls when one fails on the client', async () => {
      const cache = await h.cache();
      const results = await cache.pipeline().set('a', 1).set('x', cyclic).set('b', 2).exec();
      expect(results[0]).toBe(true);
      expect(results[1]).toBeInstanceOf(EncodeError);
      expect(results[2]).toBe(true);
    });
  });
}
