import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { createCodec } from '@cachex/codecs';
import {
  type Cache,
  type CacheLogger,
  type CacheOptions,
  type CachexError,
  ClosedError,
  ConnectionError,
  createCache,
  isCachexError,
  WrongTypeError,
} from '@cachex/core';
import {
  closeAfterEach,
  findFreePort,
  getTestServers,
  infoField,
  type RedisServerHandle,
  randomPrefix,
  startRedisServer,
  until,
} from '@cachex/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStandaloneTransport, type StandaloneTransportOptions } from '../src/index.js';

// Fail-open against real servers: a port where nothing listens (E_CONNECTION), a server
// stopped with SIGSTOP (E_TIMEOUT), and a healthy server whose error replies must still reject.

const closers = closeAfterEach();

interface Observed {
  cache: Cache;
  /** What `logger.warn` received: the fields and the message. */
  warnings: [fields: Record<string, unknown>, message: string | undefined][];
  /** What `onIgnoredError` received. */
  ignored: [error: CachexError, info: { method: string; key?: string }][];
  /** The names of the commands the cache handed the transport, in order. */
  sent: string[];
}

function observedCache(
  transportOptions: StandaloneTransportOptions,
  cacheOptions: Partial<CacheOptions> = {},
): Observed {
  const transport = createStandaloneTransport(transportOptions);
  closers.add(() => transport.close());
  // Every command the cache hands the transport, by name: shows a resend even when the server
  // never saw it (a hung server's connection is dropped, and the resend meets a reconnect).
  const sent: string[] = [];
  const command = transport.command.bind(transport);
  transport.command = (name, args, options) => {
    sent.push(name.toUpperCase());
    return command(name, args, options);
  };
  const warnings: Observed['warnings'] = [];
  const ignored: Observed['ignored'] = [];
  const logger: CacheLogger = {
    warn: (fields, message) => warnings.push([fields as Record<string, unknown>, message]),
    error: () => undefined,
  };
  const cache = createCache({
    transport,
    codec: createCodec(),
    keyPrefix: randomPrefix(),
    ignoreExceptions: true,
    logIgnoredExceptions: true,
    logger,
    onIgnoredError: (error, info) => ignored.push([error, info]),
    ...cacheOptions,
  });
  return { cache, warnings, ignored, sent };
}

/** One call per category of method, and what it resolves when the server is unreachable. */
const categories: [label: string, call: (cache: Cache) => Promise<unknown>, expected: unknown][] = [
  ['get (miss)', (c) => c.get('k'), undefined],
  ['get (default)', (c) => c.get('k', { default: 'fallback' }), 'fallback'],
  ['getMany', (c) => c.getMany(['a', 'b']), new Map()],
  ['has', (c) => c.has('k'), false],
  ['ttl', (c) => c.ttl('k'), -2],
  ['set', (c) => c.set('k', 1), false],
  ['add', (c) => c.add('k', 1), false],
  ['setMany', (c) => c.setMany({ a: 1, b: 2 }, { timeout: 60 }), undefined],
  ['delete', (c) => c.delete('k'), false],
  ['deleteMany', (c) => c.deleteMany(['a', 'b']), 0],
  ['expire', (c) => c.expire('k', 10), false],
  ['hgetall', (c) => c.hgetall('h'), {}],
  ['hset', (c) => c.hset('h', 'f', 1), 0],
  ['smembers', (c) => c.smembers('s'), []],
  ['sadd', (c) => c.sadd('s', [1]), 0],
  ['zrange', (c) => c.zrange('z', 0, -1), []],
  ['zadd', (c) => c.zadd('z', { a: 1 }), 0],
  ['lrange', (c) => c.lrange('l', 0, -1), []],
  ['lpush', (c) => c.lpush('l', [1]), 0],
  ['lpop', (c) => c.lpop('l'), undefined],
  ['keys', (c) => c.keys('*'), []],
  ['clear', (c) => c.clear(), 0],
];

