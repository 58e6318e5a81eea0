import {
  ClosedError,
  DecodeError,
  EncodeError,
  InvalidKeyError,
  WrongTypeError,
} from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';

export function pipelineGroup(h: Harness): void {
  describe('pipelines', () => {
    it('exec returns decoded results in call order', async () => {
      const cache = await h.cache();
      const results = await cache
        .pipeline()
        .set('a', 1)
        .set('b', { x: [1, 2] })
        .get('a')
        .get('b')
        .get('missing')
        .incr('a', 5)
        .has('b')
        .delete('b')
        .ttl('a')
        .exec();
      expect(results.slice(0, 8)).toEqual([true, true, 1, { x: [1, 2] }, undefined, 6, true, true]);
      expect(results[8]).toBeGreaterThan(295);
      expect((await h.raw(cache, 'GET', cache.makeKey('a')))?.toString()).toBe('6');
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('b'))).toBe(0);
    });

    it('an empty pipeline resolves [] without I/O', async () => {
      const cache = await h.cache();
      const p = cache.pipeline();
      expect(p.length).toBe(0);
      expect(await p.exec()).toEqual([]);
    });

    it('set nx miss is false; timeouts and nx/xx follow the cache rules', async () => {
      const cache = await h.cache();
      await cache.set('k', 'old');
      const results = await cache
        .pipeline()
        .set('k', 'new', { nx: true })
        .set('fresh', 'v', { nx: true, timeout: 50 })
        .set('gone', 'v', { timeout: 0 })
        .add('k', 'x')
        .exec();
      expect(results).toEqual([false, true, true, false]);
      expect(await cache.get('k')).toBe('old');
      expect(await cache.ttl('fresh')).toBeLessThanOrEqual(50);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('gone'))).toBe(0);
    });

    it('the pipeline version applies to every call; a call version wins', async () => {
      const cache = await h.cache();
      await cache.pipeline({ version: 2 }).set('a', 'v2').set('b', 'v3', { version: 3 }).exec();
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('a', 2))).toBe(1);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('b', 3))).toBe(1);
      expect(await cache.get('a')).toBeUndefined();
      expect(
        await cache
          .pipeline({ version: 2 })
          .get('a')
          .get('a', { version: 1 })
          .get('b', { version: 3 })
          .exec(),
      ).toEqual(['v2', undefined, 'v3']);
    });

    it('getMany, setMany and deleteMany work in a pipeline', async () => {
      const cache = await h.cache();
      const [, found, deleted] = await cache
        .pipeline()
        .setMany({ a: 1, b: 2 }, { timeout: 60 })
        .getMany(['a', 'b', 'c'])
        .deleteMany(['a', 'c'])
        .exec();
      expect(found).toEqual(
        new Map<string, unknown>([
          ['a', 1],
          ['b', 2],
        ]),
      );
      expect(deleted).toBe(1);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('a'), cache.makeKey('b'))).toBe(1);
      expect(await cache.ttl('b')).toBeLessThanOrEqual(60);
    });

    it('a failed command leaves a typed error in its slot and the others keep their results', async () => {
      const cache = await h.cache();
      await h.raw(cache, 'LPUSH', cache.makeKey('list'), 'x');
      await h.raw(cache, 'SET', cache.makeKey('corrupt'), Buffer.from([0xff, 0xfe, 0x00]));
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const results = await cache
        .pipeline()
        .set('a', 1)
        .get('list')
        .set('bad', cyclic)
        .get('bad\nkey')
        .get('corrupt')
        .incr('a')
        .exec();
      expect(results[0]).toBe(true);
      expect(results[1]).toBeInstanceOf(WrongTypeError);
      expect((results[1] as WrongTypeError).key).toBe('list');
      expect(results[2]).toBeInstanceOf(EncodeError);
      expect(results[3]).toBeInstanceOf(InvalidKeyError);
      expect(results[4]).toBeInstanceOf(DecodeError);
      expect((results[4] as DecodeError).key).toBe('corrupt');
      expect(results[5]).toBe(2);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('bad'))).toBe(0);
    });

    it('is reusable after exec, and its queue is reset even when exec fails', async () => {
      const cache = await h.cache();
      const p = cache.pipeline();
      p.set('a', 1).get('a');
      expect(p.length).toBe(2);
      expect(await p.exec()).toEqual([true, 1]);
      expect(p.length).toBe(0);
      expect(await p.incr('a').get('a').exec()).toEqual([2, 2]);
      const closing = await h.cache({ keyPrefix: cache.keyPrefix });
      const q = closing.pipeline().get('a').get('a');
      await closing.close();
      await expect(q.exec()).rejects.toBeInstanceOf(ClosedError);
      expect(q.length).toBe(0);
      expect(await q.exec()).toEqual([]);
    });

    it('discard drops queued calls', async () => {
      const cache = await h.cache();
      const p = cache.pipeline().set('a', 1);
      p.discard();
      expect(await p.exec()).toEqual([]);
      expect(await cache.has('a')).toBe(false);
    });

    it('transaction: true runs the calls as one MULTI/EXEC block', async () => {
      const cache = await h.cache();
      const results = await cache
        .pipeline({ transaction: true })
        .set('a', 1)
        .incr('a')
        .get('a')
        .exec();
      expect(results).toEqual([true, 2, 2]);
      expect((await h.raw(cache, 'GET', cache.makeKey('a')))?.toString()).toBe('2');
    });

    it('transaction: true still reports a runtime error in its slot', async () => {
      const cache = await h.cache();
      await h.raw(cache, 'LPUSH', cache.makeKey('list'), 'x');
      const results = await cache
        .pipeline({ transaction: true })
        .set('a', 1)
        .incr('list')
        .get('a')
        .exec();
      expect(results[0]).toBe(true);
      expect(results[1]).toBeInstanceOf(WrongTypeError);
      expect(results[2]).toBe(1);
    });
  });
}
