import { spawn } from 'node:child_process';
import { createCodec } from '@cachex/codecs';
import { type Cache, createCache } from '@cachex/core';
import { getTestServers, randomPrefix, startRedisServer, until } from '@cachex/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createStandaloneTransport } from '../src/index.js';

// The near cache on a standalone server: values held in process, kept coherent by the server's
// invalidation messages (CLIENT TRACKING with a redirect to a subscriber connection).

const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((c) => c.close()));
});

function nearCache(driver: 'ioredis' | 'iovalkey' = 'ioredis', prefix = randomPrefix()): Cache {
  const { url } = getTestServers().standalone;
  const cache = createCache({
    transport: createStandaloneTransport({ location: url, driver }),
    codec: createCodec(),
    keyPrefix: prefix,
    nearCache: { maxEntries: 1000, ttl: 30 },
  });
  opened.push(cache);
  return cache;
}

function rawClient(): Redis {
  const { host, port } = getTestServers().standalone;
  const client = new Redis({ host, port, protocol: 2 });
  opened.push({ close: () => client.quit() });
  return client;
}

/** Waits until the server tracks the cache's reads (set up in the background by the first get). */
async function trackingOn(cache: Cache): Promise<void> {
  await cache.get('warm-up');
  await until(() => cache.nearCacheStats()?.tracking === true, 5000);
}

describe.each(['ioredis', 'iovalkey'] as const)('near cache (%s)', (driver) => {
  it('serves a value it holds without a round trip, and drops it when another client writes', async () => {
    const cache = nearCache(driver);
    const raw = rawClient();
    await trackingOn(cache);
    await cache.set('user', { name: 'Ada', visits: 1 });
    expect(await cache.get('user')).toEqual({ name: 'Ada', visits: 1 });
    const before = cache.nearCacheStats()!;
    const hitsBefore = before.hits;
    // Held now: the next gets do not reach the server.
    const calls = Number((await raw.info('stats')).match(/total_commands_processed:(\d+)/)![1]);
    for (let i = 0; i < 50; i++)
      expect(await cache.get('user')).toEqual({ name: 'Ada', visits: 1 });
    const callsAfter = Number(
      (await raw.info('stats')).match(/total_commands_processed:(\d+)/)![1],
    );
    expect(callsAfter - calls).toBeLessThanOrEqual(2); // the two INFO calls themselves
    expect(cache.nearCacheStats()!.hits).toBe(hitsBefore + 50);

    // Another client changes the value: the server says so, and the next get reads it.
    await raw.set(cache.makeKey('user'), JSON.stringify({ name: 'Ada', visits: 2 }));
    await until(async () => ((await cache.get('user')) as { visits: number }).visits === 2, 2000);
    expect(cache.nearCacheStats()!.invalidations).toBeGreaterThanOrEqual(1);
  });

  it('reads its own writes at once, and values it hands out are frozen', async () => {
    const cache = nearCache(driver);
    await trackingOn(cache);
    await cache.set('k', { n: 1, list: [1, 2] });
    const first = (await cache.get('k')) as { n: number; list: number[] };
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.list)).toBe(true);
    expect(() => {
      (first as { n: number }).n = 99;
    }).toThrow(TypeError);
    for (let n = 2; n <= 20; n++) {
      await cache.set('k', { n, list: [] });
      expect(((await cache.get('k')) as { n: number }).n).toBe(n);
      await cache.incr('counter');
      expect(await cache.get('counter')).toBe(n - 1);
    }
    await cache.delete('k');
    expect(await cache.get('k')).toBeUndefined();
    await cache.setMany({ a: 1, b: 2 });
    expect(await cache.get('a')).toBe(1);
    await cache.setMany({ a: 3 });
    expect(await cache.get('a')).toBe(3);
  });

  it('a default for a missing key is never held as its value', async () => {
    const cache = nearCache(driver);
    await trackingOn(cache);
    expect(await cache.get('absent', { default: 'fallback' })).toBe('fallback');
    expect(await cache.get('absent', { default: 'fallback' })).toBe('fallback');
    expect(await cache.get('absent')).toBeUndefined();
    await expect(cache.get('absent', 5 as never)).rejects.toThrow(/options must be an object/);
  });

  it('a value is not served after its key expires on the server', async () => {
    const cache = nearCache(driver);
    await trackingOn(cache);
    await cache.set('short', 'soon gone', { timeout: 0.3 });
    expect(await cache.get('short')).toBe('soon gone');
    expect(await cache.get('short')).toBe('soon gone');
    expect(cache.nearCacheStats()!.hits).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await cache.get('short')).toBeUndefined();
  });

  it('a key another client deletes is dropped', async () => {
    const cache = nearCache(driver);
    const raw = rawClient();
    await trackingOn(cache);
    await cache.set('x', 'value');
    expect(await cache.get('x')).toBe('value');
    await raw.del(cache.makeKey('x'));
    await until(async () => (await cache.get('x')) === undefined, 2000);
  });

  it('killing the subscriber connection empties it; tracking comes back and values stay right', async () => {
    const cache = nearCache(driver);
    const raw = rawClient();
    await trackingOn(cache);
    await cache.set('v', 1);
    expect(await cache.get('v')).toBe(1);
    const flushes = cache.nearCacheStats()!.flushes;
    // The subscriber is the connection named cachex:invalidations (its CLIENT SETNAME).
    const list = String(await raw.client('LIST'));
    const ids = [...list.matchAll(/id=(\d+) [^\n]*name=cachex:invalidations/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThanOrEqual(1);
    for (const id of ids) await raw.client('KILL', 'ID', id);
    await until(() => cache.nearCacheStats()!.flushes > flushes, 2000);
    // Writes meanwhile are seen; then tracking is back and a write by another client is too.
    await raw.set(cache.makeKey('v'), '2');
    expect(await cache.get('v')).toBe(2);
    await until(() => cache.nearCacheStats()!.tracking, 5000);
    expect(await cache.get('v')).toBe(2);
    expect(await cache.get('v')).toBe(2);
    await raw.set(cache.makeKey('v'), '3');
    await until(async () => (await cache.get('v')) === 3, 2000);
  });
});

