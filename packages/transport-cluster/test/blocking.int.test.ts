import { createCodec } from '@cachex/codecs';
import { ClosedError, createCache } from '@cachex/core';
import {
  closeAfterEach,
  clusterPrimaryForKey,
  getTestServers,
  randomPrefix,
  runAdminCommand,
  until,
} from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import { clusterTransport } from './support.js';

const closers = closeAfterEach();

describe.each(['ioredis', 'iovalkey'] as const)('blocking pops on a cluster (%s)', (driver) => {
  it('pops wait on the node owning their key, at once on every primary, without stalling other commands', async () => {
    const { cluster } = getTestServers();
    const { cache } = closers.cache(clusterTransport(driver), randomPrefix({ spread: true }));
    // One list per primary.
    const lists = new Map<number, string>();
    for (let i = 0; lists.size < cluster.primaries.length; i++) {
      const port = clusterPrimaryForKey(cluster, cache.makeKey(`list${i}`)).port;
      if (!lists.has(port)) lists.set(port, `list${i}`);
    }
    const pops = [...lists.values()].map((list) => cache.blpop(list, { timeout: 10 }));

    // Each primary has a blocked connection of this transport, waiting in BLPOP.
    await until(async () => {
      for (const node of cluster.primaries) {
        const list = String(await runAdminCommand(node, 'CLIENT', 'LIST'));
        const ours = list
          .split('\n')
          .filter((l) => l.includes('name=cachex:blocking') && l.includes('cmd=blpop'));
        if (ours.length === 0) return false;
      }
      return true;
    });

    // Other commands are not stalled meanwhile.
    const begin = performance.now();
    for (let i = 0; i < 50; i++) {
      await cache.set(`k${i}`, i);
      expect(await cache.get(`k${i}`)).toBe(i);
    }
    expect(performance.now() - begin).toBeLessThan(2000);

    for (const list of lists.values()) await cache.rpush(list, [`for-${list}`]);
    const popped = await Promise.all(pops);
    expect(popped).toEqual([...lists.values()].map((list) => [list, `for-${list}`]));
    await cache.deleteMany(Array.from({ length: 50 }, (_, i) => `k${i}`));
  });

  it('blmove within one slot works; close() rejects the pops still waiting', async () => {
    // Not closed after the test: closing it is part of the test.
    const transport = clusterTransport(driver);
    const cache = createCache({ transport, codec: createCodec(), keyPrefix: randomPrefix() });
    await cache.rpush('src', ['a']);
    expect(await cache.blmove('src', 'dst', { timeout: 1 })).toBe('a');
    expect(await cache.lrange('dst', 0, -1)).toEqual(['a']);
    const waiting = [cache.blpop('empty', { timeout: 0 }), cache.brpop('empty2', { timeout: 0 })];
    const settled = Promise.allSettled(waiting);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await cache.deleteMany(['dst']);
    await cache.close();
    const outcomes = await settled;
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(ClosedError);
    }
    expect((outcomes[0] as PromiseRejectedResult).reason).not.toBe(
      (outcomes[1] as PromiseRejectedResult).reason,
    );
  });
});
