import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { getTestServers, randomPrefix } from '@cachex/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type CacheConfig,
  type CachexCache,
  createCache,
  createCodec,
  createCoreCache,
  createStandaloneTransport,
  describeConfig,
  isCachexError,
  parseCacheConfig,
  parseCachesConfig,
  parseLocation,
  resolveCacheConfig,
} from '../src/index.js';

// One place that captures everything cachex produces while it handles a password (errors and
// their causes, console output, logger calls, onIgnoredError payloads, and every rendering of
// configurations, caches and transports) and looks for the password in all of it.

/** Appears only inside the passwords of this file: any part of a password that leaks has it. */
const TOKEN = randomBytes(6).toString('hex');
/** A password that needs percent-encoding in a URL (`@ : / % #`). */
const PASSWORD = `Zq${TOKEN}-p@ss:/%#W`;
const ENCODED = encodeURIComponent(PASSWORD);
const SENTINEL_PASSWORD = `Sn${TOKEN}-s3nt!nel`;
const NEEDLES = [PASSWORD, ENCODED, TOKEN, SENTINEL_PASSWORD];

const inspectOptions = { showHidden: true, depth: 20, getters: true } as const;

/** Every rendering of one captured value, labelled with where it came from. */
const captured: { label: string; text: string }[] = [];

/** Errors by the links through which drivers nest them. */
const LINKS = ['cause', 'errors', 'previousErrors', 'lastNodeError'] as const;

/** JSON the way pino's error serializer writes it: message, stack, own fields, causes. */
function pinoJson(value: unknown): string {
  const seen = new WeakSet<object>();
  const replace = (_key: string, v: unknown): unknown => {
    if (typeof v === 'bigint') return String(v);
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return '[Circular]';
    seen.add(v);
    if (v instanceof Error) {
      const out: Record<string, unknown> = { type: v.name, message: v.message, stack: v.stack };
      for (const key of Reflect.ownKeys(v)) {
        if (typeof key === 'string' && !(key in out)) {
          out[key] = (v as unknown as Record<string, unknown>)[key];
        }
      }
      for (const key of LINKS)
        if (key in v) out[key] = (v as unknown as Record<string, unknown>)[key];
      return out;
    }
    return v;
  };
  try {
    return JSON.stringify(value, replace) ?? '';
  } catch (error) {
    return `JSON failed: ${String(error)}`;
  }
}

function plainJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    return `JSON failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function plainString(value: unknown): string {
  try {
    return `${String(value)} ${typeof value === 'object' && value !== null ? `${value as object}` : ''}`;
  } catch (error) {
    return `String failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Records `value` as inspect (hidden fields too), JSON, pino JSON and String. */
function capture(label: string, value: unknown): void {
  const texts = [
    inspect(value, inspectOptions),
    inspect(value, { depth: 20 }),
    plainJson(value),
    pinoJson(value),
    plainString(value),
  ];
  for (const text of texts) captured.push({ label, text });
}

/** Records an error: message, stack, every rendering, and the same for each nested error. */
function captureError(label: string, error: unknown, seen = new Set<unknown>()): void {
  if (seen.has(error)) return;
  seen.add(error);
  capture(label, error);
  if (typeof error !== 'object' || error === null) return;
  const e = error as Record<string, unknown>;
  captured.push({ label, text: `${String(e.message)}\n${String(e.stack)}` });
  if ('context' in e) capture(`${label} context`, e.context);
  for (const link of LINKS) {
    const next = e[link];
    if (Array.isArray(next)) for (const item of next) captureError(`${label}.${link}`, item, seen);
    else if (next !== undefined) captureError(`${label}.${link}`, next, seen);
  }
}

/** Runs `fn` and records what it throws (or rejects with). */
async function attempt(label: string, fn: () => unknown): Promise<unknown> {
  try {
    await fn();
    return undefined;
  } catch (error) {
    captureError(label, error);
    return error;
  }
}

