import { randomBytes } from 'node:crypto';
import { ClosedError, ConfigError } from '@cachex/core';
import { getTestServers, randomPrefix, runAdminCommand, until } from '@cachex/testing';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { type Caches, type CachexCache, createCaches, resolveCachesConfig } from '../src/index.js';

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((caches) => caches.close()));
});

function track<T extends { close(): Promise<void> }>(caches: T): T {
  opened.push(caches);
  return caches;
}

/** Connections to the standalone server named `name`. */
async function connectionsNamed(name: string): Promise<number> {
  const list = String(await runAdminCommand(getTestServers().standalone, 'CLIENT', 'LIST'));
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
}

/** default and sessions on one server (different prefixes, codecs, timeouts), archive on db 1. */
function threeCaches(connectionName: string) {
  const location = getTestServers().standalone.url;
  const clientOptions = { connectionName };
  return track(
    createCaches({
      default: { location, keyPrefix: randomPrefix(), clientOptions },
      sessions: {
        location,
        keyPrefix: randomPrefix(),
        version: 2,
        timeout: 3600,
        serializer: 'msgpack',
        clientOptions,
      },
      archive: { location, db: 1, keyPrefix: randomPrefix(), clientOptions },
    }),
  );
}

describe('createCaches', () => {
  it('shares one transport between caches with the same connection settings', async () => {
    const name = `cx-all-${randomBytes(4).toString('hex')}`;
    const caches = threeCaches(name);
    expect(caches.aliases).toEqual(['default', 'sessions', 'archive']);
    expect(caches.default.getClient()).toBe(caches.sessions.getClient());
    expect(caches.archive.getClient()).not.toBe(caches.default.getClient());

    await caches.default.set('k', 'default');
    await caches.sessions.set('k', 'sessions');
    await caches.archive.set('k', 'archive');
    await expect(caches.default.get('k')).resolves.toBe('default');
    await expect(caches.sessions.get('k')).resolves.toBe('sessions');
    await expect(caches.archive.get('k')).resolves.toBe('archive');
    // One connection for default + sessions, one for archive.
    expect(await connectionsNamed(name)).toBe(2);

    await Promise.all(
      [caches.default, caches.sessions, caches.archive].map((cache) => cache.delete('k')),
    );
  });

  it('keeps a shared transport open until its last cache closes', async () => {
    const name = `cx-all-${randomBytes(4).toString('hex')}`;
    const caches = threeCaches(name);
    await caches.default.set('k', 1);
    await caches.archive.set('k', 1);

    await caches.default.close();
    await caches.default.close(); // once only: sessions keeps its reference
    await expect(caches.default.get('k')).rejects.toBeInstanceOf(ClosedError);
    await expect(caches.sessions.set('k', 2)).resolves.toBe(true);
    await expect(caches.sessions.get('k')).resolves.toBe(2);
    expect(await connectionsNamed(name)).toBe(2);

    await caches.sessions.delete('k');
    await caches.sessions.close();
    await expect(caches.sessions.get('k')).rejects.toMatchObject({ code: 'E_CLOSED' });
    await until(async () => (await connectionsNamed(name)) === 1);
    await expect(caches.archive.get('k')).resolves.toBe(1);
    await caches.archive.delete('k');
  });

  it('close() closes every cache, once', async () => {
    const name = `cx-all-${randomBytes(4).toString('hex')}`;
    const caches = threeCaches(name);
    await caches.default.set('k', 1);
    await caches.archive.set('k', 1);
    await Promise.all([caches.default.delete('k'), caches.archive.delete('k')]);

    const closing = caches.close();
    expect(caches.close()).toBe(closing);
    await closing;
    for (const alias of caches.aliases) {
      await expect(caches.get(alias).get('k')).rejects.toBeInstanceOf(ClosedError);
      await expect(caches.get(alias).set('k', 1)).rejects.toMatchObject({ code: 'E_CLOSED' });
    }
    await until(async () => (await connectionsNamed(name)) === 0);
  });

  it('closes with await using', async () => {
    let kept: CachexCache | undefined;
    {
      await using caches = createCaches({ default: { backend: 'memory' } });
      kept = caches.default;
      await expect(kept.set('k', 1)).resolves.toBe(true);
    }
    await expect(kept.get('k')).rejects.toBeInstanceOf(ClosedError);
  });

  it('get(alias) returns the cache, or a ConfigError naming the alias and the known ones', () => {
    const caches = track(
      createCaches({ default: { backend: 'memory' }, sessions: { backend: 'memory' } }),
    );
    expect(caches.get('sessions')).toBe(caches.sessions);
    const attempt = () => caches.get('sesions');
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/"sesions".*default, sessions/);
    expect(Object.keys(caches)).toEqual(['default', 'sessions']);
  });

  it('compares functions in the settings by identity', () => {
    const location = getTestServers().standalone.url;
    const reconnectOnError = () => false;
    const caches = track(
      createCaches({
        a: { location, clientOptions: { reconnectOnError } },
        b: { location, clientOptions: { reconnectOnError } },
        c: { location, clientOptions: { reconnectOnError: () => false } },
      }),
    );
    expect(caches.a.getClient()).toBe(caches.b.getClient());
    expect(caches.c.getClient()).not.toBe(caches.a.getClient());
  });

  it('shares one store between memory caches with the same bounds', async () => {
    const caches = track(
      createCaches({
        default: { backend: 'memory', keyPrefix: 'a' },
        sessions: { backend: 'memory', keyPrefix: 'b' },
        bounded: { backend: 'memory', keyPrefix: 'a', maxEntries: 100 },
      }),
    );
    expect(caches.default.getClient()).toBe(caches.sessions.getClient());
    expect(caches.bounded.getClient()).not.toBe(caches.default.getClient());
    await caches.default.set('k', 'a');
    await caches.sessions.set('k', 'b');
    await expect(caches.default.get('k')).resolves.toBe('a');
    await expect(caches.sessions.get('k')).resolves.toBe('b');
    // Same prefix, other store: not visible.
    await expect(caches.bounded.get('k')).resolves.toBeUndefined();
  });

  it('takes a configuration file’s shape, resolved configurations, or a mix', async () => {
    const fromFile = track(
      createCaches({ caches: { default: { backend: 'memory' }, other: { backend: 'dummy' } } }),
    );
    expect(fromFile.aliases).toEqual(['default', 'other']);
    expect(fromFile.other.context.transport.name).toBe('dummy');

    const resolved = resolveCachesConfig({ main: { backend: 'memory', timeout: 5 } });
    const fromResolved = track(createCaches(resolved));
    expect(fromResolved.get('main').context.defaultTimeout).toBe(5);

    const mixed = track(
      createCaches({ main: resolved.main!, extra: { backend: 'memory', timeout: 9 } }),
    );
    expect(mixed.main.context.defaultTimeout).toBe(5);
    expect(mixed.extra.context.defaultTimeout).toBe(9);
  });

  it('without a configuration, gives { default } from the smart defaults', async () => {
    const caches = track(createCaches(undefined, { env: {}, environment: 'test' }));
    expect(caches.aliases).toEqual(['default']);
    expect(caches.default.context.transport.name).toBe('memory');
  });

  it('types the aliases of a literal configuration', () => {
    const caches = track(createCaches({ default: {}, sessions: { timeout: 60 } }));
    expectTypeOf(caches).toEqualTypeOf<Caches<'default' | 'sessions'>>();
    expectTypeOf(caches.sessions).toEqualTypeOf<CachexCache>();
    expectTypeOf(caches.aliases).toEqualTypeOf<readonly ('default' | 'sessions')[]>();
    expect(caches.sessions.context.defaultTimeout).toBe(60);
  });

  it('refuses an invalid configuration, naming the alias and the field', () => {
    expect(() => createCaches({ sessions: { timeout: 'long' as unknown as number } })).toThrow(
      /sessions.*timeout/,
    );
  });
});

