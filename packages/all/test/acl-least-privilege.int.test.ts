import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type RedisServerHandle, startRedisServer } from '@cachex/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type CachexCache,
  CommandError,
  createCache,
  isCachexError,
  NoPermissionError,
} from '../src/index.js';

// The cache runs as an ACL user restricted to its own key prefix and to the commands it needs,
// the rules docs/security.md documents (read from there, so page and test cannot drift apart):
// every method below works, and anything outside (FLUSHDB, another prefix, a command a script
// is not allowed) fails with a typed NoPermissionError.

const page = readFileSync(new URL('../../../docs/security.md', import.meta.url), 'utf8');

/** The rules of the `user myapp on >… <rules>` line of docs/security.md, after the password. */
function documentedRules(): string[] {
  const line = page.split('\n').find((l) => l.startsWith('user myapp on >'));
  if (line === undefined) throw new Error('docs/security.md has no "user myapp on >…" line');
  return line.trim().split(/\s+/).slice(4);
}

const rules = documentedRules();
const password = `acl-${randomBytes(8).toString('hex')}`;
let server: RedisServerHandle;

beforeAll(async () => {
  server = await startRedisServer({
    name: 'acl-least-privilege',
    users: [
      // The harness's own user (for checks), then the application's.
      { username: 'admin', password: `admin-${randomBytes(8).toString('hex')}` },
      { username: 'myapp', password, rules },
    ],
  });
});
afterAll(async () => {
  await server?.stop();
});

const opened: CachexCache[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((cache) => cache.close()));
  vi.restoreAllMocks();
});

function cacheAs(driver: 'ioredis' | 'iovalkey', keyPrefix = 'myapp'): CachexCache {
  const cache = createCache({
    location: `redis://myapp:${encodeURIComponent(password)}@${server.host}:${server.port}/0`,
    keyPrefix,
    driver,
    socketTimeout: 2,
    socketConnectTimeout: 2,
  });
  opened.push(cache);
  return cache;
}

async function expectNoPermission(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NoPermissionError);
  expect(error).toBeInstanceOf(CommandError);
  expect(isCachexError(error, 'E_NO_PERMISSION')).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

