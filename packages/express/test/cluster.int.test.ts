import { closeAfterEach, clusterKeySlot, getTestServers, randomPrefix } from '@cachex/testing';
import { createClusterTransport } from '@cachex/transport-cluster';
import { describe, expect, it } from 'vitest';
import { createSessionStore } from '../src/session/index.js';
import { describeRateLimit } from './rate-limit-behaviour.js';
import { describeResponseCache } from './response-cache-behaviour.js';
import { call, describeSessionStoreContract, sessionData } from './session-contract.js';

const closers = closeAfterEach();

// A prefix without a hash tag: the keys spread over every primary.
function open() {
  const prefix = randomPrefix({ spread: true });
  const make = () =>
    closers.cache(createClusterTransport({ location: getTestServers().cluster.url }), prefix).cache;
  return { cache: make(), another: make };
}

describeSessionStoreContract('cluster', open, closers);
describeResponseCache('cluster', open, closers);
describeRateLimit('cluster', open, closers);

describe('session store on cluster only', () => {
  it('all, ids, length and clear cover sessions on every primary', async () => {
    const { cache } = open();
    const { cluster } = getTestServers();
    const store = createSessionStore({ cache });
    const owners = new Set<number>();
    const sids = Array.from({ length: 40 }, (_, i) => `sid-${i}`);
    for (const sid of sids) {
      await call((cb) => store.set(sid, sessionData(60), cb));
      const slot = clusterKeySlot(cache.makeKey(`sess:${sid}`));
      owners.add(
        cluster.primaries.findIndex((p) => p.slots.some(([lo, hi]) => slot >= lo && slot <= hi)),
      );
    }
    expect(owners.size).toBe(cluster.primaries.length);
    expect((await call<string[]>((cb) => store.ids(cb)))?.sort()).toEqual([...sids].sort());
    expect(await call<number>((cb) => store.length(cb))).toBe(40);
    expect(Object.keys((await call<object | null>((cb) => store.all(cb))) ?? {})).toHaveLength(40);
    await call((cb) => store.clear(cb));
    expect(await call<number>((cb) => store.length(cb))).toBe(0);
  });
});