/** A pino-like logger (`warn(obj, msg)`, …) that records every call. */
function capturingLogger(label: string) {
  const calls: unknown[][] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) => {
      calls.push(args);
      for (const arg of args) {
        captureError(`${label} logger.${level}`, arg);
        captured.push({ label: `${label} logger.${level} (pino)`, text: pinoJson(arg) });
      }
    };
  return {
    calls,
    logger: {
      warn: record('warn'),
      error: record('error'),
      info: record('info'),
      debug: record('debug'),
      trace: record('trace'),
      fatal: record('fatal'),
      child: () => capturingLogger(`${label} child`).logger,
    },
  };
}

const consoleCalls: unknown[][] = [];
beforeEach(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleCalls.push(args);
      for (const arg of args) captureError(`console.${method}`, arg);
    });
  }
  const write = process.stderr.write.bind(process.stderr);
  vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    captured.push({ label: 'process.stderr', text: String(chunk) });
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write);
  const onWarning = (warning: Error) => captureError('process warning', warning);
  process.on('warning', onWarning);
  warningListeners.push(onWarning);
});
const warningListeners: ((warning: Error) => void)[] = [];

const opened: CachexCache[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((cache) => cache.close().catch(() => {})));
  vi.restoreAllMocks();
  for (const listener of warningListeners.splice(0)) process.off('warning', listener);
});

/** Fails listing every capture that holds the password (or its encoded form, or its token). */
function expectNoSecrets(): void {
  const leaks: string[] = [];
  for (const { label, text } of captured) {
    for (const needle of NEEDLES) {
      const at = text.indexOf(needle);
      if (at >= 0) {
        leaks.push(`${label}: …${text.slice(Math.max(0, at - 120), at + needle.length + 40)}…`);
      }
    }
  }
  expect([...new Set(leaks)].slice(0, 40)).toEqual([]);
}

afterAll(() => {
  // The whole file's captures, once more (each test checks its own as it goes).
  expectNoSecrets();
});

/** A loopback port nothing listens on: connections to it are refused at once. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** Every rendering of a configuration a user (or a logger) might print. */
function captureConfig(label: string, config: unknown): void {
  // Renderings only: `{ ...config }` and `Object.entries` read the fields, and `location` is
  // the URL as given (a password in it included), which the transport needs to connect.
  capture(label, config);
  try {
    captured.push({
      label: `${label} describeConfig`,
      text: describeConfig(config as Parameters<typeof describeConfig>[0]),
    });
  } catch (error) {
    captureError(`${label} describeConfig`, error);
  }
}

/** Renders a cache and the transport under it. */
function captureCache(label: string, cache: CachexCache): void {
  capture(`${label} cache`, cache);
  const context = (cache as unknown as { context?: { transport?: unknown } }).context;
  if (context !== undefined) {
    capture(`${label} cache.context`, context);
    capture(`${label} transport`, context.transport);
  }
}

const quick = { socketConnectTimeout: 1, socketTimeout: 1 } as const;

/**
 * Runs the methods most apps call (and a lock and a script) on a cache that cannot reach or
 * log in to its server, with and without `ignoreExceptions`, and records everything.
 */
