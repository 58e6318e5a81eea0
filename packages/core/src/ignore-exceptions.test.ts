import { describe, expect, it, vi } from 'vitest';
import { Cache, createCache } from './cache.js';
import type { CacheOptions } from './cache-options.js';
import {
  type CachexError,
  ClosedError,
  ConfigError,
  ConnectionError,
  InvalidArgumentError,
  TimeoutError,
  WrongTypeError,
} from './errors.js';
import { isIgnorableError } from './ignore-exceptions.js';
import {
  type CacheMethodName,
  IGNORED_RESULTS,
  IN_METHOD,
  NO_IO,
  REJECTS,
} from './ignored-results.js';
import { FIRST_KEY } from './key-spec.js';
import type { CacheLogger } from './logger.js';
import { step } from './step.js';
import type { Codec } from './types/codec.js';
import type { BatchResult, CommandGroup, RedisArg, Transport } from './types/transport.js';

// The server-facing side of fail-open is tested against real servers in
// transport-standalone/test/ignore-exceptions.int.test.ts. Here a transport that can never
// reach its server (every call fails with one error, as a dead connection does) checks the
// table and the wiring of every method, quickly and without a network.

interface Sent {
  /** Command names, in the order they were sent (batches included). */
  names: string[];
}

function unreachableTransport(error: () => CachexError, sent: Sent = { names: [] }): Transport {
  return {
    name: 'unreachable',
    capabilities: { scripts: false, transactions: true, cluster: false, replicas: false },
    command: (name: string, _args: readonly RedisArg[]) => {
      sent.names.push(name);
      return Promise.reject(error());
    },
    batch: async (groups: readonly CommandGroup[]): Promise<BatchResult[]> =>
      groups.flatMap((g) =>
        g.commands.map((c) => {
          sent.names.push(c.name);
          return { ok: false as const, error: error() };
        }),
      ),
    partitionKeys: (keys) => [keys.map((_, i) => i)],
    scan: async function* () {
      sent.names.push('SCAN');
      yield* [];
      throw error();
    },
    broadcast: (name: string) => {
      sent.names.push(name);
      return Promise.reject(error());
    },
    getClient: () => undefined,
    close: () => Promise.reject(error()),
  };
}

const codec: Codec = { encode: (v) => JSON.stringify(v), decode: (d) => JSON.parse(String(d)) };

const down = () => new ConnectionError('connect ECONNREFUSED 127.0.0.1:1');

function failOpenCache(options: Partial<CacheOptions> = {}, sent?: Sent) {
  const logger = { warn: vi.fn(), error: vi.fn() } satisfies CacheLogger;
  const onIgnoredError = vi.fn();
  const cache = createCache({
    transport: unreachableTransport(down, sent),
    codec,
    ignoreExceptions: true,
    logIgnoredExceptions: true,
    logger,
    onIgnoredError,
    ...options,
  });
  return { cache, logger, onIgnoredError };
}

/** The names of the Cache's methods, from its prototype (accessors excluded). */
function prototypeMethods(): string[] {
  return Object.getOwnPropertyNames(Cache.prototype).filter((name) => {
    const descriptor = Object.getOwnPropertyDescriptor(Cache.prototype, name);
    return name !== 'constructor' && typeof descriptor?.value === 'function';
  });
}

type Call = readonly [args: readonly unknown[], expected: unknown];

const later = new Date(Date.now() + 3_600_000);

/**
 * One call of every method whose failures are ignored, and what it must resolve. Typed by
 * method name, so a method added to the table needs a sample here too.
 */
