import { inspect } from 'node:util';
import { ClosedError, ConfigError, FIRST_KEY } from '@cachex/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSentinelTransport,
  type SentinelTransport,
  type SentinelTransportOptions,
} from '../src/index.js';

// Creating a transport does no I/O, so these run without servers: the options are read back
// from the driver clients the transport made (their `options`).
const sentinels = [['127.0.0.1', 26379] as const];
const opened: SentinelTransport[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((transport) => transport.close()));
});

function open(options: SentinelTransportOptions): SentinelTransport {
  const transport = createSentinelTransport(options);
  opened.push(transport);
  return transport;
}

function clientOptions(transport: SentinelTransport, write = true): Record<string, unknown> {
  return (transport.getClient({ write }) as unknown as { options: Record<string, unknown> })
    .options;
}

/** The ConfigError `create` throws. */
function configError(options: unknown): ConfigError {
  try {
    open(options as SentinelTransportOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('createSentinelTransport options', () => {
  it('reads the master name and db from the location, and the sentinels in every form', async () => {
    const transport = open({
      location: 'redis://mymaster/3',
      sentinels: [['10.0.0.1', 26380], { host: '10.0.0.2' }, 'sentinel-3:26381', '[::1]:26382'],
    });
    expect(transport.name).toBe('sentinel');
    expect(transport.driver).toBe('ioredis');
    expect(transport.masterName).toBe('mymaster');
    expect(transport.capabilities).toEqual({
      scripts: true,
      transactions: true,
      cluster: false,
      replicas: false,
    });
    const options = clientOptions(transport);
    expect(options.name).toBe('mymaster');
    expect(options.role).toBe('master');
    expect(options.db).toBe(3);
    expect(options.sentinels).toEqual([
      { host: '10.0.0.1', port: 26380 },
      { host: '10.0.0.2', port: 26379 },
      { host: 'sentinel-3', port: 26381 },
      { host: '::1', port: 26382 },
    ]);
    expect(options.enableTLSForSentinelMode).toBe(false);
    expect(options.sentinelTLS).toBeUndefined();
    // Follows failovers: reconnects on READONLY, quick backoff, one pass over the sentinels.
    const reconnectOnError = options.reconnectOnError as (e: Error) => unknown;
    expect(
      reconnectOnError(new Error("READONLY You can't write against a read only replica.")),
    ).toBe(1);
    expect(reconnectOnError(new Error('ERR other'))).toBe(false);
    const retry = options.retryStrategy as (n: number) => number;
    expect([1, 2, 5, 10, 30].map(retry)).toEqual([50, 100, 250, 500, 500]);
    expect((options.sentinelRetryStrategy as () => unknown)()).toBeNull();
    expect(options.sentinelCommandTimeout).toBe(5000);
    await transport.close();
  });

  it('takes the sentinels from ?sentinels= (which wins over the option), db from ?db=', () => {
    const transport = open({
      location: 'valkey://mymaster?db=2&sentinels=h1:26379,h2,[::1]:26390',
      sentinels,
    });
    expect(transport.driver).toBe('iovalkey');
    const options = clientOptions(transport);
    expect(options.db).toBe(2);
    expect(options.sentinels).toEqual([
      { host: 'h1', port: 26379 },
      { host: 'h2', port: 26379 },
      { host: '::1', port: 26390 },
    ]);
    expect(transport.sentinels).toEqual(options.sentinels);
  });

  it('keeps data-node and sentinel credentials apart', () => {
    const transport = open({
      location: 'redis://app:data-secret@mymaster/0',
      sentinels,
      sentinelUsername: 'watcher',
      sentinelPassword: 'sentinel-secret',
    });
    const options = clientOptions(transport);
    expect(options.username).toBe('app');
    expect(options.password).toBe('data-secret');
    expect(options.sentinelUsername).toBe('watcher');
    expect(options.sentinelPassword).toBe('sentinel-secret');
    const shown = inspect(transport, { depth: 10 });
    expect(shown).toContain('SentinelTransport');
    expect(shown).not.toContain('data-secret');
    expect(shown).not.toContain('sentinel-secret');
  });

  it('verifies TLS by default, for the data nodes (rediss) and the sentinels (sentinelTls)', () => {
    const transport = open({
      location: 'rediss://mymaster/0',
      sentinels,
      sentinelTls: { ca: 'CA PEM' },
    });
    const options = clientOptions(transport);
    expect(options.tls).toEqual({ rejectUnauthorized: true });
    expect(options.enableTLSForSentinelMode).toBe(true);
    expect(options.sentinelTLS).toEqual({ rejectUnauthorized: true, ca: 'CA PEM' });

    const plainSentinels = clientOptions(
      open({ location: 'valkeys://mymaster', sentinels, tls: { rejectUnauthorized: false } }),
    );
    expect(plainSentinels.tls).toEqual({ rejectUnauthorized: false });
    expect(plainSentinels.sentinelTLS).toBeUndefined();
  });

  it('makes a replica client (role slave) when reads may go to replicas', () => {
    for (const readFrom of ['replica', 'preferReplica'] as const) {
      const transport = open({ location: 'redis://mymaster', sentinels, readFrom });
      expect(transport.capabilities.replicas).toBe(true);
      expect(clientOptions(transport, false).role).toBe('slave');
      expect(clientOptions(transport, true).role).toBe('master');
    }
  });

  it('passes clientOptions and lets them replace the failover defaults', () => {
    const reconnectOnError = () => 2;
    const options = clientOptions(
      open({
        location: 'redis://mymaster',
        sentinels,
        clientOptions: { connectionName: 'app', reconnectOnError, natMap: { a: 1 } },
        socketTimeoutMs: 250,
        connectTimeoutMs: 300,
      }),
    );
    expect(options.connectionName).toBe('app');
    expect(options.reconnectOnError).toBe(reconnectOnError);
    expect(options.natMap).toEqual({ a: 1 });
    expect(options.commandTimeout).toBe(250);
    expect(options.connectTimeout).toBe(300);
    expect(options.sentinelCommandTimeout).toBe(300);
  });

  it('later calls reject with ClosedError after close()', async () => {
    const transport = open({ location: 'redis://mymaster', sentinels });
    await transport.close();
    await expect(transport.command('GET', ['k'])).rejects.toBeInstanceOf(ClosedError);
    const get = { name: 'GET', args: ['k'], keys: FIRST_KEY };
    await expect(transport.batch([{ commands: [get] }])).rejects.toBeInstanceOf(ClosedError);
  });
});

describe('createSentinelTransport refuses bad options with a ConfigError naming the field', () => {
  it.each([
    ['a port in the location', 'redis://mymaster:6379/0'],
    ['an IPv4 address', 'redis://10.0.0.1/0'],
    ['an IPv6 address', 'redis://[::1]/0'],
    ['a unix socket', 'unix:///tmp/redis.sock'],
    ['a list of URLs', 'redis://a/0,redis://b/0'],
    ['no master name', 'redis:///0'],
    ['a master name with a space', 'redis://my%20master/0'],
  ])('bad master name: %s', (_, location) => {
    const error = configError({ location, sentinels });
    expect(error.context.field).toBe('location');
    expect(error.message).toMatch(/master|host|location/i);
  });

  it('a location that is not a string', () => {
    expect(configError({ location: ['redis://m'], sentinels }).context.field).toBe('location');
    expect(configError({ sentinels }).context.field).toBe('location');
  });

  it.each([
    ['missing', undefined, 'sentinels'],
    ['empty', [], 'sentinels'],
    ['not an array', 'h1:26379', 'sentinels'],
    ['a bad port', [['h1', 0]], 'sentinels[0][1]'],
    ['a port that is not a number', [['h1', '26379x']], 'sentinels[0][1]'],
    ['an empty host', [['', 26379]], 'sentinels[0][0]'],
    ['a host with a space', [{ host: 'a b' }], 'sentinels[0].host'],
    ['an object port out of range', [{ host: 'h', port: 70000 }], 'sentinels[0].port'],
    ['null', [['h1', 26379], null], 'sentinels[1]'],
    ['a tuple of three', [['h1', 26379, 1]], 'sentinels[0]'],
    ['a string without a port number', ['h1:abc'], 'sentinels[0] port'],
    ['a bare IPv6 string', ['::1:26379'], 'sentinels[0]'],
  ])('sentinels: %s', (_, value, field) => {
    const error = configError({ location: 'redis://mymaster', sentinels: value });
    expect(error.context.field).toBe(field);
    expect(error.message).toContain(field.split(' ')[0]);
  });

  it('bad ?sentinels= in the location', () => {
    for (const location of [
      'redis://m?sentinels=',
      'redis://m?sentinels=h1:0',
      'redis://m?sentinels=h1&sentinel=h2',
      'redis://m?sentinel=h1&sentinel=h2',
    ]) {
      expect(configError({ location }).context.field, location).toBe('location');
    }
  });

  it.each([
    ['readFrom', { readFrom: 'replicas' }],
    ['driver', { driver: 'redis' }],
    ['sentinelPassword', { sentinelPassword: 12345 }],
    ['sentinelUsername', { sentinelUsername: {} }],
    ['password', { password: 42 }],
    ['sentinelTls', { sentinelTls: 'yes' }],
    ['clientOptions', { clientOptions: 'x' }],
    ['onError', { onError: 'log' }],
    ['socketTimeoutMs', { socketTimeoutMs: -1 }],
    ['connectTimeoutMs', { connectTimeoutMs: 'soon' }],
    ['maxBlockingConnections', { maxBlockingConnections: 0 }],
    ['db', { db: -1 }],
  ])('%s', (field, extra) => {
    const error = configError({ location: 'redis://mymaster', sentinels, ...extra });
    expect(error.context.field).toBe(field);
  });

  it('never prints a password, in the message or in util.inspect of the error', () => {
    const errors = [
      configError({ location: 'redis://u:data-secret@10.0.0.1:26379/0', sentinels }),
      configError({ location: 'redis://u:data-secret@mymaster/x', sentinels }),
      configError({
        location: 'redis://u:data-secret@mymaster/0',
        sentinels: [['h', 'sentinel-secret']],
        sentinelPassword: 'sentinel-secret',
      }),
      configError({ location: 'redis://:data-secret@mymaster', sentinels: [] }),
      configError({ location: 'redis://mymaster', sentinels, sentinelPassword: ['data-secret'] }),
    ];
    for (const error of errors) {
      const shown = `${error.message}\n${inspect(error, { depth: 10 })}`;
      expect(shown).not.toContain('data-secret');
      expect(shown).not.toContain('sentinel-secret');
    }
  });
});
