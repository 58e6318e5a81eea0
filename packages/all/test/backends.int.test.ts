import { createRequire } from 'node:module';
import { Cache, ClosedError, NotSupportedError } from '@cachex/core';
import { randomPrefix } from '@cachex/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type CachexCache, createCache } from '../src/index.js';
import { backendCases } from './backend-cases.js';

const require = createRequire(import.meta.url);

// Closed after each test, also when an assertion failed midway.
const opened: CachexCache[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((cache) => cache.close()));
});

const BUMP = "return redis.call('INCRBY', KEYS[1], ARGV[1])";

/** The client class the driver exports for a transport (`Cluster` for a cluster). */
function clientClass(driver: 'ioredis' | 'iovalkey', transport: string): unknown {
  const module = require(driver) as Record<string, unknown>;
  return module[transport === 'cluster' ? 'Cluster' : 'Redis'];
}

describe.each(backendCases())('createCache: $label', (entry) => {
  it('builds the backend’s transport and runs get/set, a lock and a script', async () => {
    const [config, options] = entry.args();
    const keyPrefix = randomPrefix();
    const cache = createCache(
      typeof config === 'object' ? { ...config, keyPrefix } : config,
      options,
    );
    opened.push(cache);

    expect(cache).toBeInstanceOf(Cache);
    expect(cache.context.transport.name).toBe(entry.transport);
    if (entry.driver !== undefined) {
      expect(cache.getClient()).toBeInstanceOf(clientClass(entry.driver, entry.transport));
    }

    // Random names: the URL cases cannot set a key prefix of their own.
    const id = randomPrefix();
    const dummy = entry.backend === 'dummy';
    await expect(cache.set(`${id}:user`, { name: 'Ada' })).resolves.toBe(true);
    await expect(cache.get(`${id}:user`)).resolves.toEqual(dummy ? undefined : { name: 'Ada' });

    const lock = cache.lock(`${id}:report`, { timeout: 10 });
    if (dummy) {
      // Nothing is kept, not even a lock's key: a lock would exclude nobody, so it is refused.
      await expect(lock.acquire()).rejects.toBeInstanceOf(NotSupportedError);
    } else {
      await expect(lock.acquire()).resolves.toBeGreaterThan(0);
      expect(await lock.owned()).toBe(true);
      await lock.release();
      expect(await lock.owned()).toBe(false);
    }
    const job = cache.withLock(`${id}:job`, ({ fencingToken }) => fencingToken, { timeout: 10 });
    if (dummy) await expect(job).rejects.toBeInstanceOf(NotSupportedError);
    else await expect(job).resolves.toBeGreaterThan(0);

    const info = cache.registerScript('bump', BUMP, {
      numKeys: 1,
      local: ({ keys, args, call }) => call('INCRBY', keys[0]!, args[0]!),
    });
    expect(info.name).toBe('bump');
    await expect(cache.evalScript('bump', { keys: [`${id}:hits`], args: [5] })).resolves.toBe(5);
    await expect(cache.evalScript('bump', { keys: [`${id}:hits`], args: [2] })).resolves.toBe(
      dummy ? 2 : 7,
    );

    await cache.delete(`${id}:hits`);
    await cache.close();
    await expect(cache.get(`${id}:user`)).rejects.toBeInstanceOf(ClosedError);
    await expect(cache.get(`${id}:user`)).rejects.toMatchObject({ code: 'E_CLOSED' });
  });
});
