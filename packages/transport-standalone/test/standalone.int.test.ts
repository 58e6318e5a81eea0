import { inspect } from 'node:util';
import { createCodec } from '@cachex/codecs';
import {
  ConfigError,
  type ConnectionError,
  createCache,
  isCachexError,
  MissingDependencyError,
} from '@cachex/core';
import { findFreePort, getTestServers, randomPrefix } from '@cachex/testing';
import { Redis as IORedis } from 'ioredis';
import { Redis as IOValkey } from 'iovalkey';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDriver } from '../src/driver/index.js';
import { createStandaloneTransport, type StandaloneTransport } from '../src/index.js';

const open: StandaloneTransport[] = [];
function transport(...args: Parameters<typeof createStandaloneTransport>): StandaloneTransport {
  const t = createStandaloneTransport(...args);
  open.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

function cacheOn(t: StandaloneTransport) {
  return createCache({ transport: t, codec: createCodec(), keyPrefix: randomPrefix() });
}

describe('driver selection', () => {
  it('the scheme picks the driver and the option overrides it', () => {
    const { port } = getTestServers().standalone;
    expect(transport({ location: `redis://127.0.0.1:${port}` }).driver).toBe('ioredis');
    expect(transport({ location: `valkey://127.0.0.1:${port}` }).driver).toBe('iovalkey');
    const forced = transport({ location: `redis://127.0.0.1:${port}`, driver: 'iovalkey' });
    expect(forced.driver).toBe('iovalkey');
    expect(forced.getClient()).toBeInstanceOf(IOValkey);
    expect(
      transport({ location: `valkey://127.0.0.1:${port}`, driver: 'ioredis' }).getClient(),
    ).toBeInstanceOf(IORedis);
  });

  it('a missing driver package is a MissingDependencyError that says what to install', () => {
    const error = (() => {
      try {
        loadDriver('iovalkey', () => {
          throw Object.assign(new Error("Cannot find module 'iovalkey'"), {
            code: 'MODULE_NOT_FOUND',
          });
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MissingDependencyError);
    expect((error as MissingDependencyError).code).toBe('E_MISSING_DEPENDENCY');
    expect((error as Error).message).toContain('pnpm add iovalkey');
  });

  it('creating a transport does no I/O (connects lazily)', async () => {
    const port = await findFreePort();
    const t = transport({ location: `redis://127.0.0.1:${port}` });
    expect((t.getClient() as IORedis).status).toBe('wait');
  });
});

describe('locations', () => {
  it('connects over a unix socket with ?db=', async () => {
    const { socketPath } = getTestServers().standalone;
    for (const scheme of ['unix', 'valkey+unix']) {
      const t = transport({ location: `${scheme}://${socketPath}?db=3` });
      const cache = cacheOn(t);
      await cache.set('k', 'via-socket');
      expect(await cache.get('k')).toBe('via-socket');
      expect(await t.command('CLIENT', ['INFO']).then(String)).toMatch(/db=3/);
    }
  });

  it('takes the db from the URL path over the option', async () => {
    const { url } = getTestServers().standalone;
    const t = transport({ location: `${url}/4`, db: 7 });
    expect(String(await t.command('CLIENT', ['INFO']))).toMatch(/db=4/);
  });

  it('rejects a bad location with a ConfigError that never shows the password', () => {
    const attempt = () => transport({ location: 'redis://user:s3cret-pw@127.0.0.1:notaport/0' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('s3cret-pw');
    }
  });

  it('a readFrom that is not one of the three routings is a ConfigError naming the field', () => {
    const { url } = getTestServers().standalone;
    for (const readFrom of ['replicas', 'master', '']) {
      const error = (() => {
        try {
          transport({ location: url, readFrom: readFrom as 'replica' });
        } catch (e) {
          return e;
        }
      })();
      expect(error, readFrom).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).context.field).toBe('readFrom');
    }
  });
});

describe('TLS', () => {
  it('verifies the server with the given CA', async () => {
    const { url, ca } = getTestServers().tls;
    for (const driver of ['ioredis', 'iovalkey'] as const) {
      const cache = cacheOn(transport({ location: url, driver, tls: { ca } }));
      await cache.set('k', driver);
      expect(await cache.get('k')).toBe(driver);
    }
  });

  it('reads CA and client certificate from URL parameters', async () => {
    const { url, caFile, certFile, keyFile } = getTestServers().tls;
    const location = `${url}?ssl_ca_certs=${encodeURIComponent(caFile)}&ssl_certfile=${encodeURIComponent(certFile)}&ssl_keyfile=${encodeURIComponent(keyFile)}`;
    const cache = cacheOn(transport({ location }));
    await cache.set('k', 'mutual');
    expect(await cache.get('k')).toBe('mutual');
  });

  it('fails verification without the CA (verification is on by default)', async () => {
    const { url } = getTestServers().tls;
    const cache = cacheOn(
      transport({ location: url, connectTimeoutMs: 2000, socketTimeoutMs: 2000 }),
    );
    const error = await cache.get('k').catch((e: unknown) => e);
    expect(isCachexError(error)).toBe(true);
    expect(
      (error as ConnectionError).code === 'E_CONNECTION' ||
        (error as ConnectionError).code === 'E_TIMEOUT',
    ).toBe(true);
  });

  it('works with verification turned off, in code or in the URL', async () => {
    const { url } = getTestServers().tls;
    const a = cacheOn(transport({ location: url, tls: { rejectUnauthorized: false } }));
    await a.set('k', 1);
    const b = cacheOn(transport({ location: `${url}?ssl_cert_reqs=none` }));
    await b.set('k', 2);
    expect(await b.get('k')).toBe(2);
  });
});

describe('ACL', () => {
  it('authenticates a user whose password contains @:/%# (percent-encoded URL)', async () => {
    const { url, username } = getTestServers().acl;
    for (const driver of ['ioredis', 'iovalkey'] as const) {
      const t = transport({ location: url, driver });
      const cache = cacheOn(t);
      await cache.set('k', 'acl');
      expect(await cache.get('k')).toBe('acl');
      expect(String(await t.command('ACL', ['WHOAMI']))).toBe(username);
    }
  });

  it('never shows the password when a transport or cache is inspected', async () => {
    const { url, password } = getTestServers().acl;
    const t = transport({ location: url });
    const cache = cacheOn(t);
    await cache.set('k', 1);
    expect(inspect(t, { depth: 10 })).not.toContain(password);
    expect(inspect(cache, { depth: 10 })).not.toContain(password);
  });

  it('authenticates with username/password options', async () => {
    const { host, port, username, password } = getTestServers().acl;
    const cache = cacheOn(transport({ location: `redis://${host}:${port}`, username, password }));
    expect(await cache.set('k', 1)).toBe(true);
  });

  it('a wrong password is a ConnectionError that does not show the password', async () => {
    const { host, port, username } = getTestServers().acl;
    const cache = cacheOn(
      transport({
        location: `redis://${username}:wrong-pw-123@${host}:${port}`,
        socketTimeoutMs: 2000,
      }),
    );
    const error = await cache.get('k').catch((e: unknown) => e);
    expect(isCachexError(error)).toBe(true);
    expect(String((error as Error).message)).not.toContain('wrong-pw-123');
  });
});

describe('read replicas', () => {
  it('routes reads to the replica and writes to the primary', async () => {
    const { primary, replica } = getTestServers().replicaSet;
    const t = transport({ location: [primary.url, replica.url], readFrom: 'replica' });
    expect(t.capabilities.replicas).toBe(true);
    const reader = t.getClient({ write: false }) as IORedis;
    const writer = t.getClient({ write: true }) as IORedis;
    expect(reader).not.toBe(writer);
    expect(String(await t.command('INFO', ['replication'], { read: true }))).toMatch(/role:slave/);
    expect(String(await t.command('INFO', ['replication']))).toMatch(/role:master/);
    const cache = cacheOn(t);
    await cache.set('k', 'replicated');
    let value: unknown;
    for (let i = 0; i < 100 && value === undefined; i++) {
      value = await cache.get('k');
      if (value === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    expect(value).toBe('replicated');
  });

  it('readFrom primary keeps reads on the primary', async () => {
    const { primary, replica } = getTestServers().replicaSet;
    const t = transport({ location: `${primary.url},${replica.url}`, readFrom: 'primary' });
    expect(String(await t.command('INFO', ['replication'], { read: true }))).toMatch(/role:master/);
  });

  it('preferReplica falls back to the primary when the replica is unreachable', async () => {
    const { primary } = getTestServers().replicaSet;
    const deadPort = await findFreePort();
    const t = transport({
      location: [primary.url, `redis://127.0.0.1:${deadPort}`],
      readFrom: 'preferReplica',
      socketTimeoutMs: 500,
      connectTimeoutMs: 500,
    });
    // The first read tries the replica and fails; once the replica is known down, reads go to the primary.
    await t.command('PING', [], { read: true }).catch(() => undefined);
    let info = '';
    for (let i = 0; i < 50 && !info; i++) {
      info = await t.command('INFO', ['replication'], { read: true }).then(String, () => '');
      if (!info) await new Promise((r) => setTimeout(r, 20));
    }
    expect(info).toMatch(/role:master/);
  });
});

describe('server down', () => {
  it('a call fails with a typed error within the socket timeout, never hangs', async () => {
    const port = await findFreePort();
    for (const driver of ['ioredis', 'iovalkey'] as const) {
      const cache = cacheOn(
        transport({
          location: `redis://127.0.0.1:${port}`,
          driver,
          socketTimeoutMs: 1000,
          connectTimeoutMs: 1000,
        }),
      );
      const started = Date.now();
      const error = await cache.get('k').catch((e: unknown) => e);
      const elapsed = Date.now() - started;
      expect(isCachexError(error)).toBe(true);
      expect(['E_CONNECTION', 'E_TIMEOUT']).toContain((error as ConnectionError).code);
      // Bounded by the socket timeout plus scheduling slack (not a speed assertion).
      expect(elapsed).toBeLessThan(3000);
    }
  });
});