describe('near caches sharing one transport', () => {
  it('two caches on one connection both stay coherent (one tracking setup serves both)', async () => {
    const { url } = getTestServers().standalone;
    const transport = createStandaloneTransport({ location: url });
    const make = () =>
      createCache({ transport, codec: createCodec(), keyPrefix: randomPrefix(), nearCache: true });
    const first = make();
    const second = make();
    opened.push(second, first);
    const raw = rawClient();
    await trackingOn(first);
    await trackingOn(second);
    for (const cache of [first, second]) {
      await cache.set('k', 1);
      expect(await cache.get('k')).toBe(1);
      expect(await cache.get('k')).toBe(1);
    }
    for (const cache of [first, second]) await raw.set(cache.makeKey('k'), '2');
    for (const cache of [first, second]) {
      await until(async () => (await cache.get('k')) === 2, 2000);
    }
    // A third cache asking for the broadcasting mode cannot share the connection's tracking:
    // refused, it holds nothing and says why.
    const third = createCache({
      transport,
      codec: createCodec(),
      keyPrefix: randomPrefix(),
      nearCache: { broadcast: true },
    });
    await third.set('k', 1);
    expect(await third.get('k')).toBe(1);
    expect(await third.get('k')).toBe(1);
    expect(third.nearCacheStats()).toMatchObject({ hits: 0, tracking: false });
    expect(third.nearCacheStats()!.lastError).toMatch(/must track the same way/);
  });
});

describe('near cache and FLUSHDB', () => {
  it('a FLUSHDB by another client empties it (the server sends a null invalidation)', async () => {
    // A private server: FLUSHDB is never sent to the shared test server.
    const server = await startRedisServer({ name: 'near-cache-flush' });
    opened.push({ close: () => server.stop() });
    const cache = createCache({
      transport: createStandaloneTransport({ location: server.url }),
      codec: createCodec(),
      keyPrefix: randomPrefix(),
      nearCache: true,
    });
    opened.unshift(cache);
    await trackingOn(cache);
    await cache.setMany({ a: 1, b: 2 });
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('b')).toBe(2);
    expect(cache.nearCacheStats()!.entries).toBe(2);
    const flushes = cache.nearCacheStats()!.flushes;
    const raw = new Redis({ host: server.host, port: server.port });
    await raw.flushdb();
    await raw.quit();
    await until(() => cache.nearCacheStats()!.flushes > flushes, 2000);
    expect(cache.nearCacheStats()!.entries).toBe(0);
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('b')).toBeUndefined();
  });
});