const samples: { readonly [M in CacheMethodName]?: readonly Call[] } = {
  get: [
    [['k'], undefined],
    [['k', { default: 'fallback' }], 'fallback'],
    [['k', { default: null }], null],
  ],
  set: [[['k', 1], false]],
  add: [[['k', 1], false]],
  touch: [[['k', { timeout: 10 }], false]],
  delete: [[['k'], false]],
  has: [[['k'], false]],
  getMany: [[[['a', 'b']], new Map()]],
  setMany: [
    [[{ a: 1, b: 2 }], undefined],
    [[{ a: 1, b: 2 }, { timeout: 10 }], undefined],
  ],
  deleteMany: [[[['a', 'b']], 0]],
  ttl: [[['k'], -2]],
  pttl: [[['k'], -2]],
  expireTime: [[['k'], -2]],
  expire: [[['k', 10], false]],
  pexpire: [[['k', 100], false]],
  expireAt: [[['k', later], false]],
  pexpireAt: [[['k', later], false]],
  persist: [[['k'], false]],
  getSet: [[['k', 1], undefined]],
  rename: [[['a', 'b'], false]],
  renamenx: [[['a', 'b'], false]],
  type: [[['k'], undefined]],
  hset: [
    [['h', 'f', 1], 0],
    [['h', { f: 1, g: 2 }], 0],
  ],
  hsetnx: [[['h', 'f', 1], false]],
  hget: [[['h', 'f'], undefined]],
  hmget: [
    [
      ['h', ['f', 'g']],
      [undefined, undefined],
    ],
  ],
  hgetall: [[['h'], {}]],
  hdel: [[['h', ['f']], 0]],
  hexists: [[['h', 'f'], false]],
  hlen: [[['h'], 0]],
  hkeys: [[['h'], []]],
  hvals: [[['h'], []]],
  sadd: [[['s', [1, 2]], 0]],
  srem: [[['s', [1]], 0]],
  smembers: [[['s'], []]],
  sismember: [[['s', 1], false]],
  smismember: [
    [
      ['s', [1, 2, 3]],
      [false, false, false],
    ],
  ],
  scard: [[['s'], 0]],
  spop: [
    [['s'], undefined],
    [['s', { count: 2 }], []],
  ],
  srandmember: [
    [['s'], undefined],
    [['s', { count: -2 }], []],
  ],
  smove: [[['s', 't', 1], false]],
  sdiff: [[[['s', 't']], []]],
  sinter: [[[['s', 't']], []]],
  sunion: [[[['s', 't']], []]],
  sdiffstore: [[['d', ['s', 't']], 0]],
  sinterstore: [[['d', ['s', 't']], 0]],
  sunionstore: [[['d', ['s', 't']], 0]],
  zadd: [[['z', { a: 1 }], 0]],
  zcard: [[['z'], 0]],
  zcount: [[['z', 0, 10], 0]],
  zrange: [
    [['z', 0, -1], []],
    [['z', 0, -1, { withScores: true }], []],
  ],
  zrevrange: [[['z', 0, -1], []]],
  zrangebyscore: [[['z', 0, 10], []]],
  zrevrangebyscore: [[['z', 10, 0], []]],
  zrank: [[['z', 'a'], undefined]],
  zrevrank: [[['z', 'a'], undefined]],
  zscore: [[['z', 'a'], undefined]],
  zmscore: [
    [
      ['z', ['a', 'b']],
      [undefined, undefined],
    ],
  ],
  zrem: [[['z', ['a']], 0]],
  zremrangebyrank: [[['z', 0, 1], 0]],
  zremrangebyscore: [[['z', 0, 1], 0]],
  zpopmin: [[['z'], []]],
  zpopmax: [[['z', { count: 2 }], []]],
  lpush: [[['l', [1, 2]], 0]],
  rpush: [[['l', [1]], 0]],
  lpop: [
    [['l'], undefined],
    [['l', { count: 2 }], []],
  ],
  rpop: [
    [['l'], undefined],
    [['l', { count: 2 }], []],
  ],
  llen: [[['l'], 0]],
  lindex: [[['l', 0], undefined]],
  lrange: [[['l', 0, -1], []]],
  lset: [[['l', 0, 1], false]],
  ltrim: [[['l', 0, 1], false]],
  lrem: [[['l', 0, 1], 0]],
  linsert: [[['l', 'BEFORE', 1, 2], 0]],
  lpos: [
    [['l', 1], undefined],
    [['l', 1, { count: 0 }], []],
  ],
  lmove: [[['l', 'm'], undefined]],
  keys: [
    [[], []],
    [['user:*'], []],
  ],
  deletePattern: [[['user:*'], 0]],
  clear: [[[], 0]],
  clearAllVersions: [[[], 0]],
  flushDb: [[[], undefined]],
};

