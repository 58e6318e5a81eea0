import { closeAfterEach, clusterKeySlot, getTestServers, randomPrefix } from '@cachex/testing';
import { createClusterTransport } from '@cachex/transport-cluster';
import { describe, expect, it } from 'vitest';
import { createLock, withLock } from '../src/index.js';
import { describeLockBehaviour, raw } from './behaviour.js';

const closers = closeAfterEach();

function openCluster(prefix: string) {
  return closers.cache(createClusterTransport({ location: getTestServers().cluster.url }), prefix)
    .cache;
}

// A prefix without a hash tag: the lock's own tag places it.
describeLockBehaviour('cluster', () => {
  const prefix = randomPrefix({ spread: true });
  return { cache: openCluster(prefix), another: () => openCluster(prefix) };
});

describe('lock on cluster only', () => {
  it('locks of many names land on every primary, each with its counter in its slot', async () => {
    const cache = openCluster(randomPrefix({ spread: true }));
    const { cluster } = getTestServers();
    const owners = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const lock = createLock(cache, `job-${i}`, { timeout: 5 });
      const slot = clusterKeySlot(lock.keys.lock);
      expect(clusterKeySlot(lock.keys.fence)).toBe(slot);
      owners.add(
        cluster.primaries.findIndex((p) => p.slots.some(([lo, hi]) => slot >= lo && slot <= hi)),
      );
      expect(await lock.acquire()).toBe(1);
      expect(await lock.owned()).toBe(true);
      await lock.extend(1);
      await lock.release();
    }
    expect(owners.size).toBe(cluster.primaries.length);
  });

  it('a key with its own hash tag shares the slot of the data it protects', async () => {
    const cache = openCluster(randomPrefix({ spread: true }));
    const lock = createLock(cache, '{user42}:lock', { timeout: 5 });
    expect(clusterKeySlot(lock.keys.lock)).toBe(clusterKeySlot(cache.makeKey('{user42}:profile')));
    await withLock(
      cache,
      '{user42}:lock',
      async ({ fencingToken }) => {
        await cache.set('{user42}:profile', { name: 'Ada', fencingToken });
      },
      { timeout: 5 },
    );
    expect(await cache.get('{user42}:profile')).toEqual({ name: 'Ada', fencingToken: 1 });
    expect(Number(await raw(cache, 'GET', lock.keys.fence))).toBe(1);
  });
});
