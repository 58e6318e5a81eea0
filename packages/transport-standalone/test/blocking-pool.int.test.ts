import { ClosedError, ConfigError, type Reply } from '@cachex/core';
import { type RedisServerHandle, startRedisServer, until } from '@cachex/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createStandaloneTransport,
  DEFAULT_MAX_BLOCKING_CONNECTIONS,
  type StandaloneTransport,
  type StandaloneTransportOptions,
} from '../src/index.js';

// A server of its own, so that CLIENT LIST and blocked_clients count this file's connections
// only. The admin connection below is excluded from every count by its id.
let server: RedisServerHandle;
let admin: Redis;
let adminId: number;

beforeAll(async () => {
  server = await startRedisServer({ name: 'blocking-pool' });
  admin = new Redis({ host: server.host, port: server.port, lazyConnect: true });
  await admin.connect();
  adminId = Number(await admin.client('ID'));
});

afterAll(async () => {
  await admin?.quit();
  await server?.stop();
});

const open: StandaloneTransport[] = [];
function transport(options: Omit<StandaloneTransportOptions, 'location'>): StandaloneTransport {
  const t = createStandaloneTransport({ location: server.url, ...options });
  open.push(t);
  return t;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
  // Each test starts from an empty server.
  await admin.flushall();
});

interface ClientInfo {
  id: number;
  name: string;
  cmd: string;
}

/** The server's connections, other than the admin ones. */
async function clients(): Promise<ClientInfo[]> {
  const list = String(await admin.client('LIST'));
  return list
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const fields = new Map(
        line
          .trim()
          .split(' ')
          .map((pair) => {
            const at = pair.indexOf('=');
            return [pair.slice(0, at), pair.slice(at + 1)] as const;
          }),
      );
      return {
        id: Number(fields.get('id')),
        name: fields.get('name') ?? '',
        cmd: fields.get('cmd') ?? '',
      };
    })
    .filter((c) => c.id !== adminId && c.cmd !== 'monitor');
}

async function blockingClients(name = 'cachex:blocking'): Promise<ClientInfo[]> {
  return (await clients()).filter((c) => c.name === name);
}