/** A call of every method whose failures always reject. */
const rejecting: { readonly [M in CacheMethodName]?: readonly unknown[] } = {
  incr: ['n'],
  decr: ['n', 2],
  incrVersion: ['k'],
  decrVersion: ['k'],
  hincrby: ['h', 'f'],
  hincrbyfloat: ['h', 'f', 0.5],
  zincrby: ['z', 1, 'a'],
  blpop: ['q', { timeout: 0.1 }],
  brpop: [['q', 'r'], { timeout: 0.1 }],
  blmove: ['q', 'r', { timeout: 0.1 }],
  run: [() => step({ name: 'GET', keys: FIRST_KEY, args: ['k'], read: true }, (r) => r)],
  close: [],
};

function invoke(cache: Cache, method: string, args: readonly unknown[]): Promise<unknown> {
  return (cache as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!(
    ...args,
  );
}

describe('the ignored-results table', () => {
  it('has an entry for every Cache method, and only for Cache methods', () => {
    const methods = prototypeMethods();
    // The installed step methods and the hand-written ones are both on the prototype.
    expect(methods).toEqual(expect.arrayContaining(['get', 'zpopmax', 'blmove', 'getOrSet']));
    expect(Object.keys(IGNORED_RESULTS).sort()).toEqual([...methods].sort());
  });

  it('has a sample call for every method that resolves an ignored result', () => {
    const resolving = Object.entries(IGNORED_RESULTS)
      .filter(([, result]) => typeof result === 'function')
      .map(([name]) => name);
    // iterKeys is a generator: its own test below.
    expect(Object.keys(samples).sort()).toEqual(resolving.filter((n) => n !== 'iterKeys').sort());
    const rejects = Object.entries(IGNORED_RESULTS)
      .filter(([, result]) => result === REJECTS)
      .map(([name]) => name);
    expect(Object.keys(rejecting).sort()).toEqual(rejects.sort());
    expect(IGNORED_RESULTS.getOrSet).toBe(IN_METHOD);
    expect(IGNORED_RESULTS.pipeline).toBe(NO_IO);
  });
});

describe('ignoreExceptions with an unreachable server', () => {
  for (const [method, calls] of Object.entries(samples)) {
    it(`${method} resolves its ignored result and reports it`, async () => {
      for (const [args, expected] of calls ?? []) {
        const { cache, logger, onIgnoredError } = failOpenCache();
        await expect(invoke(cache, method, args)).resolves.toEqual(expected);
        expect(onIgnoredError).toHaveBeenCalledTimes(1);
        const [error, info] = onIgnoredError.mock.calls[0]!;
        expect((error as CachexError).code).toBe('E_CONNECTION');
        expect(info.method).toBe(method);
        expect(logger.warn).toHaveBeenCalledTimes(1);
        const [fields, message] = logger.warn.mock.calls[0]!;
        expect(fields).toMatchObject({ err: error, method, code: 'E_CONNECTION' });
        expect(message).toBe(`cachex: ignored E_CONNECTION in ${method}`);
      }
    });
  }

  it('the same calls reject with the ConnectionError without ignoreExceptions', async () => {
    for (const [method, calls] of Object.entries(samples)) {
      for (const [args] of calls ?? []) {
        const { cache, onIgnoredError } = failOpenCache({ ignoreExceptions: false });
        await expect(invoke(cache, method, args), method).rejects.toBeInstanceOf(ConnectionError);
        expect(onIgnoredError).not.toHaveBeenCalled();
      }
    }
  });

  for (const [method, args] of Object.entries(rejecting)) {
    it(`${method} still rejects: it has no neutral result`, async () => {
      const { cache, onIgnoredError, logger } = failOpenCache();
      await expect(invoke(cache, method, args ?? [])).rejects.toBeInstanceOf(ConnectionError);
      expect(onIgnoredError).not.toHaveBeenCalled();
      expect(logger.warn).not.toHaveBeenCalled();
    });
  }

  it('the log fields carry the key of a single-key call', async () => {
    const { cache, logger, onIgnoredError } = failOpenCache();
    await cache.get('user:42');
    expect(logger.warn.mock.calls[0]![0]).toMatchObject({ method: 'get', key: 'user:42' });
    expect(onIgnoredError.mock.calls[0]![1]).toEqual({ method: 'get', key: 'user:42' });
  });

  it('iterKeys ends the iteration', async () => {
    const { cache, onIgnoredError } = failOpenCache();
    const seen: string[] = [];
    for await (const key of cache.iterKeys('*')) seen.push(key);
    expect(seen).toEqual([]);
    expect(onIgnoredError.mock.calls[0]![1]).toEqual({ method: 'iterKeys' });
    const strict = failOpenCache({ ignoreExceptions: false }).cache;
    await expect(async () => {
      for await (const _ of strict.iterKeys('*')) seen.push(_);
    }).rejects.toBeInstanceOf(ConnectionError);
  });

  it('getOrSet runs the factory once for concurrent calls and stores nothing', async () => {
    const sent: Sent = { names: [] };
    const { cache, onIgnoredError } = failOpenCache({}, sent);
    const factory = vi.fn(async () => ({ fresh: true }));
    const results = await Promise.all([
      cache.getOrSet('k', factory),
      cache.getOrSet('k', factory),
      cache.getOrSet('other', { plain: 1 }),
    ]);
    expect(results).toEqual([{ fresh: true }, { fresh: true }, { plain: 1 }]);
    expect(factory).toHaveBeenCalledTimes(1);
    // Only the lookups went out: no SET, since the server was known to be down.
    expect(sent.names).toEqual(['GET', 'GET', 'GET']);
    expect(onIgnoredError.mock.calls.map(([, info]) => info)).toEqual([
      { method: 'getOrSet', key: 'k' },
      { method: 'getOrSet', key: 'k' },
      { method: 'getOrSet', key: 'other' },
    ]);
  });

  it('getOrSet returns the factory value when only the write fails', async () => {
    const sent: Sent = { names: [] };
    const onIgnoredError = vi.fn();
    const transport = unreachableTransport(down, sent);
    const cache = createCache({
      // The lookup answers (a miss); the SET that would store the value cannot be sent.
      transport: {
        ...transport,
        command: (name, args, options) =>
          name === 'GET' ? Promise.resolve(null) : transport.command(name, args, options),
      },
      codec,
      ignoreExceptions: true,
      onIgnoredError,
    });
    await expect(cache.getOrSet('k', () => 'computed')).resolves.toBe('computed');
    expect(sent.names).toEqual(['SET']);
    expect(onIgnoredError.mock.calls.map(([e, info]) => [e.code, info])).toEqual([
      ['E_CONNECTION', { method: 'getOrSet', key: 'k' }],
    ]);
  });

  it('getOrSet rejects without ignoreExceptions, and never calls the factory', async () => {
    const { cache } = failOpenCache({ ignoreExceptions: false });
    const factory = vi.fn(() => 1);
    await expect(cache.getOrSet('k', factory)).rejects.toBeInstanceOf(ConnectionError);
    expect(factory).not.toHaveBeenCalled();
  });

  it('logs nothing without logIgnoredExceptions, but still calls onIgnoredError', async () => {
    const { cache, logger, onIgnoredError } = failOpenCache({ logIgnoredExceptions: false });
    await expect(cache.get('k')).resolves.toBeUndefined();
    expect(logger.warn).not.toHaveBeenCalled();
    expect(onIgnoredError).toHaveBeenCalledTimes(1);
  });

  it('a throwing onIgnoredError is logged as an error and the call still resolves', async () => {
    const hookError = new Error('metrics down');
    const { cache, logger } = failOpenCache({
      onIgnoredError: () => {
        throw hookError;
      },
    });
    await expect(cache.has('k')).resolves.toBe(false);
    expect(logger.error).toHaveBeenCalledWith(
      { err: hookError, method: 'has' },
      'cachex: onIgnoredError threw',
    );
  });

  it('a throwing logger does not break the call', async () => {
    const cache = createCache({
      transport: unreachableTransport(down),
      codec,
      ignoreExceptions: true,
      logIgnoredExceptions: true,
      logger: {
        warn: () => {
          throw new Error('disk full');
        },
        error: () => undefined,
      },
    });
    await expect(cache.get('k', { default: 0 })).resolves.toBe(0);
  });

  it('the default logger prints on console.warn', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const cache = createCache({
        transport: unreachableTransport(down),
        codec,
        ignoreExceptions: true,
        logIgnoredExceptions: true,
      });
      await cache.get('k');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toBe('cachex: ignored E_CONNECTION in get');
      expect(warn.mock.calls[0]![1]).toMatchObject({ method: 'get', code: 'E_CONNECTION' });
    } finally {
      warn.mockRestore();
    }
  });
});