describe('ignoreExceptions with nothing listening on the port', () => {
  let location: string;
  beforeAll(async () => {
    location = `redis://127.0.0.1:${await findFreePort()}/0`;
  });

  // A fresh transport per call: its first connection attempt is refused at once. A transport
  // that has been refused for a while waits longer between reconnects (up to 500 ms), so a
  // later call could reach its 300 ms command timeout first and fail with E_TIMEOUT instead.
  const unreachable = (cacheOptions?: Partial<CacheOptions>) =>
    observedCache({ location, socketTimeoutMs: 300 }, cacheOptions);

  it('every category resolves its ignored result, logged and reported', async () => {
    for (const [label, call, expected] of categories) {
      const { cache, warnings, ignored } = unreachable();
      await expect(call(cache), label).resolves.toEqual(expected);
      const method = label.split(' ')[0];
      expect(ignored, label).toHaveLength(1);
      const [error, info] = ignored[0]!;
      expect(error, label).toBeInstanceOf(ConnectionError);
      expect(info.method, label).toBe(method);
      expect(warnings, label).toHaveLength(1);
      const [fields, message] = warnings[0]!;
      expect(fields, label).toMatchObject({ err: error, method, code: 'E_CONNECTION' });
      expect(message, label).toBe(`cachex: ignored E_CONNECTION in ${method}`);
    }
  });

  it('getOrSet returns the factory value without storing it', async () => {
    const { cache, ignored } = unreachable();
    const factory = vi.fn(async () => ({ computed: true }));
    await expect(cache.getOrSet('k', factory)).resolves.toEqual({ computed: true });
    expect(factory).toHaveBeenCalledTimes(1);
    expect(ignored.map(([e, info]) => [e.code, info])).toEqual([
      ['E_CONNECTION', { method: 'getOrSet', key: 'k' }],
    ]);
  });

  it('getOrSet with grace, cluster single flight and meta: the factory value, not stored, no lock waited for', async () => {
    const { cache, ignored } = unreachable();
    const factory = vi.fn(async () => 'computed');
    const result = await cache.getOrSet('k', factory, {
      grace: 60,
      singleFlight: 'cluster',
      earlyRefresh: true,
      meta: true,
    });
    expect(result).toMatchObject({ value: 'computed', status: 'miss', expiresAt: undefined });
    expect(factory).toHaveBeenCalledTimes(1);
    expect(ignored.map(([e, info]) => [e.code, info.method])).toEqual([
      ['E_CONNECTION', 'getOrSet'],
    ]);
    const many = await cache.getManyOrSet(['a', 'b'], (keys) => keys.map((k) => [k, k] as const));
    expect([...many]).toEqual([
      ['a', 'a'],
      ['b', 'b'],
    ]);
  });

  it('methods without a neutral result still reject', async () => {
    const calls: ((cache: Cache) => Promise<unknown>)[] = [
      (c) => c.incr('n'),
      (c) => c.incrVersion('k'),
      (c) => c.blpop('q', { timeout: 0.2 }),
      // A pipeline is all or nothing per batch: exec() rejects when nothing could be sent.
      (c) => c.pipeline().set('a', 1).get('a').exec(),
    ];
    for (const call of calls) {
      const { cache, ignored } = unreachable();
      await expect(call(cache)).rejects.toBeInstanceOf(ConnectionError);
      expect(ignored).toEqual([]);
    }
  });

  it('without ignoreExceptions the same calls reject with a ConnectionError', async () => {
    const calls = [...categories.map(([, call]) => call), (c: Cache) => c.getOrSet('k', () => 1)];
    for (const call of calls) {
      const { cache, ignored, warnings } = unreachable({ ignoreExceptions: false });
      await expect(call(cache)).rejects.toBeInstanceOf(ConnectionError);
      expect(ignored).toEqual([]);
      expect(warnings).toEqual([]);
    }
  });
});

