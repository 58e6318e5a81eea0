import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { createCodec } from '@cachex/codecs';
import { ConnectionError, createCache, FIRST_KEY, isCachexError } from '@cachex/core';
import {
  getTestServers,
  type RedisServerHandle,
  randomPrefix,
  runAdminCommand,
  startRedisServer,
} from '@cachex/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStandaloneTransport, type StandaloneTransportOptions } from '../src/index.js';

/** A password no other text in the process contains. */
function distinctivePassword(label: string): string {
  return `${label}-${randomBytes(8).toString('hex')}-Pw`;
}

function dump(value: unknown): string {
  return inspect(value, { depth: Infinity, showHidden: true });
}

interface Observed {
  /** Errors the calls rejected with, and the errors of failed batch slots. */
  errors: unknown[];
  /** Payloads of the transport's `onError`. */
  events: unknown[];
  /** What `console.warn`/`console.error` printed meanwhile. */
  printed: string[];
  /** util.inspect of the transport and of a cache on it. */
  inspected: string[];
}

const drivers: {
  label: string;
  driver: 'ioredis' | 'iovalkey';
  clientOptions?: Record<string, unknown>;
}[] = [
  { label: 'ioredis (AUTH)', driver: 'ioredis' },
  // RESP3 authenticates with HELLO 3 AUTH user pass.
  { label: 'ioredis (HELLO 3 AUTH)', driver: 'ioredis', clientOptions: { protocol: 3 } },
  { label: 'iovalkey (AUTH)', driver: 'iovalkey' },
];

/**
 * Runs a plain command, a command through a cache, a batch and a blocking pop, and collects
 * everything that could carry the password: errors, onError payloads, console output, and
 * util.inspect of the transport and the cache.
 */
async function observe(options: StandaloneTransportOptions): Promise<Observed> {
  const observed: Observed = { errors: [], events: [], printed: [], inspected: [] };
  const print = (...args: unknown[]) => {
    observed.printed.push(args.map((a) => (typeof a === 'string' ? a : dump(a))).join(' '));
  };
  const warn = vi.spyOn(console, 'warn').mockImplementation(print);
  const error = vi.spyOn(console, 'error').mockImplementation(print);
  const transport = createStandaloneTransport({
    socketTimeoutMs: 2000,
    connectTimeoutMs: 2000,
    ...options,
    onError: (e) => observed.events.push(e),
  });
  const cache = createCache({ transport, codec: createCodec(), keyPrefix: randomPrefix() });
  try {
    const settle = async (promise: Promise<unknown>) => {
      try {
        await promise;
      } catch (e) {
        observed.errors.push(e);
      }
    };
    await settle(transport.command('GET', ['k']));
    await settle(cache.get('k'));
    await settle(cache.blpop('q', { timeout: 0.1 }));
    const results = await transport.batch([
      { commands: [{ name: 'GET', keys: FIRST_KEY, args: ['a'] }] },
      {
        commands: [
          { name: 'SET', keys: FIRST_KEY, args: ['b', '1'] },
          { name: 'GET', keys: FIRST_KEY, args: ['b'] },
        ],
        atomic: true,
      },
    ]);
    for (const result of results) if (!result.ok) observed.errors.push(result.error);
    observed.inspected.push(dump(transport), dump(cache));
  } finally {
    await cache.close();
    warn.mockRestore();
    error.mockRestore();
  }
  return observed;
}

function expectNoPassword(observed: Observed, password: string, label = ''): void {
  for (const text of [
    ...observed.errors.map(dump),
    ...observed.events.map(dump),
    ...observed.printed,
    ...observed.inspected,
  ]) {
    expect(text, label).not.toContain(password);
  }
}

/** Every call failed with its own ConnectionError (E_CONNECTION), and onError saw the failure. */
function expectAuthFailures(observed: Observed, label = ''): void {
  // 3 calls and 3 batch slots.
  expect(observed.errors, label).toHaveLength(6);
  for (const error of observed.errors) {
    expect(isCachexError(error), label).toBe(true);
    expect(error, label).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code, label).toBe('E_CONNECTION');
  }
  expect(new Set(observed.errors).size, label).toBe(observed.errors.length);
  expect(observed.events.length, label).toBeGreaterThan(0);
}

describe('credentials never leak through errors, events or inspection', () => {
  it('a wrong password for an ACL user', async () => {
    const { host, port, username } = getTestServers().acl;
    for (const { label, driver, clientOptions } of drivers) {
      const password = distinctivePassword('wrong');
      const observed = await observe({
        location: `redis://${host}:${port}`,
        driver,
        username,
        password,
        ...(clientOptions ? { clientOptions } : {}),
      });
      expectAuthFailures(observed, label);
      expectNoPassword(observed, password, label);
    }
  });

  it('a disabled ACL user with its own password (given in the URL)', async () => {
    const acl = getTestServers().acl;
    const admin = {
      host: acl.host,
      port: acl.port,
      username: acl.username,
      password: acl.password,
    };
    const user = `cx-off-${randomBytes(4).toString('hex')}`;
    const password = distinctivePassword('disabled');
    await runAdminCommand(admin, 'ACL', 'SETUSER', user, 'off', `>${password}`, '~*', '+@all');
    try {
      for (const { label, driver, clientOptions } of drivers) {
        const observed = await observe({
          location: `redis://${user}:${password}@${acl.host}:${acl.port}`,
          driver,
          ...(clientOptions ? { clientOptions } : {}),
        });
        expectAuthFailures(observed, label);
        expectNoPassword(observed, password, label);
      }
    } finally {
      await runAdminCommand(admin, 'ACL', 'DELUSER', user);
    }
  });

  describe('a server protected by a password (requirepass)', () => {
    let server: RedisServerHandle;
    beforeAll(async () => {
      server = await startRedisServer({
        name: 'requirepass',
        users: [{ username: 'admin', password: distinctivePassword('admin') }],
      });
      // The default user gets a password (what requirepass does): clients then send
      // AUTH <password> without a user name.
      const password = distinctivePassword('server');
      await server.command('ACL', 'SETUSER', 'default', 'on', `>${password}`, '~*', '+@all');
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('a wrong password (AUTH without a user name)', async () => {
      for (const { label, driver, clientOptions } of drivers) {
        const password = distinctivePassword('wrong');
        const observed = await observe({
          location: `redis://:${password}@${server.host}:${server.port}`,
          driver,
          ...(clientOptions ? { clientOptions } : {}),
        });
        expectAuthFailures(observed, label);
        expectNoPassword(observed, password, label);
      }
    });
  });

  it('a password sent to a server that has none', async () => {
    const { host, port } = getTestServers().standalone;
    for (const { label, driver, clientOptions } of drivers) {
      // AUTH <password> to a server without one: the driver warns and goes on.
      const password = distinctivePassword('unneeded');
      const observed = await observe({
        location: `redis://:${password}@${host}:${port}`,
        driver,
        ...(clientOptions ? { clientOptions } : {}),
      });
      expectNoPassword(observed, password, label);
      // AUTH <user> <password> for a user the server does not have: WRONGPASS.
      const other = distinctivePassword('unknown-user');
      const failed = await observe({
        location: `redis://nobody-${randomBytes(3).toString('hex')}:${other}@${host}:${port}`,
        driver,
        ...(clientOptions ? { clientOptions } : {}),
      });
      expectAuthFailures(failed, label);
      expectNoPassword(failed, other, label);
    }
  });
});