async function exercise(label: string, config: CacheConfig): Promise<unknown[]> {
  const errors: unknown[] = [];
  const strict = createCache({ ...quick, ...config, keyPrefix: randomPrefix() });
  opened.push(strict);
  captureCache(`${label} strict`, strict);
  const calls: [string, () => Promise<unknown>][] = [
    ['get', () => strict.get('k')],
    ['set', () => strict.set('k', 1)],
    ['getMany', () => strict.getMany(['a', 'b'])],
    ['setMany', () => strict.setMany({ a: 1, b: 2 })],
    ['incr', () => strict.incr('n')],
    ['deletePattern', () => strict.deletePattern('a*')],
    ['lock', () => strict.lock('job', { timeout: 5 }).acquire()],
    [
      'evalScript',
      () => {
        strict.registerScript('one', "return redis.call('GET', KEYS[1])", { numKeys: 1 });
        return strict.evalScript('one', { keys: ['k'] });
      },
    ],
  ];
  for (const [method, call] of calls) {
    const error = await attempt(`${label} ${method}`, call);
    if (error !== undefined) errors.push(error);
  }
  captureCache(`${label} strict (after calls)`, strict);

  const { logger, calls: logged } = capturingLogger(label);
  const lenient = createCache({
    ...quick,
    ...config,
    keyPrefix: randomPrefix(),
    ignoreExceptions: true,
    logIgnoredExceptions: true,
    logger,
  });
  opened.push(lenient);
  expect(await lenient.get('k', { default: 'fallback' })).toBe('fallback');
  expect(await lenient.set('k', 1)).toBe(false);
  await lenient.getMany(['a', 'b']);
  captureCache(`${label} lenient`, lenient);
  expect(logged.length, `${label}: swallowed failures are logged`).toBeGreaterThan(0);

  // The default logger: console.warn.
  const defaultLogger = createCache({
    ...quick,
    ...config,
    keyPrefix: randomPrefix(),
    ignoreExceptions: true,
    logIgnoredExceptions: true,
  });
  opened.push(defaultLogger);
  const before = consoleCalls.length;
  await defaultLogger.get('k');
  expect(consoleCalls.length, `${label}: console.warn by default`).toBeGreaterThan(before);
  return errors;
}

