import { spawn } from 'node:child_process';
import { createCodec } from '@cachex/codecs';
import { type Cache, createCache } from '@cachex/core';
import { getTestServers, randomPrefix, until } from '@cachex/testing';
import { Cluster } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createClusterTransport } from '../src/index.js';

// The near cache on the shared 6-node cluster: tracking per node (each node's connection
// redirects to a subscriber on the same node), keys spread over the slots.

const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((c) => c.close()));
});

function nearCache(driver: 'ioredis' | 'iovalkey', prefix = randomPrefix()): Cache {
  const cache = createCache({
    transport: createClusterTransport({ location: getTestServers().cluster.url, driver }),
    codec: createCodec(),
    keyPrefix: prefix,
    nearCache: true,
  });
  opened.push(cache);
  return cache;
}

function rawCluster(): Cluster {
  const [seed] = getTestServers().cluster.primaries;
  const client = new Cluster([{ host: seed!.host, port: seed!.port }], {
    redisOptions: { protocol: 2 },
  });
  opened.push({ close: () => client.quit() });
  return client;
}

async function trackingOn(cache: Cache): Promise<void> {
  await cache.get('warm-up');
  await until(() => cache.nearCacheStats()?.tracking === true, 10_000).catch((error: unknown) => {
    throw new Error(`${String(error)}: ${JSON.stringify(cache.nearCacheStats())}`);
  });
}

describe.each(['ioredis', 'iovalkey'] as const)('near cache on a cluster (%s)', (driver) => {
  it('holds values of keys on every node, and drops each when another client writes it', async () => {
    const cache = nearCache(driver);
    const raw = rawCluster();
    await trackingOn(cache);
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    await cache.setMany(Object.fromEntries(keys.map((key, i) => [key, { i }])));
    for (const key of keys) await cache.get(key);
    const hits = cache.nearCacheStats()!.hits;
    for (const key of keys) expect(await cache.get(key)).toEqual({ i: Number(key.slice(1)) });
    expect(cache.nearCacheStats()!.hits).toBe(hits + keys.length);

    for (const key of keys) await raw.set(cache.makeKey(key), JSON.stringify({ i: -1 }));
    await until(async () => {
      for (const key of keys) if (((await cache.get(key)) as { i: number }).i !== -1) return false;
      return true;
    }, 3000);
    expect(cache.nearCacheStats()!.invalidations).toBeGreaterThanOrEqual(keys.length);
  });

  it('reads its own writes at once on every node', async () => {
    const cache = nearCache(driver);
    await trackingOn(cache);
    for (let n = 0; n < 20; n++) {
      const key = `own${n % 7}`;
      await cache.set(key, n);
      expect(await cache.get(key)).toBe(n);
      expect(await cache.get(key)).toBe(n);
    }
  });
});

describe('near cache on a cluster, across processes', () => {
  it('a reader never returns a value older than the previous write once 50 ms have passed', async () => {
    const cache = nearCache('ioredis');
    await trackingOn(cache);
    const keys = ['a', 'b', 'c', 'd'].map((name) => cache.makeKey(name));
    for (const name of ['a', 'b', 'c', 'd']) await cache.set(name, 0);
    const [seed] = getTestServers().cluster.primaries;
    const writes = 150;
    // Process B: writes 1..N to each of four keys (on different nodes, most likely).
    const script = `
      const { Cluster } = require('ioredis');
      const r = new Cluster([{ host: ${JSON.stringify(seed!.host)}, port: ${seed!.port} }]);
      const keys = ${JSON.stringify(keys)};
      (async () => {
        for (let n = 1; n <= ${writes}; n++) {
          await Promise.all(keys.map((k) => r.set(k, String(n))));
          process.stdout.write(n + ' ' + (performance.timeOrigin + performance.now()) + '\\n');
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await r.quit();
      })();`;
    const child = spawn(process.execPath, ['-e', script], {
      cwd: new URL('..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const written: number[] = [0];
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const [n, at] = buffer.slice(0, newline).split(' ');
        written[Number(n)] = Number(at);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
    });
    let done = false;
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    void exited.then(() => {
      done = true;
    });
    let reads = 0;
    let violations = 0;
    let worstMs = 0;
    while (!done) {
      for (const name of ['a', 'b', 'c', 'd']) {
        const n = (await cache.get(name)) as number;
        const at = performance.timeOrigin + performance.now();
        reads++;
        // Every write completed 50 ms or more before this read must be visible.
        let mustSee = 0;
        for (let i = written.length - 1; i > 0; i--) {
          if (written[i] !== undefined && written[i]! <= at - 50) {
            mustSee = i;
            break;
          }
        }
        if (n < mustSee) violations++;
        const next = written[n + 1];
        if (next !== undefined && next < at) worstMs = Math.max(worstMs, at - next);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(await exited).toBe(0);
    console.log(
      `near cache on a cluster, across processes: ${reads} reads, ${writes} writes × 4 keys, worst staleness ${worstMs.toFixed(1)} ms, hits ${cache.nearCacheStats()!.hits}`,
    );
    expect(violations).toBe(0);
    expect(cache.nearCacheStats()!.hits).toBeGreaterThan(reads / 2);
  });
});

describe('near cache and replica reads', () => {
  it('a cluster transport reading from replicas refuses to track (nothing is kept)', async () => {
    const cache = createCache({
      transport: createClusterTransport({
        location: getTestServers().cluster.url,
        readFrom: 'replica',
      }),
      codec: createCodec(),
      keyPrefix: randomPrefix(),
      nearCache: true,
    });
    opened.push(cache);
    await cache.set('k', 1);
    expect(await cache.get('k')).toBe(1);
    expect(await cache.get('k')).toBe(1);
    const stats = cache.nearCacheStats()!;
    expect(stats.tracking).toBe(false);
    expect(stats.hits).toBe(0);
    expect(stats.lastError).toMatch(/readFrom: 'replica'/);
  });
});