describe('createCaches: health of caches that share a transport', () => {
  it('each cache reports the shared connection status and its events, and closed once released', async () => {
    const name = `cx-all-${randomBytes(4).toString('hex')}`;
    const caches = threeCaches(name);
    const { default: first, sessions } = caches;
    expect(first.getClient()).toBe(sessions.getClient());
    expect(first.status).toBe('connecting');
    const ready: string[] = [];
    first.on('ready', () => ready.push('default'));
    sessions.on('ready', () => ready.push('sessions'));
    await first.set('k', 1);
    expect(first.status).toBe('ready');
    expect(sessions.status).toBe('ready');
    await until(() => ready.length === 2);
    expect(ready.sort()).toEqual(['default', 'sessions']);
    // One cache closed: it says so; the other, still open on the same connection, is ready.
    await first.close();
    expect(first.status).toBe('closed');
    expect(sessions.status).toBe('ready');
  });
});

describe('createCaches: near caches that share a connection', () => {
  it('both stay coherent on one tracking setup, and the one left open stays so after the other closes', async () => {
    const location = getTestServers().standalone.url;
    const caches = track(
      createCaches({
        default: { location, keyPrefix: randomPrefix(), nearCache: true },
        sessions: { location, keyPrefix: randomPrefix(), nearCache: true },
      }),
    );
    const { default: first, sessions: second } = caches;
    expect(first.getClient()).toBe(second.getClient());
    const raw = first.getClient<{ set(key: string, value: string): Promise<unknown> }>();
    for (const cache of [first, second]) {
      await cache.get('warm-up');
      await until(() => cache.nearCacheStats()?.tracking === true);
      await cache.set('k', 1);
      expect(await cache.get('k')).toBe(1);
      expect(await cache.get('k')).toBe(1);
    }
    // Written around the caches (no local invalidation): only the server's message tells them.
    for (const cache of [first, second]) await raw.set(cache.makeKey('k'), '2');
    for (const cache of [first, second]) await until(async () => (await cache.get('k')) === 2);

    await second.close();
    expect(first.nearCacheStats()?.tracking).toBe(true);
    expect(await first.get('k')).toBe(2);
    expect(await first.get('k')).toBe(2);
    await raw.set(first.makeKey('k'), '3');
    await until(async () => (await first.get('k')) === 3);
  });
});
