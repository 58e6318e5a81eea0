import { createCodec } from '@cachex/codecs';
import { type Cache, createCache } from '@cachex/core';
import {
  type ClusterTopologyHandle,
  randomPrefix,
  startClusterTopology,
  until,
} from '@cachex/testing';
import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClusterTransport } from '../src/index.js';

// The near cache across a cluster failover, on a private 6-node cluster: while a value is held,
// the key's primary hands its slots to its replica (CLUSTER FAILOVER). The near cache must not
// serve the old value once the new primary has a newer one, must empty itself when the slot
// map changes, and tracking must work on the new primary.

let topology: ClusterTopologyHandle;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  topology = await startClusterTopology({ name: 'cx-near-cache-failover' });
}, 60_000);

afterEach(async () => {
  await Promise.allSettled(closers.splice(0).map((close) => close()));
  await topology.waitForClusterOk({ timeoutMs: 20_000 });
}, 30_000);

afterAll(async () => {
  await topology?.stop();
});

async function tryGet(cache: Cache, key: string): Promise<unknown> {
  try {
    return await cache.get(key);
  } catch {
    return undefined;
  }
}

describe.each(['ioredis', 'iovalkey'] as const)(
  'near cache across a cluster failover (%s)',
  (driver) => {
    it('the old value is never served after the new primary has a newer one; tracking follows', async () => {
      const cache = createCache({
        transport: createClusterTransport({ location: topology.endpoints.url, driver }),
        codec: createCodec(),
        keyPrefix: randomPrefix(),
        nearCache: true,
      });
      closers.push(() => cache.close());
      const seed = topology.endpoints.primaries[0]!;
      const raw = new Cluster([{ host: seed.host, port: seed.port }], {
        redisOptions: { protocol: 2 },
      });
      closers.push(() => raw.quit());

      await cache.get('warm-up');
      await until(() => cache.nearCacheStats()?.tracking === true, 10_000);
      await cache.set('k', 1);
      expect(await cache.get('k')).toBe(1);
      expect(await cache.get('k')).toBe(1);
      const before = cache.nearCacheStats()!;
      expect(before.hits).toBeGreaterThanOrEqual(1);

      const owner = await topology.nodeForKey(cache.makeKey('k'));
      const [replica] = await topology.replicasOf(owner);
      await topology.failover(replica);

      await raw.set(cache.makeKey('k'), '2');
      await until(async () => (await tryGet(cache, 'k')) === 2, 15_000);
      for (let i = 0; i < 50; i++) expect(await cache.get('k')).toBe(2);
      // The slot map refresh that follows the redirection empties it (it may come a little later).
      await until(() => cache.nearCacheStats()!.flushes > before.flushes, 10_000);

      await until(() => cache.nearCacheStats()!.tracking, 10_000);
      expect(await cache.get('k')).toBe(2);
      await raw.set(cache.makeKey('k'), '3');
      await until(async () => (await cache.get('k')) === 3, 3000);
      const after = cache.nearCacheStats()!;
      console.log(
        `[near cache, cluster failover, ${driver}] flushes ${before.flushes} → ${after.flushes}, invalidations ${after.invalidations}, hits ${after.hits}`,
      );
    });
  },
);
