import { KeyNotFoundError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';

export function versionGroup(h: Harness): void {
  describe('versions', () => {
    it('isolates values by version', async () => {
      const cache = await h.cache();
      await cache.set('k', 'v1');
      await cache.set('k', 'v2', { version: 2 });
      expect(await cache.get('k')).toBe('v1');
      expect(await cache.get('k', { version: 2 })).toBe('v2');
      expect(await cache.get('other', { version: 2 })).toBeUndefined();
      const v2 = await h.cache({ keyPrefix: cache.keyPrefix, version: 2 });
      expect(await v2.get('k')).toBe('v2');
      expect(v2.makeKey('k')).toBe(`${cache.keyPrefix}:2:k`);
    });

    it('incrVersion moves the value with RENAME and keeps its TTL', async () => {
      const cache = await h.cache();
      await cache.set('k', 'value', { timeout: 100 });
      expect(await cache.incrVersion('k')).toBe(2);
      expect(await cache.get('k')).toBeUndefined();
      expect(await cache.get('k', { version: 2 })).toBe('value');
      const ttl = await cache.ttl('k', { version: 2 });
      expect(ttl).toBeGreaterThan(95);
      expect(ttl).toBeLessThanOrEqual(100);
      expect(await cache.incrVersion('k', 3, { version: 2 })).toBe(5);
      expect(await cache.get('k', { version: 5 })).toBe('value');
    });

    it('a key without TTL stays without TTL', async () => {
      const cache = await h.cache();
      await cache.set('k', 1, { timeout: null });
      await cache.incrVersion('k');
      expect(await cache.ttl('k', { version: 2 })).toBe(-1);
    });

    it('decrVersion moves back (default delta 1)', async () => {
      const cache = await h.cache({ version: 3 });
      await cache.set('k', 'v');
      expect(await cache.decrVersion('k')).toBe(2);
      expect(await cache.get('k', { version: 2 })).toBe('v');
      expect(await cache.get('k')).toBeUndefined();
    });

    it('rename overwrites the destination and keeps the TTL; versionSrc/versionDst are honoured', async () => {
      const cache = await h.cache();
      await cache.set('src', 'value', { timeout: 100 });
      await cache.set('dst', 'old');
      expect(await cache.rename('src', 'dst')).toBe(true);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('src'))).toBe(0);
      expect(await cache.get('dst')).toBe('value');
      expect(await cache.ttl('dst')).toBeGreaterThan(95);
      expect(await cache.rename('dst', 'moved', { versionDst: 4 })).toBe(true);
      expect(await cache.get('moved', { version: 4 })).toBe('value');
      expect(await cache.rename('moved', 'back', { versionSrc: 4, versionDst: 1 })).toBe(true);
      expect((await h.raw(cache, 'GET', cache.makeKey('back')))?.toString()).toBe('"value"');
      await expect(cache.rename('missing', 'x')).rejects.toBeInstanceOf(KeyNotFoundError);
    });

    it('renamenx is false when the destination exists', async () => {
      const cache = await h.cache();
      await cache.set('a', 1);
      await cache.set('b', 2);
      expect(await cache.renamenx('a', 'b')).toBe(false);
      expect(await cache.get('b')).toBe(2);
      expect(await cache.renamenx('a', 'c')).toBe(true);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('a'))).toBe(0);
      expect(await cache.get('c')).toBe(1);
    });

    it('a missing key is a KeyNotFoundError naming the key', async () => {
      const cache = await h.cache();
      const error = await cache.incrVersion('missing').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyNotFoundError);
      expect((error as KeyNotFoundError).code).toBe('E_KEY_NOT_FOUND');
      expect((error as KeyNotFoundError).message).toContain('missing');
      expect((error as KeyNotFoundError).key).toBe('missing');
    });
  });
}
