import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { freezeAndMeasure } from './freeze.js';
import { NearCache, NOT_HELD, resolveNearCacheOptions } from './near-cache.js';

function tracked(options = { maxEntries: 100, maxBytes: 1_000_000, ttlMs: 60_000 }): NearCache {
  const near = new NearCache(options);
  near.setTracking(true);
  return near;
}

/** A read from the server that returns `value`, with `meanwhile` happening while in flight. */
function read(near: NearCache, key: string, value: unknown, meanwhile?: () => void): void {
  const ticket = near.beginRead(key);
  meanwhile?.();
  near.endRead(ticket, value);
}

describe('NearCache', () => {
  it('keeps a value read while tracking is on, and counts hits and misses', () => {
    const near = tracked();
    expect(near.lookup('k')).toBe(NOT_HELD);
    read(near, 'k', { a: 1 });
    expect(near.lookup('k')).toEqual({ a: 1 });
    expect(near.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1, tracking: true });
  });

  it('keeps nothing while tracking is off, and turning it on or off empties it', () => {
    const near = new NearCache({ maxEntries: 10, maxBytes: 10_000, ttlMs: 60_000 });
    read(near, 'k', 1);
    expect(near.lookup('k')).toBe(NOT_HELD);
    near.setTracking(true);
    read(near, 'k', 1);
    expect(near.lookup('k')).toBe(1);
    near.setTracking(false);
    expect(near.lookup('k')).toBe(NOT_HELD);
    expect(near.stats().flushes).toBe(2);
  });

  it('does not keep a read whose key was invalidated while it was in flight', () => {
    // The invalidation can arrive on the subscriber connection before the reply does.
    const near = tracked();
    read(near, 'k', 'old', () => near.invalidate(['k']));
    expect(near.lookup('k')).toBe(NOT_HELD);
    // Other keys' reads are not affected.
    read(near, 'other', 'x', () => near.invalidate(['k']));
    expect(near.lookup('other')).toBe('x');
  });

  it('does not keep a read in flight across a flush or a loss of tracking', () => {
    const near = tracked();
    read(near, 'a', 1, () => near.flush());
    expect(near.lookup('a')).toBe(NOT_HELD);
    read(near, 'b', 1, () => {
      near.setTracking(false);
      near.setTracking(true);
    });
    expect(near.lookup('b')).toBe(NOT_HELD);
  });

  it('two reads of one key in flight: an invalidation spoils both, then the key is free again', () => {
    const near = tracked();
    const first = near.beginRead('k');
    const second = near.beginRead('k');
    near.invalidate(['k']);
    near.endRead(first, 1);
    near.endRead(second, 1);
    expect(near.lookup('k')).toBe(NOT_HELD);
    read(near, 'k', 2);
    expect(near.lookup('k')).toBe(2);
  });

  it('a failed read releases its key', () => {
    const near = tracked();
    near.abortRead(near.beginRead('k'));
    read(near, 'k', 'v');
    expect(near.lookup('k')).toBe('v');
  });

  it('does not keep misses (undefined) nor values freezing cannot protect', () => {
    const near = tracked();
    read(near, 'miss', undefined);
    read(near, 'buffer', Buffer.from('x'));
    read(near, 'date', new Date(0));
    read(near, 'nested', { when: new Date(0) });
    for (const key of ['miss', 'buffer', 'date', 'nested']) expect(near.lookup(key)).toBe(NOT_HELD);
  });

  it('invalidating a held key drops it and counts it', () => {
    const near = tracked();
    read(near, 'k', 1);
    near.invalidate(['k', 'not-held']);
    expect(near.lookup('k')).toBe(NOT_HELD);
    expect(near.stats().invalidations).toBe(1);
  });

  it('stays within maxEntries and maxBytes, dropping the least recently used', () => {
    const byCount = tracked({ maxEntries: 3, maxBytes: 1_000_000, ttlMs: 60_000 });
    for (const key of ['a', 'b', 'c', 'd']) read(byCount, key, key);
    expect(byCount.lookup('a')).toBe(NOT_HELD);
    expect(byCount.stats().entries).toBe(3);

    const bySize = tracked({ maxEntries: 1000, maxBytes: 5_000, ttlMs: 60_000 });
    for (let i = 0; i < 100; i++) read(bySize, `k${i}`, 'x'.repeat(200));
    const stats = bySize.stats();
    expect(stats.bytes).toBeLessThanOrEqual(5_000);
    expect(stats.entries).toBeLessThan(100);
    expect(bySize.lookup('k99')).toBe('x'.repeat(200));
  });

  it("keeps a value no longer than its key's remaining time on the server", async () => {
    const near = tracked({ maxEntries: 10, maxBytes: 10_000, ttlMs: 60_000 });
    near.endRead(near.beginRead('short'), 1, 30);
    near.endRead(near.beginRead('forever'), 2, -1);
    near.endRead(near.beginRead('gone'), 3, -2);
    expect(near.lookup('short')).toBe(1);
    expect(near.lookup('forever')).toBe(2);
    expect(near.lookup('gone')).toBe(NOT_HELD);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(near.lookup('short')).toBe(NOT_HELD);
    expect(near.lookup('forever')).toBe(2);
  });

  it('drops a value after ttl', async () => {
    const near = tracked({ maxEntries: 10, maxBytes: 10_000, ttlMs: 30 });
    read(near, 'k', 1);
    expect(near.lookup('k')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(near.lookup('k')).toBe(NOT_HELD);
  });
});