describe('a cache as a user restricted to its prefix (the ACL of docs/security.md)', () => {
  it('the documented rules are the narrow ones: own keys, no channels, listed commands', () => {
    expect(rules).toContain('~myapp:*');
    expect(rules).toContain('resetchannels');
    expect(rules).toContain('-@all');
    expect(
      rules.filter((r) => r.startsWith('+@') || r.startsWith('~') || r.startsWith('&')),
    ).toEqual(['~myapp:*']);
  });

  for (const driver of ['ioredis', 'iovalkey'] as const) {
    it(`every method the cache needs works (${driver})`, async () => {
      const warn = vi.spyOn(console, 'warn');
      const cache = cacheAs(driver);
      await cache.clear();
      expect(await cache.set('a', 1, { timeout: 60 })).toBe(true);
      expect(await cache.get('a')).toBe(1);
      expect(await cache.add('a', 2)).toBe(false);
      expect(await cache.has('a')).toBe(true);
      await cache.setMany({ x: 1, y: 2 });
      await cache.setMany({ x: 1, y: 2 }, { timeout: 60 });
      expect(await cache.getMany(['x', 'y', 'z'])).toEqual(
        new Map([
          ['x', 1],
          ['y', 2],
        ]),
      );
      expect(await cache.incr('n')).toBe(1);
      expect(await cache.decr('n', 3)).toBe(-2);
      expect(await cache.expire('n', 60)).toBe(true);
      expect(await cache.ttl('n')).toBeGreaterThan(0);
      expect(await cache.persist('n')).toBe(true);
      expect(await cache.touch('n', { timeout: 30 })).toBe(true);
      expect(await cache.getOrSet('g', () => 'made')).toBe('made');
      // Stampede options: GET+PTTL, the flight lock (SET NX PX, compare-and-delete script).
      const guarded = await cache.getOrSet('h', () => 'guarded', {
        grace: 30,
        singleFlight: 'cluster',
        earlyRefresh: true,
        meta: true,
      });
      expect(guarded).toMatchObject({ value: 'guarded', status: 'miss' });
      expect(await cache.getOrSet('h', () => 'other', { grace: 30, meta: true })).toMatchObject({
        value: 'guarded',
        status: 'hit',
      });
      expect([...(await cache.getManyOrSet(['h', 'm'], () => ({ m: 1 }), { grace: 30 }))]).toEqual([
        ['h', 'guarded'],
        ['m', 1],
      ]);
      await cache.deleteMany(['h', 'm']);
      expect((await cache.keys('*')).sort()).toEqual(['a', 'g', 'n', 'x', 'y']);
      expect(await cache.delete('g')).toBe(true);
      await cache.deleteMany(['x']);
      expect(await cache.deletePattern('y*')).toBe(1);

      // Locks: two keys under the prefix, myapp:1:{job} and myapp:1:{job}:fence.
      const lock = cache.lock('job', { timeout: 5 });
      expect(await lock.acquire()).toBeGreaterThan(0);
      expect(await lock.locked()).toBe(true);
      expect(await lock.owned()).toBe(true);
      await lock.extend(5);
      await lock.release();
      expect(await cache.withLock('job', async () => 'done')).toBe('done');

      // Scripts: EVALSHA, SCRIPT LOAD when the server lacks one; its own calls need their rules.
      cache.registerScript('read', "return redis.call('GET', KEYS[1])", { numKeys: 1 });
      expect(await cache.evalScript('read', { keys: ['a'] })).not.toBeNull();

      expect(await cache.clear()).toBeGreaterThan(0);
      expect(await cache.keys('*')).toEqual([]);
      // With INFO allowed, the driver's ready check runs (no "Skipping the ready check" warning).
      expect(warn).not.toHaveBeenCalled();
    });
  }

  it('flushDb fails with NoPermissionError, and nothing is flushed', async () => {
    await server.command('SET', 'other:1:kept', 'x');
    for (const driver of ['ioredis', 'iovalkey'] as const) {
      const cache = cacheAs(driver);
      await cache.set('k', 1);
      await expectNoPermission(cache.flushDb(), /flushdb/i);
      expect(await cache.get('k')).toBe(1);
      await cache.clear();
    }
    expect(await server.command('GET', 'other:1:kept')).toBe('x');
  });

  it("another prefix's keys are out of reach; clear() leaves them alone", async () => {
    await server.command('SET', 'other:1:k', 'theirs');
    for (const driver of ['ioredis', 'iovalkey'] as const) {
      const outsider = cacheAs(driver, 'other');
      await expectNoPermission(outsider.set('k', 1), /NOPERM/);
      await expectNoPermission(outsider.get('k'), /NOPERM/);
      const own = cacheAs(driver);
      await own.set('k', 1);
      await own.clear();
    }
    expect(await server.command('GET', 'other:1:k')).toBe('theirs');
  });

  it('a script calling a command the user may not run fails with NoPermissionError', async () => {
    const cache = cacheAs('ioredis');
    cache.registerScript('hash', "return redis.call('HSET', KEYS[1], 'f', 'v')", { numKeys: 1 });
    await expectNoPermission(cache.evalScript('hash', { keys: ['h'] }), /script/);
  });

  it('NoPermissionError is not swallowed by ignoreExceptions (only connection failures are)', async () => {
    const cache = createCache({
      location: `redis://myapp:${encodeURIComponent(password)}@${server.host}:${server.port}/0`,
      keyPrefix: 'other',
      ignoreExceptions: true,
    });
    opened.push(cache);
    await expectNoPermission(cache.get('k'), /NOPERM/);
  });
});
