import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';

export function timeoutGroup(h: Harness): void {
  describe('timeouts', () => {
    it('uses the cache default timeout (300 s) when none is given', async () => {
      const cache = await h.cache();
      await cache.set('k', 'v');
      const ttl = await cache.ttl('k');
      expect(ttl).toBeGreaterThan(295);
      expect(ttl).toBeLessThanOrEqual(300);
    });

    it('honours a custom default timeout, including null', async () => {
      const short = await h.cache({ timeout: 30 });
      await short.set('k', 'v');
      expect(await short.ttl('k')).toBeLessThanOrEqual(30);
      const forever = await h.cache({ timeout: null });
      await forever.set('k', 'v');
      expect(await forever.ttl('k')).toBe(-1);
    });

    it('timeout null never expires', async () => {
      const cache = await h.cache();
      await cache.set('k', 'v', { timeout: null });
      expect(await cache.ttl('k')).toBe(-1);
      expect(await cache.pttl('k')).toBe(-1);
    });

    it('timeout 0 and negative remove the key and leave nothing behind', async () => {
      const cache = await h.cache();
      await cache.set('a', 'old');
      expect(await cache.set('a', 'v', { timeout: 0 })).toBe(true);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('a'))).toBe(0);
      await cache.set('b', 'old');
      await cache.set('b', 'v', { timeout: -10 });
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('b'))).toBe(0);
    });

    it('a 0.5 s timeout is kept in milliseconds, then the key expires', async () => {
      const cache = await h.cache();
      await cache.set('k', 'v', { timeout: 0.5 });
      const pttl = await cache.pttl('k');
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(500);
      expect(await cache.get('k')).toBe('v');
      await h.until(async () => !(await cache.has('k')), 3000);
      expect(await cache.get('k')).toBeUndefined();
    });

    it('nx with timeout <= 0: missing → true and absent; existing → false and untouched', async () => {
      const cache = await h.cache();
      expect(await cache.set('missing', 'v', { nx: true, timeout: 0 })).toBe(true);
      expect(await h.raw(cache, 'EXISTS', cache.makeKey('missing'))).toBe(0);
      await cache.set('existing', 'old', { timeout: 100 });
      expect(await cache.set('existing', 'new', { nx: true, timeout: -1 })).toBe(false);
      expect(await cache.get('existing')).toBe('old');
      expect(await cache.ttl('existing')).toBeGreaterThan(95);
    });

    it('xx with timeout 0: existing → true and removed; missing → false', async () => {
      const cache = await h.cache();
      await cache.set('existing', 'old');
      expect(await cache.set('existing', 'new', { xx: true, timeout: 0 })).toBe(true);
      expect(await cache.has('existing')).toBe(false);
      expect(await cache.set('missing', 'new', { xx: true, timeout: 0 })).toBe(false);
      expect(await cache.has('missing')).toBe(false);
    });

    it('add with timeout 0 reports success without leaving the key', async () => {
      const cache = await h.cache();
      expect(await cache.add('k', 'v', { timeout: 0 })).toBe(true);
      expect(await cache.has('k')).toBe(false);
    });

    it('ttl / pttl: seconds or ms left, -1 without expiry, -2 when missing', async () => {
      const cache = await h.cache();
      await cache.set('k', 'v', { timeout: 100 });
      expect(await cache.ttl('k')).toBeGreaterThan(98);
      const pttl = await cache.pttl('k');
      expect(pttl).toBeGreaterThan(98_000);
      expect(pttl).toBeLessThanOrEqual(100_000);
      expect(await cache.ttl('missing')).toBe(-2);
      expect(await cache.pttl('missing')).toBe(-2);
    });

    it('touch sets a new timeout, persists with null, deletes with 0, and reports existence', async () => {
      const cache = await h.cache();
      await cache.set('k', 'v', { timeout: 10 });
      expect(await cache.touch('k', { timeout: 200 })).toBe(true);
      expect(await cache.ttl('k')).toBeGreaterThan(195);
      expect(await cache.touch('k', { timeout: null })).toBe(true);
      expect(await cache.ttl('k')).toBe(-1);
      expect(await cache.touch('k', { timeout: null })).toBe(true);
      expect(await cache.touch('k')).toBe(true);
      expect(await cache.ttl('k')).toBeGreaterThan(295);
      expect(await cache.touch('k', { timeout: 1.5 })).toBe(true);
      expect(await cache.pttl('k')).toBeLessThanOrEqual(1500);
      expect(await cache.touch('k', { timeout: 0 })).toBe(true);
      expect(await cache.has('k')).toBe(false);
      expect(await cache.touch('missing', { timeout: 10 })).toBe(false);
      expect(await cache.touch('missing', { timeout: null })).toBe(false);
    });

    it('expire / pexpire: true on an existing key, false on a missing one, <= 0 removes', async () => {
      const cache = await h.cache();
      await cache.set('k', 'v', { timeout: null });
      expect(await cache.expire('k', 50)).toBe(true);
      expect(await cache.ttl('k')).toBeGreaterThan(45);
      expect(await cache.expire('k', 2.5)).toBe(true);
      expect(await cache.pttl('k')).toBeLessThanOrEqual(2500);
      expect(await cache.pexpire('k', 80_000)).toBe(true);
      expect(await cache.pttl('k')).toBeGreaterThan(75_000);
      expect(await cache.expire('missing', 10)).toBe(false);
      expect(await cache.pexpire('missing', 10)).toBe(false);
      expect(await cache.expire('k', 0)).toBe(true);
      expect(await cache.has('k')).toBe(false);
    });

    it('expireAt / pexpireAt accept a Date or unix time; a past time removes the key', async () => {
      const cache = await h.cache();
      await cache.set('a', 'v', { timeout: null });
      expect(await cache.expireAt('a', Math.floor(Date.now() / 1000) + 100)).toBe(true);
      expect(await cache.ttl('a')).toBeGreaterThan(95);
      expect(await cache.expireAt('a', new Date(Date.now() + 50_000))).toBe(true);
      expect(await cache.ttl('a')).toBeLessThanOrEqual(50);
      expect(await cache.pexpireAt('a', Date.now() + 30_000)).toBe(true);
      expect(await cache.ttl('a')).toBeLessThanOrEqual(30);
      expect(await cache.pexpireAt('a', new Date(Date.now() + 20_000))).toBe(true);
      expect(await cache.ttl('a')).toBeLessThanOrEqual(20);
      expect(await cache.expireAt('missing', Date.now() / 1000 + 100)).toBe(false);
      expect(await cache.expireAt('a', new Date(Date.now() - 1000))).toBe(true);
      expect(await cache.has('a')).toBe(false);
      await cache.set('b', 'v');
      expect(await cache.pexpireAt('b', Date.now() - 1000)).toBe(true);
      expect(await cache.has('b')).toBe(false);
    });

    it('expireTime gives the unix expiry time, -1 without expiry, -2 when missing', async () => {
      const cache = await h.cache();
      await cache.set('k', 'v', { timeout: 100 });
      const at = await cache.expireTime('k');
      const expected = Math.floor(Date.now() / 1000) + 100;
      expect(Math.abs(at - expected)).toBeLessThanOrEqual(2);
      expect(await h.raw(cache, 'EXPIRETIME', cache.makeKey('k'))).toBe(at);
      await cache.persist('k');
      expect(await cache.expireTime('k')).toBe(-1);
      expect(await cache.expireTime('missing')).toBe(-2);
    });

    it('persist removes the timeout; false on a missing key', async () => {
      const cache = await h.cache();
      await cache.set('k', 'v', { timeout: 100 });
      expect(await cache.persist('k')).toBe(true);
      expect(await cache.ttl('k')).toBe(-1);
      expect(await cache.persist('k')).toBe(false);
      expect(await cache.persist('missing')).toBe(false);
    });
  });
}
