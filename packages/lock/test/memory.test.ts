import { setTimeout as delay } from 'node:timers/promises';
import { createCodec } from '@cachex/codecs';
import {
  type Cache,
  createCache,
  InvalidArgumentError,
  InvalidKeyError,
  NotSupportedError,
} from '@cachex/core';
import { closeAfterEach, randomPrefix, until } from '@cachex/testing';
import { createDummyTransport, createMemoryTransport, MemoryStore } from '@cachex/transport-memory';
import { describe, expect, it } from 'vitest';
import {
  createLock,
  LockAbortedError,
  type LockCache,
  LockNotOwnedError,
  withLock,
} from '../src/index.js';
import { describeLockBehaviour, raw, rejection } from './behaviour.js';

const closers = closeAfterEach();

function memoryCache(store: MemoryStore, prefix: string): Cache {
  return closers.cache(createMemoryTransport({ store }), prefix).cache;
}

describeLockBehaviour('memory', () => {
  const store = new MemoryStore();
  closers.add(async () => store.close());
  const prefix = randomPrefix({ spread: true });
  return { cache: memoryCache(store, prefix), another: () => memoryCache(store, prefix) };
});

describe('lock on memory only', () => {
  it('expiry on a moved clock: the stale holder is refused, the next holder has a higher token', async () => {
    let now = Date.now();
    const transport = createMemoryTransport({ now: () => now, sweepIntervalMs: 0 });
    const { cache } = closers.cache(transport);
    const a = createLock(cache, 'job', { timeout: 30 });
    const b = createLock(cache, 'job', { timeout: 30, blocking: false });
    const tokenA = (await a.acquire()) as number;
    expect(await b.acquire()).toBe(false);
    now += 30_001;
    expect(await a.owned()).toBe(false);
    const tokenB = (await b.acquire()) as number;
    expect(tokenB).toBeGreaterThan(tokenA);
    await expect(a.release()).rejects.toMatchObject({ context: { reason: 'other-holder' } });
    expect(await b.owned()).toBe(true);
    now += 20_000;
    await b.extend(30); // 10 s left + 30 s
    now += 39_000;
    expect(await b.owned()).toBe(true);
    now += 1_001;
    await expect(b.extend(1)).rejects.toMatchObject({ context: { reason: 'missing' } });
  });

  it('an attempt in flight when the signal aborts is undone: nothing stays held', async () => {
    const { cache } = closers.cache(createMemoryTransport());
    // Every reply takes 50 ms to come back, like a slow network.
    let sent = 0;
    let answered = 0;
    const slow: LockCache = {
      makeKey: (key, version) => cache.makeKey(key, version),
      run: async (build) => {
        sent++;
        const reply = await cache.run(build);
        await delay(50);
        answered++;
        return reply;
      },
    };
    const lock = createLock(slow, 'job', { timeout: 5 });
    const controller = new AbortController();
    const acquiring = lock.acquire({ signal: controller.signal });
    await until(() => sent === 1);
    controller.abort();
    const error = await rejection(acquiring);
    expect(error).toBeInstanceOf(LockAbortedError);
    expect(answered).toBe(0); // rejected at once, not when the reply came
    // The SET NX did happen; the release follows once its reply is in.
    await until(async () => answered === 2 && !(await createLock(cache, 'job').locked()));
    expect(lock.fencingToken).toBeUndefined();
    await expect(lock.release()).rejects.toBeInstanceOf(LockNotOwnedError);
  });

  it('stored keys: the user key is hash-tagged unless the stored key has a tag already', async () => {
    const store = new MemoryStore();
    closers.add(async () => store.close());
    const plain = memoryCache(store, 'app');
    expect(createLock(plain, 'job').keys).toEqual({
      lock: 'app:1:{job}',
      fence: 'app:1:{job}:fence',
    });
    expect(createLock(plain, '{user42}:lock').keys).toEqual({
      lock: 'app:1:{user42}:lock',
      fence: 'app:1:{user42}:lock:fence',
    });
    expect(createLock(plain, 'job', { version: 3 }).keys.lock).toBe('app:3:{job}');
    const tagged = memoryCache(store, '{app}');
    expect(createLock(tagged, 'job').keys).toEqual({
      lock: '{app}:1:job',
      fence: '{app}:1:job:fence',
    });
    // The stored key is visible as the tagged user key.
    const lock = createLock(plain, 'job', { timeout: 5 });
    await lock.acquire();
    expect(await plain.ttl('{job}')).toBeGreaterThan(0);
    expect(Number(await raw(plain, 'GET', lock.keys.fence))).toBe(1);
    await lock.release();
  });

  it('refuses bad options and keys before any I/O', () => {
    const { cache } = closers.cache(createMemoryTransport(), randomPrefix({ spread: true }));
    const bad: [string, object][] = [
      ['timeout', { timeout: 0 }],
      ['timeout', { timeout: -1 }],
      ['timeout', { timeout: '5' }],
      ['sleep', { sleep: -0.1 }],
      ['sleep', { sleep: Number.NaN }],
      ['blocking', { blocking: 'yes' }],
      ['blockingTimeout', { blockingTimeout: -1 }],
    ];
    for (const [option, options] of bad) {
      let error: unknown;
      try {
        createLock(cache, 'job', options);
      } catch (e) {
        error = e;
      }
      expect(error, option).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).context.option).toBe(option);
    }
    expect(() => createLock(cache, 'job', 5 as never)).toThrow(InvalidArgumentError);
    expect(() => createLock(cache, 'job', { version: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => createLock(cache, 'bad\nkey')).toThrow(InvalidKeyError);
    // A key that cannot be given a tag of its own (`{}job}` has an empty tag).
    expect(() => createLock(cache, '}job')).toThrow(/one cluster hash slot/);
  });

  it('extend validates its arguments; withLock needs a timeout to auto-extend', async () => {
    const { cache } = closers.cache(createMemoryTransport());
    const lock = createLock(cache, 'job', { timeout: 1 });
    await lock.acquire();
    await expect(lock.extend(Number.NaN)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(lock.extend(-1)).rejects.toBeInstanceOf(InvalidArgumentError);
    await lock.release();
    await expect(withLock(cache, 'job', () => 1, { autoExtend: true })).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
      context: { option: 'autoExtend' },
    });
    expect(await createLock(cache, 'job').locked()).toBe(false);
  });

  it('works on a cache made with createCache directly', async () => {
    const transport = createMemoryTransport();
    closers.add(() => transport.close());
    const cache = createCache({ transport, codec: createCodec() });
    const lock = createLock(cache, 'job', { timeout: 1 });
    expect(await lock.acquire()).toBe(1);
    expect(lock.keys.lock).toBe(':1:{job}');
    await lock.release();
  });
});

describe('lock on the dummy transport (caching off)', () => {
  it('refuses to acquire, before withLock runs its function: nothing kept would exclude nobody', async () => {
    const { cache } = closers.cache(createDummyTransport());
    const lock = createLock(cache, 'job', { timeout: 10 });
    await expect(lock.acquire()).rejects.toBeInstanceOf(NotSupportedError);
    await expect(lock.acquire()).rejects.toThrow(/dummy/);
    let ran = false;
    await expect(
      withLock(cache, 'job', () => {
        ran = true;
      }),
    ).rejects.toBeInstanceOf(NotSupportedError);
    expect(ran).toBe(false);
  });
});
