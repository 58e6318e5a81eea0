import { inspect } from 'node:util';
import { ConfigError, CrossSlotError, FIRST_KEY, isCachexError, TWO_KEYS } from '@cachex/core';
import { clusterKeySlot } from '@cachex/testing';
import IORedis from 'ioredis';
import IOValkey from 'iovalkey';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClusterTransport,
  type ClusterTransportOptions,
  createClusterTransport,
} from '../src/index.js';

// Options and routing that need no server: nothing here connects (port 1 refuses, and the
// transport connects only on its first command).

const PASSWORD = 'Hunter2-cl@ster-PW';
const transports: ClusterTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

function make(options: Partial<ClusterTransportOptions> = {}): ClusterTransport {
  const transport = createClusterTransport({ location: 'redis://127.0.0.1:1', ...options });
  transports.push(transport);
  return transport;
}

/** The options the driver's Cluster client was given. */
function driverOptions(transport: ClusterTransport): Record<string, unknown> & {
  redisOptions: Record<string, unknown>;
} {
  return (transport.getClient() as unknown as { options: never }).options;
}

function configError(options: Record<string, unknown>): ConfigError {
  try {
    make(options as Partial<ClusterTransportOptions>);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('no ConfigError');
}

describe('options', () => {
  it('name, capabilities, and no I/O before the first command', () => {
    const transport = make();
    expect(transport.name).toBe('cluster');
    expect(transport.capabilities).toEqual({
      scripts: true,
      transactions: true,
      cluster: true,
      replicas: false,
    });
    expect(make({ readFrom: 'preferReplica' }).capabilities.replicas).toBe(true);
    expect(transport.getClient().status).toBe('wait');
  });

  it('startup nodes from one URL or a list; the scheme picks the driver, whose Cluster class is used', () => {
    const redis = make({ location: 'redis://10.0.0.1:7000, redis://10.0.0.2:7001' });
    expect(redis.driver).toBe('ioredis');
    expect(redis.getClient()).toBeInstanceOf(IORedis.Cluster);
    expect((redis.getClient() as unknown as { startupNodes: unknown }).startupNodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
    ]);
    const valkey = make({ location: ['valkey://10.0.0.1:7000', 'valkey://10.0.0.2:7000'] });
    expect(valkey.driver).toBe('iovalkey');
    expect(valkey.getClient()).toBeInstanceOf(IOValkey.Cluster);
    expect(make({ location: 'redis://h:7000', driver: 'iovalkey' }).driver).toBe('iovalkey');
  });

  it('ACL credentials, TLS (verified by default) and timeouts go to every node (redisOptions)', () => {
    const t = make({
      location: `rediss://app:${encodeURIComponent(PASSWORD)}@cache.internal:7000?socket_timeout=2`,
      connectTimeoutMs: 1500,
      clientOptions: { connectionName: 'api', keepAlive: 1000 },
    });
    const options = driverOptions(t);
    expect(options.redisOptions).toMatchObject({
      username: 'app',
      password: PASSWORD,
      connectTimeout: 1500,
      commandTimeout: 2000,
      connectionName: 'api',
      keepAlive: 1000,
      tls: { rejectUnauthorized: true },
    });
    for (const key of ['host', 'port', 'db', 'retryStrategy', 'readOnly']) {
      expect(options.redisOptions, key).not.toHaveProperty(key);
    }
    expect(options.lazyConnect).toBe(true);
    // With TLS, host names are kept (certificates name hosts, not their IP addresses).
    const lookup = options.dnsLookup as (host: string, cb: (e: null, a: string) => void) => void;
    lookup('cache.internal', (_, address) => expect(address).toBe('cache.internal'));

    const options2 = driverOptions(
      make({
        location: 'redis://127.0.0.1:7000',
        username: 'u',
        password: PASSWORD,
        tls: { rejectUnauthorized: false, servername: 'cache.internal' },
        socketTimeoutMs: 750,
      }),
    );
    expect(options2.redisOptions).toMatchObject({
      username: 'u',
      password: PASSWORD,
      commandTimeout: 750,
      tls: { rejectUnauthorized: false, servername: 'cache.internal' },
    });
    expect(driverOptions(make()).redisOptions.tls).toBeUndefined();
  });

  it('readFrom maps to the driver’s scaleReads; natMap and clusterOptions pass through', () => {
    expect(driverOptions(make()).scaleReads).toBe('master');
    expect(driverOptions(make({ readFrom: 'primary' })).scaleReads).toBe('master');
    expect(driverOptions(make({ readFrom: 'replica' })).scaleReads).toBe('slave');
    const prefer = driverOptions(make({ readFrom: 'preferReplica' })).scaleReads as (
      nodes: unknown[],
    ) => unknown;
    const primary = { status: 'ready' };
    const down = { status: 'end' };
    const replica = { status: 'ready' };
    expect(prefer([primary, down])).toBe(primary);
    expect(prefer([primary, down, replica])).toBe(replica);
    expect(prefer([primary])).toBe(primary);

    const natMap = { '10.0.0.5:7000': { host: 'cache.example', port: 17000 } };
    expect(driverOptions(make({ natMap })).natMap).toBe(natMap);
    const natFn = (address: string) => ({ host: 'h', port: Number(address.split(':')[1]) });
    expect(driverOptions(make({ natMap: natFn })).natMap).toBe(natFn);
    const cluster = driverOptions(
      make({ clusterOptions: { maxRedirections: 4, slotsRefreshInterval: 1000 } }),
    );
    expect(cluster).toMatchObject({ maxRedirections: 4, slotsRefreshInterval: 1000 });
  });

  it('a ConfigError names the field, never the password', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ location: 'memcached://h:1' }, 'location'],
      [{ location: 'unix:///tmp/redis.sock' }, 'location'],
      [{ location: 'redis://h:7000/2' }, 'db'],
      [{ db: 1 }, 'db'],
      [{ location: ['redis://h:7000', 'rediss://h:7001'] }, 'location'],
      [
        {
          location: [
            `redis://app:${encodeURIComponent(PASSWORD)}@h:7000`,
            'redis://app:other-secret@h:7001',
          ],
        },
        'location',
      ],
      [{ readFrom: 'nearest' }, 'readFrom'],
      [{ natMap: 'h:1' }, 'natMap'],
      [{ clientOptions: 'x' }, 'clientOptions'],
      [{ clusterOptions: [] }, 'clusterOptions'],
      [{ onError: 'log' }, 'onError'],
      [{ socketTimeoutMs: -1 }, 'socketTimeoutMs'],
      [{ connectTimeoutMs: 'soon' }, 'connectTimeoutMs'],
      [{ maxBlockingConnections: 0 }, 'maxBlockingConnections'],
      [{ driver: 'node-redis' }, 'driver'],
    ];
    for (const [options, field] of cases) {
      const error = configError({
        location: `redis://app:${encodeURIComponent(PASSWORD)}@127.0.0.1:1`,
        ...options,
      });
      expect(error.context.field, JSON.stringify(options)).toBe(field);
      expect(error.message, field).toMatch(new RegExp(field === 'driver' ? 'driver' : field));
      const shown = inspect(error, { depth: 10 });
      expect(shown, field).not.toContain(PASSWORD);
      expect(shown, field).not.toContain(encodeURIComponent(PASSWORD));
      expect(shown, field).not.toContain('other-secret');
    }
  });

  it('util.inspect of a transport shows its shape, never its password', () => {
    const t = make({ location: `redis://app:${encodeURIComponent(PASSWORD)}@127.0.0.1:1` });
    const shown = inspect(t, { depth: 10 });
    expect(shown).toContain('ClusterTransport');
    expect(shown).toContain('127.0.0.1:1');
    expect(shown).not.toContain(PASSWORD);
  });
});