describe('no password in anything cachex produces', () => {
  describe('URL and configuration errors', () => {
    const authority = `app:${ENCODED}@127.0.0.1`;
    const badUrls = [
      `redis://${authority}:99999/0`, // port out of range
      `redis://${authority}:63x9/0`, // port not a number
      `redsi://${authority}:7001/0`, // unknown scheme
      `${authority}:7001/0`, // no scheme at all
      `redis://${authority}:7001/abc`, // db not a number
      `redis://${authority}:7001/-1`, // negative db
      `redis://${authority}:7001/0?socket_timeout=abc`, // bad query value
      `redis://${authority}:7001/0?db=1&db=2`, // repeated parameter
      `redis://app:Zq${TOKEN}%zz@127.0.0.1:7001/0`, // bad percent-encoding in the password
      `redis://app:${PASSWORD}@127.0.0.1:7001/0`, // password not percent-encoded at all
      `redis://app:${ENCODED}@[::1:7001/0`, // unclosed IPv6 bracket
      `redis://app:${ENCODED}@:7001/0`, // no host
      `redis://app:${ENCODED}@127.0.0.1:7001:7002/0`, // two ports
      `redis://app:${ENCODED}@127.0.0.1:7001/0,redis://app:${ENCODED}@127.0.0.1:abc/0`, // bad replica
      `memory://app:${ENCODED}@127.0.0.1`, // credentials where none belong
      `rediss://app:${ENCODED}@127.0.0.1:7001/0?ssl_cert_reqs=maybe`, // bad TLS parameter
    ];

    it('parseLocation, parseCacheConfig, resolveCacheConfig and createCache', async () => {
      let refused = 0;
      for (const url of badUrls) {
        const errors = [
          await attempt(`parseLocation ${url.slice(0, 12)}`, () => parseLocation(url)),
          await attempt('parseCacheConfig(url)', () => parseCacheConfig({ location: url })),
          await attempt('resolveCacheConfig(url)', () => resolveCacheConfig(url)),
          await attempt('createCache(url)', () => opened.push(createCache(url))),
          await attempt('createCache({ location })', () =>
            opened.push(createCache({ location: url, password: PASSWORD })),
          ),
          await attempt('parseCachesConfig', () =>
            parseCachesConfig({ default: { location: url }, other: { location: url } }),
          ),
        ];
        for (const error of errors) {
          if (error === undefined) continue;
          refused++;
          expect(isCachexError(error), String(error)).toBe(true);
        }
      }
      // Nearly every URL above is refused (a few are warnings, which are captured too).
      expect(refused).toBeGreaterThan(badUrls.length * 3);
      expectNoSecrets();
    });

    it('invalid options next to a password', async () => {
      const location = `redis://app:${ENCODED}@127.0.0.1:7001/0`;
      const configs: Record<string, unknown>[] = [
        { location, socketTimeout: 'soon' },
        { location, password: PASSWORD, db: 'zero' },
        { location, password: PASSWORD, backend: 'redis-sentinel' }, // no sentinels
        { location, password: 42 }, // not a string
        { location, password: [PASSWORD] }, // not a string
        { location, pasword: PASSWORD }, // a typo: unknown option whose value is the password
        { location, options: { Password: PASSWORD, passwd: PASSWORD } },
        { location, sentinel_kwargs: { password: SENTINEL_PASSWORD } }, // Django's name
        { location, sentinelPassword: SENTINEL_PASSWORD, backend: 'redis' }, // not a sentinel
        { location, tls: { key: `-----BEGIN PRIVATE KEY-----\n${TOKEN}\n`, bogus: 1 } },
        { location, username: 5, password: PASSWORD },
        { backend: 'redis-cluster', location: `redis://:${ENCODED}@127.0.0.1:7000/3` }, // db on a cluster
      ];
      let refused = 0;
      for (const config of configs) {
        const errors = [
          await attempt('parseCacheConfig', () => parseCacheConfig(config as CacheConfig)),
          await attempt('createCache', () => opened.push(createCache(config as CacheConfig))),
        ];
        for (const error of errors) if (error !== undefined) refused++;
      }
      expect(refused).toBeGreaterThanOrEqual(configs.length);
      expectNoSecrets();
    });
  });

  it('inspecting configurations: parsed, resolved, described, in sets', () => {
    const { acl } = getTestServers();
    const inputs: CacheConfig[] = [
      { location: `redis://app:${ENCODED}@127.0.0.1:7001/0` },
      { location: `redis://127.0.0.1:7001/0`, username: 'app', password: PASSWORD },
      {
        location: [`redis://:${ENCODED}@127.0.0.1:7001/0`, `redis://:${ENCODED}@127.0.0.1:6380/0`],
      },
      { location: `rediss://:${ENCODED}@127.0.0.1:7001/0?ssl_cert_reqs=none` },
      {
        backend: 'redis-sentinel',
        location: `redis://:${ENCODED}@mymaster/0`,
        sentinels: [`127.0.0.1:27001`],
        sentinelPassword: SENTINEL_PASSWORD,
        password: PASSWORD,
      },
      {
        backend: 'redis-cluster',
        location: `redis://:${ENCODED}@127.0.0.1:7000,redis://:${ENCODED}@127.0.0.1:7001`,
      },
      {
        location: `redis://${acl.host}:${acl.port}`,
        options: { password: PASSWORD, clientOptions: { connectionName: 'x' } },
      },
      { location: `redis://127.0.0.1:7001/0`, tls: { key: `-----BEGIN KEY-----${TOKEN}` } },
    ];
    for (const input of inputs) {
      captureConfig('parseCacheConfig', parseCacheConfig(input));
      captureConfig('resolveCacheConfig', resolveCacheConfig(input));
      captureConfig('parseCachesConfig', parseCachesConfig({ a: input, b: input }));
    }
    captureConfig('resolveCacheConfig(url)', resolveCacheConfig(`redis://:${ENCODED}@h:1/0`));
    captureConfig(
      'resolveCacheConfig(env)',
      resolveCacheConfig(undefined, { env: { REDIS_URL: `redis://:${ENCODED}@h:1/0` } }),
    );
    captureConfig('parseLocation', parseLocation(`redis://app:${ENCODED}@h:1/0`));
    // Reading the fields explicitly still gives the password: that is how it gets used.
    expect(resolveCacheConfig(inputs[1]).password).toBe(PASSWORD);
    expectNoSecrets();
  });

  it('caches and transports: util.inspect, JSON.stringify, String', async () => {
    const { acl } = getTestServers();
    const aclUrl = `redis://${acl.username}:${encodeURIComponent(acl.password)}@${acl.host}:${acl.port}`;
    // A working cache, with the password (the real one) in options; its renderings must not
    // show that password either.
    const working = createCache({
      location: `redis://${acl.host}:${acl.port}`,
      username: acl.username,
      password: acl.password,
      keyPrefix: randomPrefix(),
    });
    opened.push(working);
    await working.set('k', 1);
    const texts = [inspect(working, inspectOptions), plainJson(working), plainString(working)];
    for (const text of texts) expect(text).not.toContain(acl.password);
    const fromUrl = createCache({ location: aclUrl, keyPrefix: randomPrefix() });
    opened.push(fromUrl);
    await fromUrl.set('k', 1);
    for (const text of [inspect(fromUrl, inspectOptions), plainJson(fromUrl)]) {
      expect(text).not.toContain(acl.password);
      expect(text).not.toContain(encodeURIComponent(acl.password));
    }
    // Caches and transports holding this file's password.
    const port = await refusedPort();
    for (const config of [
      { location: `redis://app:${ENCODED}@127.0.0.1:${port}/0` },
      { location: `redis://127.0.0.1:${port}/0`, password: PASSWORD },
      {
        backend: 'redis-sentinel' as const,
        location: `redis://:${ENCODED}@mymaster/0`,
        sentinels: [`127.0.0.1:${port}`],
        sentinelPassword: SENTINEL_PASSWORD,
      },
      { backend: 'redis-cluster' as const, location: `redis://:${ENCODED}@127.0.0.1:${port}` },
    ]) {
      const cache = createCache({ ...quick, ...config });
      opened.push(cache);
      captureCache('createCache', cache);
    }
    const transport = createStandaloneTransport({
      location: `redis://app:${ENCODED}@127.0.0.1:${port}/0`,
      password: PASSWORD,
    });
    capture('createStandaloneTransport', transport);
    await transport.close();
    expectNoSecrets();
  });

  describe('connection errors, logs of ignored failures', () => {
    it('a wrong password for the ACL user (in the URL, then as an option; both drivers)', async () => {
      const { acl } = getTestServers();
      for (const driver of ['ioredis', 'iovalkey'] as const) {
        const inUrl = await exercise(`wrong password in URL (${driver})`, {
          location: `redis://${acl.username}:${ENCODED}@${acl.host}:${acl.port}`,
          driver,
        });
        const asOption = await exercise(`wrong password option (${driver})`, {
          location: `redis://${acl.host}:${acl.port}`,
          username: acl.username,
          password: PASSWORD,
          driver,
        });
        for (const error of [...inUrl, ...asOption]) {
          expect(
            isCachexError(error, 'E_CONNECTION') || isCachexError(error, 'E_NOT_SUPPORTED'),
          ).toBe(true);
        }
        expect(inUrl.some((e) => /Authentication failed|WRONGPASS/.test(String(e)))).toBe(true);
      }
      expectNoSecrets();
    }, 60_000);

    it('a refused port and an unresolvable host, with a password in the URL', async () => {
      const port = await refusedPort();
      const refused = await exercise('refused port', {
        location: `redis://app:${ENCODED}@127.0.0.1:${port}/0`,
      });
      expect(refused.length).toBeGreaterThan(0);
      for (const error of refused) {
        expect(isCachexError(error, 'E_CONNECTION') || isCachexError(error, 'E_TIMEOUT')).toBe(
          true,
        );
      }
      await exercise('unresolvable host', {
        location: `redis://app:${ENCODED}@cachex-nowhere.invalid:7001/0`,
      });
      expectNoSecrets();
    }, 60_000);

    it('TLS refused (wrong CA), Sentinel and Cluster with passwords', async () => {
      const { tls, sentinel, cluster } = getTestServers();
      await exercise('TLS without the CA', {
        location: `rediss://app:${ENCODED}@${tls.host}:${tls.port}/0`,
      });
      const port = await refusedPort();
      await exercise('sentinels refused', {
        backend: 'redis-sentinel',
        location: `redis://:${ENCODED}@mymaster/0`,
        sentinels: [`127.0.0.1:${port}`],
        sentinelPassword: SENTINEL_PASSWORD,
      });
      await exercise('cluster refused', {
        backend: 'redis-cluster',
        location: `redis://app:${ENCODED}@127.0.0.1:${port}`,
      });
      // Real topologies without passwords, sent one: AUTH fails (or the driver warns).
      const [node] = cluster.nodes;
      if (node !== undefined) {
        const cache = createCache({
          ...quick,
          backend: 'redis-cluster',
          location: `redis://app:${ENCODED}@${node.host}:${node.port}`,
          keyPrefix: randomPrefix(),
        });
        opened.push(cache);
        await attempt('cluster wrong password', () => cache.get('k'));
        captureCache('cluster wrong password', cache);
      }
      const viaSentinel = createCache({
        ...quick,
        backend: 'redis-sentinel',
        location: `redis://app:${ENCODED}@${sentinel.masterName}/0`,
        sentinels: sentinel.sentinels.map((s) => `${s.host}:${s.port}`),
        sentinelUsername: 'nobody',
        sentinelPassword: SENTINEL_PASSWORD,
        keyPrefix: randomPrefix(),
      });
      opened.push(viaSentinel);
      await attempt('sentinel wrong password', () => viaSentinel.get('k'));
      captureCache('sentinel wrong password', viaSentinel);
      expectNoSecrets();
    }, 60_000);
  });

  it('transport onError events and onIgnoredError payloads (core cache on a transport)', async () => {
    const { acl } = getTestServers();
    const port = await refusedPort();
    for (const [label, location, password] of [
      ['wrong password', `redis://${acl.username}:${ENCODED}@${acl.host}:${acl.port}`, undefined],
      ['wrong password option', `redis://${acl.host}:${acl.port}`, PASSWORD],
      ['refused', `redis://app:${ENCODED}@127.0.0.1:${port}/0`, undefined],
    ] as const) {
      const events: unknown[] = [];
      const ignored: unknown[] = [];
      const { logger, calls } = capturingLogger(label);
      const transport = createStandaloneTransport({
        location,
        ...(password === undefined ? {} : { username: acl.username, password }),
        connectTimeoutMs: 1000,
        socketTimeoutMs: 1000,
        onError: (error) => events.push(error),
      });
      const cache = createCoreCache({
        transport,
        codec: createCodec(),
        keyPrefix: randomPrefix(),
        ignoreExceptions: true,
        logIgnoredExceptions: true,
        logger,
        onIgnoredError: (error, info) => ignored.push(error, info),
      });
      try {
        expect(await cache.get('k', { default: 0 })).toBe(0);
        expect(await cache.set('k', 1)).toBe(false);
        await attempt(`${label} command`, () => transport.command('GET', ['k']));
      } finally {
        await cache.close();
      }
      expect(events.length, label).toBeGreaterThan(0);
      expect(ignored.length, label).toBeGreaterThan(0);
      expect(calls.length, label).toBeGreaterThan(0);
      for (const event of events) captureError(`${label} onError`, event);
      for (const payload of ignored) captureError(`${label} onIgnoredError`, payload);
      capture(`${label} transport (closed)`, transport);
    }
    expectNoSecrets();
  });

  it('captured something from every source', () => {
    for (const source of [
      'parseLocation',
      'parseCacheConfig',
      'resolveCacheConfig',
      'describeConfig',
      'createCache',
      'transport',
      'console.warn',
      'logger.warn',
      'onError',
      'onIgnoredError',
      'wrong password',
      'refused',
      'unresolvable host',
      'TLS',
    ]) {
      expect(
        captured.some((c) => c.label.includes(source)),
        source,
      ).toBe(true);
    }
    expect(captured.length).toBeGreaterThan(500);
  });
});
