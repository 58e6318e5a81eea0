import { createCodec } from '@cachex/codecs';
import { type Cache, createCache } from '@cachex/core';
import {
  randomPrefix,
  type SentinelTopologyHandle,
  startSentinelTopology,
  until,
} from '@cachex/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createSentinelTransport } from '../src/index.js';

// The near cache across a sentinel failover, on a private topology: the primary is SIGKILLed
// while a value is held; the cache must empty itself (its data connection is lost), set
// tracking up again on the new primary, and never return the old value once the new primary
// has a newer one.

const topologies: SentinelTopologyHandle[] = [];
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.allSettled(closers.splice(0).map((close) => close()));
  await Promise.allSettled(topologies.splice(0).map((t) => t.stop()));
});

/** get() that treats a failed call (the primary is down) as "nothing seen". */
async function tryGet(cache: Cache, key: string): Promise<unknown> {
  try {
    return await cache.get(key);
  } catch {
    return undefined;
  }
}

describe.each(['ioredis', 'iovalkey'] as const)('near cache across a failover (%s)', (driver) => {
  it('empties on failover, tracks the new primary, never serves the old value after', async () => {
    const topology = await startSentinelTopology({
      name: `near-cache-${driver}`,
      masterName: `cx-near-${driver}`,
    });
    topologies.push(topology);
    const { endpoints } = topology;
    const cache = createCache({
      transport: createSentinelTransport({
        location: `${endpoints.url}/0`,
        sentinels: endpoints.sentinels,
        driver,
        socketTimeoutMs: 1000,
      }),
      codec: createCodec(),
      keyPrefix: randomPrefix(),
      nearCache: true,
    });
    closers.push(() => cache.close());
    await cache.get('warm-up');
    await until(() => cache.nearCacheStats()?.tracking === true, 5000);
    await cache.set('k', 1);
    expect(await cache.get('k')).toBe(1);
    expect(await cache.get('k')).toBe(1);
    const before = cache.nearCacheStats()!;
    expect(before.hits).toBeGreaterThanOrEqual(1);

    await topology.primary.kill();
    const promoted = await topology.waitForNewPrimary();
    expect(cache.nearCacheStats()!.flushes).toBeGreaterThan(before.flushes);

    // Another client writes on the new primary (not through this cache: no local invalidation).
    const raw = new Redis({ host: promoted.host, port: promoted.port, protocol: 2 });
    closers.push(() => raw.quit());
    await raw.set(cache.makeKey('k'), '2');
    await until(async () => (await tryGet(cache, 'k')) === 2, 15_000);
    for (let i = 0; i < 50; i++) expect(await cache.get('k')).toBe(2);

    // Tracking is back on the new primary: a later write by another client is seen too.
    await until(() => cache.nearCacheStats()!.tracking, 10_000).catch((error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(cache.nearCacheStats())}`);
    });
    expect(await cache.get('k')).toBe(2);
    await raw.set(cache.makeKey('k'), '3');
    await until(async () => (await cache.get('k')) === 3, 2000);
    const after = cache.nearCacheStats()!;
    console.log(
      `[near cache, sentinel SIGKILL, ${driver}] flushes ${before.flushes} → ${after.flushes}, hits ${after.hits}, misses ${after.misses}`,
    );
  });
});