describe('routing without a server', () => {
  it('partitionKeys groups key indexes by hash slot, Buffers by their bytes', () => {
    const t = make();
    const latin1 = Buffer.from([0x63, 0x78, 0xff, 0xfe]); // not valid UTF-8
    const keys: (string | Buffer)[] = [
      'a',
      '{user42}:a',
      'b',
      '{user42}:b',
      Buffer.from('{user42}:c'),
      latin1,
      '123456789',
      'a',
    ];
    const groups = t.partitionKeys(keys);
    expect(groups.flat().sort((x, y) => x - y)).toEqual(keys.map((_, i) => i));
    for (const group of groups) {
      const slots = new Set(group.map((i) => clusterKeySlot(keys[i]!)));
      expect(slots.size).toBe(1);
    }
    expect(groups).toContainEqual([1, 3, 4]);
    expect(groups).toContainEqual([0, 7]);
    expect(new Set(groups.map((g) => clusterKeySlot(keys[g[0]!]!))).size).toBe(groups.length);
    expect(clusterKeySlot('123456789')).toBe(12739);
    expect(t.partitionKeys([])).toEqual([]);
  });

  it('a multi-key command over several slots is a CrossSlotError before any I/O', async () => {
    const t = make();
    const error = await t
      .command('RENAME', ['app:1:a', 'app:1:b'], { keys: TWO_KEYS })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrossSlotError);
    expect(isCachexError(error) && error.code).toBe('E_CROSSSLOT');
    expect((error as Error).message).toMatch(/"app:1:a" and "app:1:b"/);
    expect((error as Error).message).toMatch(/\{user42\}:a/);
    const blpop = await t
      .command('BLPOP', ['{x}1', '{y}2', 1], {
        keys: { first: 0, last: -2, step: 1 },
        blocking: true,
      })
      .catch((e: unknown) => e);
    expect(blpop).toBeInstanceOf(CrossSlotError);
    const results = await t.batch([
      {
        atomic: true,
        commands: [
          { name: 'SET', keys: FIRST_KEY, args: ['{x}1', '1'] },
          { name: 'SET', keys: FIRST_KEY, args: ['{y}1', '1'] },
        ],
      },
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'E_CROSSSLOT',
      'E_CROSSSLOT',
    ]);
    // Nothing was sent: the client never even connected.
    expect(t.getClient().status).toBe('wait');
  });
});