describe('what ignoreExceptions never swallows', () => {
  const cases: [string, () => CachexError][] = [
    ['a server reply (WRONGTYPE)', () => new WrongTypeError('WRONGTYPE Operation against a key')],
    ['a closed cache', () => new ClosedError()],
  ];
  for (const [label, error] of cases) {
    it(label, async () => {
      const onIgnoredError = vi.fn();
      const cache = createCache({
        transport: unreachableTransport(error),
        codec,
        ignoreExceptions: true,
        onIgnoredError,
      });
      const expected = error().code;
      await expect(cache.get('k')).rejects.toMatchObject({ code: expected });
      await expect(cache.getOrSet('k', 1)).rejects.toMatchObject({ code: expected });
      await expect(cache.keys()).rejects.toMatchObject({ code: expected });
      expect(onIgnoredError).not.toHaveBeenCalled();
    });
  }

  it('invalid arguments and encode errors', async () => {
    const { cache, onIgnoredError } = failOpenCache({
      codec: {
        ...codec,
        encode: () => {
          throw new Error('cyclic');
        },
      },
    });
    await expect(cache.set('k', 1, { nx: true, xx: true })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(cache.set('k', 1)).rejects.toMatchObject({ code: 'E_ENCODE' });
    await expect(cache.get('k'.repeat(2000))).rejects.toMatchObject({ code: 'E_INVALID_KEY' });
    expect(onIgnoredError).not.toHaveBeenCalled();
  });

  it('classifies by code: only E_CONNECTION and E_TIMEOUT', () => {
    expect(isIgnorableError(new ConnectionError('x'))).toBe(true);
    expect(isIgnorableError(new TimeoutError('x'))).toBe(true);
    expect(isIgnorableError(new ClosedError())).toBe(false);
    expect(isIgnorableError(new WrongTypeError('WRONGTYPE'))).toBe(false);
    expect(isIgnorableError(new Error('ECONNREFUSED'))).toBe(false);
  });
});

describe('retryOnTimeout', () => {
  function timingOut(options: Partial<CacheOptions> = {}) {
    const sent: Sent = { names: [] };
    const cache = createCache({
      transport: unreachableTransport(() => new TimeoutError('Command timed out'), sent),
      codec,
      retryOnTimeout: true,
      ...options,
    });
    return { cache, sent };
  }

  it('sends a timed-out read once more, then rejects with the timeout', async () => {
    const { cache, sent } = timingOut();
    await expect(cache.get('k')).rejects.toBeInstanceOf(TimeoutError);
    expect(sent.names).toEqual(['GET', 'GET']);
  });

  it('resends reads of several commands (getMany), and extension steps that only read', async () => {
    const { cache, sent } = timingOut();
    await expect(cache.getMany(['a', 'b'])).rejects.toBeInstanceOf(TimeoutError);
    await expect(
      cache.run(() => step({ name: 'GET', keys: FIRST_KEY, args: ['k'], read: true }, (r) => r)),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(sent.names).toEqual(['MGET', 'MGET', 'GET', 'GET']);
  });

  it('never resends writes, MULTI blocks or blocking commands', async () => {
    const { cache, sent } = timingOut();
    await expect(cache.incr('n')).rejects.toBeInstanceOf(TimeoutError);
    await expect(cache.set('k', 1)).rejects.toBeInstanceOf(TimeoutError);
    await expect(cache.getSet('k', 1, { timeout: 0 })).rejects.toBeInstanceOf(TimeoutError);
    await expect(cache.blpop('q', { timeout: 0.1 })).rejects.toBeInstanceOf(TimeoutError);
    expect(sent.names).toEqual(['INCRBY', 'SET', 'GET', 'DEL', 'BLPOP']);
  });

  it('resolves the second answer when the resent read succeeds', async () => {
    let attempts = 0;
    const transport = unreachableTransport(() => new TimeoutError('Command timed out'));
    const cache = createCache({
      transport: {
        ...transport,
        command: (name, args, options) => {
          attempts += 1;
          return attempts === 1
            ? transport.command(name, args, options)
            : Promise.resolve(Buffer.from('"value"'));
        },
      },
      codec,
      retryOnTimeout: true,
    });
    await expect(cache.get('k')).resolves.toBe('value');
    expect(attempts).toBe(2);
  });

  it('does not resend reads that failed otherwise, nor without the option', async () => {
    const refused = { names: [] } as Sent;
    const cache = createCache({
      transport: unreachableTransport(down, refused),
      codec,
      retryOnTimeout: true,
    });
    await expect(cache.get('k')).rejects.toBeInstanceOf(ConnectionError);
    expect(refused.names).toEqual(['GET']);
    const { cache: plain, sent } = timingOut({ retryOnTimeout: false });
    await expect(plain.get('k')).rejects.toBeInstanceOf(TimeoutError);
    expect(sent.names).toEqual(['GET']);
  });

  it('with ignoreExceptions, the resent read that times out again resolves its miss', async () => {
    const onIgnoredError = vi.fn();
    const { cache, sent } = timingOut({ ignoreExceptions: true, onIgnoredError });
    await expect(cache.ttl('k')).resolves.toBe(-2);
    expect(sent.names).toEqual(['TTL', 'TTL']);
    expect(onIgnoredError).toHaveBeenCalledTimes(1);
  });
});

describe('options', () => {
  const base = { transport: unreachableTransport(down), codec };
  it.each([
    ['ignoreExceptions', { ignoreExceptions: 'yes' }],
    ['logIgnoredExceptions', { logIgnoredExceptions: 1 }],
    ['retryOnTimeout', { retryOnTimeout: null }],
    ['logger', { logger: { warn: () => undefined } }],
    ['onIgnoredError', { onIgnoredError: 'log' }],
  ])('a bad %s is a ConfigError naming the field', (field, options) => {
    const create = () => createCache({ ...base, ...(options as unknown as Partial<CacheOptions>) });
    expect(create).toThrow(ConfigError);
    try {
      create();
    } catch (error) {
      expect((error as ConfigError).context.field).toBe(field);
    }
  });
});