async function blockedCount(): Promise<number> {
  const info = String(await admin.info('clients'));
  return Number(/blocked_clients:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

function blpop(t: StandaloneTransport, key: string, timeout: number | string): Promise<Reply> {
  return t.command('BLPOP', [key, timeout], { blocking: true });
}

function settle<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

// maxConnections (default 50) minus the connection kept for ordinary commands.
const defaultPoolSize = 49;

describe('blocking connections', () => {
  it('the default pool size is 49: maxConnections (50) - 1', () => {
    expect(DEFAULT_MAX_BLOCKING_CONNECTIONS).toBe(defaultPoolSize);
  });

  it('200 concurrent pops share at most maxBlockingConnections connections, closed once idle', async () => {
    const t = transport({ blockingIdleTimeoutMs: 50 });
    await t.command('PING', []);
    const pops = Array.from({ length: 200 }, () => blpop(t, 'jobs', 0));
    // Should an assertion fail, close() rejects the pops: not an unhandled rejection.
    for (const pop of pops) pop.catch(() => undefined);
    await until(async () => (await blockedCount()) >= defaultPoolSize);
    // The other pops wait for a free connection: the server sees only the pool's connections.
    const connected = await clients();
    expect(connected).toHaveLength(1 + defaultPoolSize);
    expect(connected.filter((c) => c.name === 'cachex:blocking')).toHaveLength(defaultPoolSize);
    expect(await blockedCount()).toBe(defaultPoolSize);

    // Every pop is served, each with an element of its own: no connection served two pops at once.
    const elements = Array.from({ length: 200 }, (_, i) => `e${i}`);
    await admin.rpush('jobs', ...elements);
    const replies = await Promise.all(pops);
    const popped = replies.map((r) => String((r as Buffer[])[1]));
    expect(popped.sort()).toEqual([...elements].sort());
    expect(await admin.llen('jobs')).toBe(0);

    // Idle blocking connections are closed after blockingIdleTimeoutMs; the primary stays.
    await until(async () => (await blockingClients()).length === 0);
    expect(await clients()).toHaveLength(1);
  });

  it('an idle connection is reused, and queued calls are served first come, first served', async () => {
    const t = transport({ maxBlockingConnections: 1 });
    expect(await blpop(t, 'none', 0.01)).toBeNull();
    const [first] = await blockingClients();
    expect(first).toBeDefined();

    const a = blpop(t, 'q', 0);
    const b = blpop(t, 'q', 0);
    const c = blpop(t, 'q', 0);
    for (const [pop, element] of [
      [a, 'one'],
      [b, 'two'],
      [c, 'three'],
    ] as const) {
      await until(async () => (await blockedCount()) === 1);
      await admin.rpush('q', element);
      expect((await pop) as Buffer[]).toEqual([Buffer.from('q'), Buffer.from(element)]);
    }
    // Always the same connection.
    expect((await blockingClients()).map((x) => x.id)).toEqual([first!.id]);
  });

  it('a call whose timeout runs out while it waits for a connection resolves as a timeout, taking nothing', async () => {
    const t = transport({ maxBlockingConnections: 1 });
    const holder = blpop(t, 'held', 0);
    await until(async () => (await blockedCount()) === 1);
    // Waits for the only connection, which stays busy past its 0.05 s.
    expect(await blpop(t, 'other', 0.05)).toBeNull();
    await admin.rpush('other', 'x');
    await admin.rpush('held', 'y');
    expect(await holder).toEqual([Buffer.from('held'), Buffer.from('y')]);
    // The connection went back to the pool, not to the call that already gave up.
    expect(await blpop(t, 'third', 0.01)).toBeNull();
    expect(await admin.lrange('other', 0, -1)).toEqual(['x']);
  });

  it('a queued call is sent with the time it has left, at least 1 ms', async () => {
    const t = transport({ maxBlockingConnections: 1 });
    const monitor = await admin.duplicate().monitor();
    const sent: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toUpperCase() === 'BLPOP') sent.push(args);
    });
    // The transport reads its clock with performance.now(): a clock of the test's own makes
    // the time spent waiting exact.
    let clock = 1_000_000;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => clock);
    try {
      const holder = blpop(t, 'held', 0);
      await until(async () => (await blockedCount()) === 1);
      const queued = blpop(t, 'later', 30);
      clock += 10_000;
      await admin.rpush('held', 'y');
      await holder;
      await until(async () => (await blockedCount()) === 1);
      await admin.rpush('later', 'z');
      expect(await queued).toEqual([Buffer.from('later'), Buffer.from('z')]);

      // Past its deadline by the time the connection frees up (its own timer has not fired
      // yet): sent with 1 ms, so the list is still checked once.
      const holder2 = blpop(t, 'held', 0);
      await until(async () => (await blockedCount()) === 1);
      const late = blpop(t, 'late', 30);
      clock += 31_000;
      await admin.rpush('late', 'w');
      await admin.rpush('held', 'y2');
      await holder2;
      expect(await late).toEqual([Buffer.from('late'), Buffer.from('w')]);

      await until(() => sent.length === 4);
      expect(sent).toEqual([
        ['BLPOP', 'held', '0'],
        ['BLPOP', 'later', '20'],
        ['BLPOP', 'held', '0'],
        ['BLPOP', 'late', '0.001'],
      ]);
    } finally {
      now.mockRestore();
      monitor.disconnect();
    }
  });

  it('close() rejects the busy and the queued calls with ClosedErrors of their own', async () => {
    const t = transport({ maxBlockingConnections: 1 });
    const busy = settle(blpop(t, 'q', 0));
    await until(async () => (await blockedCount()) === 1);
    const queued = [settle(blpop(t, 'q', 0)), settle(blpop(t, 'q', 5))];
    await t.close();
    const outcomes = await Promise.all([busy, ...queued]);
    const errors = outcomes.map((o) => ('error' in o ? o.error : o));
    for (const error of errors) expect(error).toBeInstanceOf(ClosedError);
    expect(new Set(errors).size).toBe(3);
    await until(async () => (await clients()).length === 0);
  });

  it('blocking connections carry the configured connection name with a :blocking suffix', async () => {
    const t = transport({ clientOptions: { connectionName: 'app' } });
    expect(await blpop(t, 'none', 0.01)).toBeNull();
    expect(await blockingClients('app:blocking')).toHaveLength(1);
  });

  it('rejects invalid pool options with a ConfigError', () => {
    for (const options of [
      { maxBlockingConnections: 0 },
      { maxBlockingConnections: 1.5 },
      { blockingIdleTimeoutMs: 0 },
      { blockingIdleTimeoutMs: Number.NaN },
    ]) {
      expect(() => createStandaloneTransport({ location: server.url, ...options })).toThrow(
        ConfigError,
      );
    }
  });
});