describe('near cache in broadcasting mode', () => {
  it('the server tracks the key prefix (BCAST), and changes by another client are seen', async () => {
    const { url } = getTestServers().standalone;
    const prefix = randomPrefix();
    const transport = createStandaloneTransport({ location: url });
    const cache = createCache({
      transport,
      codec: createCodec(),
      keyPrefix: prefix,
      nearCache: { broadcast: true },
    });
    opened.push(cache);
    const raw = rawClient();
    await trackingOn(cache);
    // The data connection's tracking: broadcasting, for the cache's prefix only.
    const info = (await (
      transport.getClient() as unknown as { call(...args: string[]): Promise<unknown[]> }
    ).call('CLIENT', 'TRACKINGINFO')) as unknown[];
    const field = (name: string): unknown => info[info.indexOf(name) + 1];
    expect((field('flags') as string[]).map(String)).toContain('bcast');
    expect((field('prefixes') as string[]).map(String)).toEqual([`${prefix}:`]);

    await cache.set('b', 'one');
    expect(await cache.get('b')).toBe('one');
    expect(await cache.get('b')).toBe('one');
    await raw.set(cache.makeKey('b'), JSON.stringify('two'));
    await until(async () => (await cache.get('b')) === 'two', 2000);
    expect(cache.nearCacheStats()!.invalidations).toBeGreaterThanOrEqual(1);
  });
});

describe('near cache across processes', () => {
  it('a reader never returns a value older than the previous write once 50 ms have passed', async () => {
    const prefix = randomPrefix();
    const cache = nearCache('ioredis', prefix);
    await trackingOn(cache);
    await cache.set('seq', 0);
    const { host, port } = getTestServers().standalone;
    const key = cache.makeKey('seq');
    // Process B: writes 1..N with raw ioredis, printing the time of each write.
    const writes = 200;
    const script = `
      const { Redis } = require('ioredis');
      const r = new Redis({ host: ${JSON.stringify(host)}, port: ${port} });
      (async () => {
        for (let n = 1; n <= ${writes}; n++) {
          await r.set(${JSON.stringify(key)}, String(n));
          process.stdout.write(n + ' ' + performance.timeOrigin + performance.now() + '\\n');
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await r.quit();
      })();`;
    const child = spawn(process.execPath, ['-e', script], {
      cwd: new URL('..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const written: { n: number; at: number }[] = [];
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const [n, at] = buffer.slice(0, newline).split(' ');
        written.push({ n: Number(n), at: Number(at) });
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let done = false;
    void exited.then(() => {
      done = true;
    });
    // Process A (this one): reads in a tight loop, recording what it saw and when. A hit never
    // leaves the microtask queue, so the loop lets the event loop turn between reads (as any
    // server does between requests): invalidations arrive as I/O.
    const seen: { n: number; at: number }[] = [];
    while (!done) {
      const n = (await cache.get('seq')) as number;
      seen.push({ n, at: performance.timeOrigin + performance.now() });
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(await exited).toBe(0);
    expect(written.length).toBe(writes);
    // Worst staleness: for each read, the newest write at least 50 ms older must be visible.
    let violations = 0;
    let worstMs = 0;
    let w = 0;
    for (const read of seen) {
      while (w + 1 < written.length && written[w + 1]!.at <= read.at) w++;
      // Writes the read must reflect: those 50 ms or more before it.
      let mustSee = 0;
      for (let i = w; i >= 0; i--) {
        if (written[i]!.at <= read.at - 50) {
          mustSee = written[i]!.n;
          break;
        }
      }
      if (read.n < mustSee) violations++;
      // How long ago the write after the value returned happened (0 if none yet).
      const next = written.find((x) => x.n === read.n + 1);
      if (next !== undefined && next.at < read.at) worstMs = Math.max(worstMs, read.at - next.at);
    }
    console.log(
      `near cache across processes: ${seen.length} reads, ${writes} writes, worst staleness ${worstMs.toFixed(1)} ms, hits ${cache.nearCacheStats()!.hits}`,
    );
    expect(violations).toBe(0);
    expect(cache.nearCacheStats()!.hits).toBeGreaterThan(seen.length / 2);
  });
});