describe('freezeAndMeasure', () => {
  it('freezes plain data deeply and estimates its size', () => {
    const value = { name: 'Ada', tags: ['a', 'b'], inner: { n: 1 } };
    const bytes = freezeAndMeasure(value);
    expect(bytes).toBeGreaterThan(100);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.tags)).toBe(true);
    expect(Object.isFrozen(value.inner)).toBe(true);
    expect(freezeAndMeasure('x'.repeat(1000))).toBeGreaterThanOrEqual(2000);
  });

  it('refuses, freezing nothing, a value with a part freezing would not protect', () => {
    const value = { ok: { a: 1 }, bytes: new Uint8Array(2) };
    expect(freezeAndMeasure(value)).toBe(-1);
    expect(Object.isFrozen(value)).toBe(false);
    expect(Object.isFrozen(value.ok)).toBe(false);
    expect(freezeAndMeasure(new Map())).toBe(-1);
    expect(freezeAndMeasure([1, new Date(0)])).toBe(-1);
  });
});

describe('resolveNearCacheOptions', () => {
  it('off unless asked; true gives the defaults', () => {
    expect(resolveNearCacheOptions(undefined)).toBeUndefined();
    expect(resolveNearCacheOptions(false)).toBeUndefined();
    expect(resolveNearCacheOptions(true)).toEqual({
      maxEntries: 10_000,
      maxBytes: 64 * 1024 * 1024,
      ttlMs: 60_000,
      broadcast: false,
    });
    expect(resolveNearCacheOptions({ broadcast: true })?.broadcast).toBe(true);
    expect(resolveNearCacheOptions({ ttl: 0.5 })?.ttlMs).toBe(500);
  });

  it.each([
    [{ maxEntries: 0 }, 'nearCache.maxEntries'],
    [{ maxEntries: 1.5 }, 'nearCache.maxEntries'],
    [{ maxBytes: -1 }, 'nearCache.maxBytes'],
    [{ ttl: Number.POSITIVE_INFINITY }, 'nearCache.ttl'],
    [{ ttl: '5' }, 'nearCache.ttl'],
    [{ broadcast: 'yes' }, 'nearCache.broadcast'],
    ['yes', 'nearCache'],
  ])('%j is a ConfigError naming %s', (option, field) => {
    try {
      resolveNearCacheOptions(option as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).context.field).toBe(field);
    }
  });
});