describe('ignoreExceptions and retryOnTimeout with a paused server', () => {
  let server: RedisServerHandle;
  beforeAll(async () => {
    server = await startRedisServer({ name: 'ignore-exceptions' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function calls(command: string): Promise<number> {
    const info = await server.command('INFO', 'commandstats');
    const stats = infoField(info, `cmdstat_${command}`);
    return Number(/calls=(\d+)/.exec(stats ?? '')?.[1] ?? 0);
  }

  it('swallows E_TIMEOUT; resends reads once, never writes', async () => {
    const options = { location: server.url, socketTimeoutMs: 300 };
    const retrying = observedCache(options, { retryOnTimeout: true });
    const plain = observedCache(options);
    // Connect both before the pause: a handshake to a stopped server would time out too.
    await retrying.cache.set('warm', 1);
    await plain.cache.has('warm');
    await server.command('CONFIG', 'RESETSTAT');
    retrying.sent.length = 0;
    server.pause();
    try {
      await expect(retrying.cache.set('k', 1)).resolves.toBe(false);
      await expect(retrying.cache.incr('n')).rejects.toMatchObject({ code: 'E_TIMEOUT' });
      await expect(retrying.cache.get('k', { default: 'd' })).resolves.toBe('d');
      await expect(retrying.cache.hgetall('h')).resolves.toEqual({});
      await expect(plain.cache.ttl('k')).resolves.toBe(-2);
    } finally {
      server.resume();
    }
    // The read is resent once; a hung server's connection is dropped after the command
    // timeout, so the resent read may end with E_CONNECTION rather than E_TIMEOUT.
    expect(retrying.ignored.map(([e, info]) => [e.code, info.method])).toEqual([
      ['E_TIMEOUT', 'set'],
      [expect.stringMatching(/^E_(TIMEOUT|CONNECTION)$/), 'get'],
      [expect.stringMatching(/^E_(TIMEOUT|CONNECTION)$/), 'hgetall'],
    ]);
    expect(retrying.warnings.map(([, message]) => message)).toEqual([
      'cachex: ignored E_TIMEOUT in set',
      expect.stringMatching(/^cachex: ignored E_(TIMEOUT|CONNECTION) in get$/),
      expect.stringMatching(/^cachex: ignored E_(TIMEOUT|CONNECTION) in hgetall$/),
    ]);
    expect(plain.ignored.map(([e, info]) => [e.code, info.method])).toEqual([['E_TIMEOUT', 'ttl']]);
    // Writes were handed to the transport once. A read that timed out was resent once; one that
    // met the dropped connection (E_CONNECTION, not a timeout) was not: at least one was resent.
    const count = (name: string) => retrying.sent.filter((sent) => sent === name).length;
    expect([count('SET'), count('INCRBY')]).toEqual([1, 1]);
    expect(count('GET')).toBeLessThanOrEqual(2);
    expect(count('HGETALL')).toBeLessThanOrEqual(2);
    expect(count('GET') + count('HGETALL')).toBeGreaterThanOrEqual(3);
    // On resume the server may still run what sat in the buffers of the dropped connections, but
    // never a write twice: the cache works again, and SET and INCRBY ran at most once.
    await until(async () => (await retrying.cache.has('warm')) === true);
    expect(await calls('set')).toBeLessThanOrEqual(1);
    expect(await calls('incrby')).toBeLessThanOrEqual(1);
  });
});

describe('what ignoreExceptions never swallows, on a healthy server', () => {
  const { url } = getTestServers().standalone;

  it('a WRONGTYPE reply', async () => {
    const { cache, ignored } = observedCache({ location: url });
    const raw = cache.getClient<{ rpush(key: string, value: string): Promise<number> }>();
    await raw.rpush(cache.makeKey('list'), 'x');
    await expect(cache.get('list')).rejects.toBeInstanceOf(WrongTypeError);
    await expect(cache.getOrSet('list', 1)).rejects.toBeInstanceOf(WrongTypeError);
    await expect(cache.hgetall('list')).rejects.toBeInstanceOf(WrongTypeError);
    await cache.delete('list');
    expect(ignored).toEqual([]);
  });

  it('calls after close()', async () => {
    const { cache, ignored } = observedCache({ location: url });
    await expect(cache.set('k', 1, { timeout: 10 })).resolves.toBe(true);
    await cache.close();
    await expect(cache.get('k')).rejects.toBeInstanceOf(ClosedError);
    await expect(cache.set('k', 2)).rejects.toBeInstanceOf(ClosedError);
    expect(ignored).toEqual([]);
  });
});

describe('a refused password', () => {
  it('is swallowed as E_CONNECTION and never logged', async () => {
    const { host, port, username } = getTestServers().acl;
    const password = `wrong-${randomBytes(8).toString('hex')}-Pw`;
    const { cache, warnings, ignored } = observedCache({
      location: `redis://${host}:${port}/0`,
      username,
      password,
      socketTimeoutMs: 1000,
      connectTimeoutMs: 1000,
      onError: () => undefined,
    });
    await expect(cache.get('k')).resolves.toBeUndefined();
    await expect(cache.set('k', 1)).resolves.toBe(false);
    expect(ignored.map(([e]) => e.code)).toEqual(['E_CONNECTION', 'E_CONNECTION']);
    expect(warnings).toHaveLength(2);
    const logged = inspect(
      { warnings, ignored },
      { depth: Number.POSITIVE_INFINITY, showHidden: true },
    );
    expect(logged).toContain('E_CONNECTION');
    expect(logged).not.toContain(password);
    for (const [error] of ignored) expect(isCachexError(error)).toBe(true);
  });
});
