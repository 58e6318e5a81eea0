import { inspect } from 'node:util';
import { ConfigError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { parseCacheConfig } from './parse-cache-config.js';
import { parseCachesConfig } from './parse-caches-config.js';

// A password with a character that needs percent-encoding in a URL.
const SECRET = 's3cr3t-P@ss';
const ENCODED = 's3cr3t-P%40ss';
const SENTINEL_SECRET = 'sent1nel-S3cret!';

interface Case {
  readonly name: string;
  readonly run: () => unknown;
  /** Every issue expected: its exact path and a fragment of its message. */
  readonly issues: readonly (readonly [path: string, fragment: string])[];
  /** Strings that must appear nowhere (besides the passwords above). */
  readonly secrets?: readonly string[];
}

const one = (input: unknown, options?: Parameters<typeof parseCacheConfig>[1]) => () =>
  parseCacheConfig(input, options);
const many = (input: unknown) => () => parseCachesConfig(input);

const cases: readonly Case[] = [
  {
    name: 'bad scheme',
    run: one({ location: `http://:${ENCODED}@cache:6390/0`, password: SECRET }),
    issues: [['location', 'unknown scheme "http://"']],
  },
  {
    name: 'sentinel backend without sentinels',
    run: one({ backend: 'redis-sentinel', location: 'redis://mymaster/0', password: SECRET }),
    issues: [['sentinels', 'is required by the redis-sentinel backend']],
  },
  {
    name: 'sentinels on a standalone backend',
    run: one({
      location: `redis://:${ENCODED}@cache:6390`,
      sentinels: ['10.0.0.1:26379'],
      sentinelPassword: SENTINEL_SECRET,
    }),
    issues: [
      ['sentinels', "applies to sentinel backends only, but backend is 'redis'"],
      ['sentinelPassword', "(use 'redis-sentinel')"],
    ],
  },
  {
    name: '?sentinels= with an explicit standalone backend',
    run: one({ backend: 'valkey', location: 'valkey://mymaster?sentinels=h:26379' }),
    issues: [['location', '?sentinels= needs a sentinel backend']],
  },
  {
    name: 'cluster with db 1 in the URL path',
    run: one({ backend: 'redis-cluster', location: `redis://:${ENCODED}@n1:7000/1` }),
    issues: [['location', 'cluster has database 0 only, but "redis://:***@n1:7000/1"']],
  },
  {
    name: 'cluster with ?db= in the second URL of a list',
    run: one({
      backend: 'valkey-cluster',
      location: ['valkey://n1:7000', `valkey://:${ENCODED}@n2:7000?db=2`],
    }),
    issues: [['location[1]', 'selects database 2']],
  },
  {
    name: 'cluster with the db option',
    run: one({
      backend: 'redis-cluster',
      location: 'redis://n1:7000',
      options: { db: 1, password: SECRET },
    }),
    issues: [['options.db', 'must be 0 on a cluster']],
  },
  {
    name: 'unknown option with a typo',
    run: one({ location: 'redis://h', compresor: 'zstd', password: SECRET }),
    issues: [['compresor', "unknown option 'compresor'; did you mean 'compressor'?"]],
  },
  {
    name: 'snake_case option name',
    run: one({ key_prefix: 'app', options: { max_connections: 5, password: SECRET } }),
    issues: [
      ['key_prefix', "use 'keyPrefix'"],
      ['options.max_connections', "use 'maxConnections'"],
    ],
  },
  {
    name: 'UPPER_CASE Django names',
    run: one({ BACKEND: 'redis', KEY_PREFIX: 'app', OPTIONS: {} }),
    issues: [
      ['BACKEND', "use 'backend'"],
      ['KEY_PREFIX', "use 'keyPrefix'"],
      ['OPTIONS', "use 'options'"],
    ],
  },
  {
    name: 'Django settings renamed here',
    run: one({
      location: 'rediss://h',
      options: { sentinel_kwargs: { password: SECRET }, ssl_ca_certs: '/ca.pem' },
    }),
    issues: [
      ['options.sentinel_kwargs', "use 'sentinelPassword'"],
      ['options.ssl_ca_certs', 'use tls: { caFile }'],
    ],
  },
  {
    name: 'the same option flat and nested',
    run: one({ password: SECRET, timeout: 10, options: { timeout: 20, password: SECRET } }),
    issues: [
      ['options.timeout', 'is given twice, as timeout and options.timeout'],
      ['options.password', 'is given twice, as password and options.password'],
    ],
  },
  {
    name: 'negative timeout',
    run: one({ timeout: -1, password: SECRET }),
    issues: [['timeout', 'must be a number of seconds ≥ 0, or null (never expire), got -1']],
  },
  {
    name: 'NaN timeout',
    run: one({ timeout: Number.NaN, password: SECRET }),
    issues: [['timeout', 'got NaN']],
  },
  {
    name: 'Infinity timeout',
    run: one({ options: { timeout: Number.POSITIVE_INFINITY }, password: SECRET }),
    issues: [['options.timeout', 'got Infinity']],
  },
  {
    name: 'string timeout',
    run: one({ timeout: '300' }),
    issues: [['timeout', 'got a string']],
  },
  {
    name: 'non-integer version',
    run: one({ version: 1.5, password: SECRET }),
    issues: [['version', 'must be an integer, got 1.5']],
  },
  {
    name: 'wrong serializer name',
    run: one({ serializer: 'jsn', password: SECRET }),
    issues: [['serializer', "'jsn' is not a serializer; did you mean 'json'?"]],
  },
  {
    name: 'empty serializer list',
    run: one({ serializer: [], password: SECRET }),
    issues: [['serializer', 'must not be an empty list']],
  },
  {
    name: 'serializer object without deserialize()',
    run: one({ serializer: ['json', { name: 'custom', serialize: () => new Uint8Array() }] }),
    issues: [['serializer[1].deserialize', 'needs a string name and the methods serialize()']],
  },
  {
    name: 'compressor object whose compress is not a function',
    run: one({ compressor: { name: 'mine', compress: 'gzip', decompress: () => null } }),
    issues: [['compressor.compress', 'compress is a string']],
  },
  {
    name: 'wrong compressor at index 1 of a list',
    run: one({ compressor: ['zlib', 'zstdd'], password: SECRET }),
    issues: [['compressor[1]', "'zstdd' is not a compressor; did you mean 'zstd'?"]],
  },
  {
    name: "compressor 'none'",
    run: one({ compressor: 'none' }),
    issues: [['compressor', 'write null (or []) for no compression']],
  },
  {
    name: 'Django class paths',
    run: one({
      backend: 'django_cachex.cache.ValkeyCache',
      location: 'valkey://h',
      serializer: 'django_cachex.serializers.pickle.PickleSerializer',
      compressor: 'django_cachex.compressors.zstd.ZStdCompressor',
    }),
    issues: [
      ['backend', "names a Django backend class: use 'valkey'"],
      ['serializer', 'pickle is Python-only'],
      ['compressor', "use 'zstd'"],
    ],
  },
  {
    name: 'negative minLength',
    run: one({ minLength: -1, password: SECRET }),
    issues: [['minLength', 'must be an integer ≥ 0 (bytes), got -1']],
  },
  {
    name: 'maxValueSize 0',
    run: one({ maxValueSize: 0 }),
    issues: [['maxValueSize', 'must be an integer ≥ 1 (bytes), got 0']],
  },
  {
    name: 'maxConnections 0',
    run: one({ location: `redis://:${ENCODED}@h`, maxConnections: 0 }),
    issues: [['maxConnections', 'must be an integer ≥ 1, got 0']],
  },
  {
    name: 'socketTimeout 0',
    run: one({ socketTimeout: 0, password: SECRET }),
    issues: [['socketTimeout', 'must be a number of seconds greater than 0, got 0']],
  },
  {
    name: '?socket_timeout=0 in the URL',
    run: one(`redis://:${ENCODED}@h?socket_timeout=0`),
    issues: [['location', '?socket_timeout= must be greater than 0 seconds']],
  },
  {
    name: 'readFrom typo',
    run: one({ readFrom: 'replca', password: SECRET }),
    issues: [['readFrom', "'replca' is not a readFrom value; did you mean 'replica'?"]],
  },
  {
    name: 'memory backend with a redis URL',
    run: one({ backend: 'memory', location: `redis://app:${ENCODED}@cache:6390/0` }),
    issues: [['location', 'takes no server URL ("redis://app:***@cache:6390/0")']],
  },
  {
    name: 'redis backend without location',
    run: one({ backend: 'redis', password: SECRET }),
    issues: [['location', 'is required by the redis backend']],
  },
  {
    name: 'server backend with memory://',
    run: one({ backend: 'valkey', location: 'memory://' }),
    issues: [['location', 'memory:// selects the memory backend']],
  },
  {
    name: 'memory:// mixed with a server URL',
    run: one({ location: ['memory://', `redis://:${ENCODED}@h`] }),
    issues: [['location', 'mixes memory://, dummy:// and server URLs']],
  },
  {
    name: 'bad sentinel address',
    run: one({
      backend: 'valkey-sentinel',
      location: 'valkey://mymaster',
      sentinels: ['10.0.0.1:26379', 'a:b:c', 42],
      sentinelPassword: SENTINEL_SECRET,
    }),
    issues: [
      ['sentinels[1]', '"a:b:c" is not host:port'],
      ['sentinels[2]', "must be 'host:port', [host, port] or { host, port }, got a number"],
    ],
  },
  {
    name: 'sentinel port out of range',
    run: one({
      backend: 'redis-sentinel',
      location: 'redis://mymaster',
      sentinels: [['h1', 70000], { host: 'h2', port: 0 }, 'h3:0'],
      password: SECRET,
    }),
    issues: [
      ['sentinels[0][1]', 'from 1 to 65535, got 70000'],
      ['sentinels[1].port', 'got 0'],
      ['sentinels[2]', 'got "0"'],
    ],
  },
  {
    name: 'bad entry in ?sentinels=',
    run: one(`redis://:${ENCODED}@mymaster?sentinels=h1:26379,h2:99999`),
    issues: [['location', '?sentinels= entry 2: the port must be an integer from 1 to 65535']],
  },
  {
    name: 'sentinel location with two URLs',
    run: one({
      backend: 'redis-sentinel',
      location: 'redis://m1, redis://m2',
      sentinels: ['h:26379'],
    }),
    issues: [['location', 'is one URL naming the master']],
  },
  {
    name: 'bad backend with a suggestion',
    run: one({ backend: 'redis-clustr', location: 'redis://n1:7000', password: SECRET }),
    issues: [['backend', "'redis-clustr' is not a backend; did you mean 'redis-cluster'?"]],
  },
  {
    name: 'maxEntries on a server backend',
    run: one({ location: 'redis://h', maxEntries: 100 }),
    issues: [['maxEntries', 'applies to the memory backend only']],
  },
  {
    name: 'nearCache not a boolean or an object',
    run: one({ location: 'redis://h', nearCache: 'yes' }),
    issues: [['nearCache', 'must be true, false or { maxEntries?']],
  },
  {
    name: 'nearCache ttl 0',
    run: one({ location: 'redis://h', nearCache: { ttl: 0 } }),
    issues: [['nearCache.ttl', 'a number of seconds greater than 0']],
  },
  {
    name: 'nearCache with an unknown field',
    run: one({ location: 'redis://h', nearCache: { maxItems: 5 } }),
    issues: [['nearCache', 'must be true, false or { maxEntries?']],
  },
  {
    name: 'nearCache on the memory backend',
    run: one({ backend: 'memory', nearCache: true }),
    issues: [['nearCache', 'needs a server backend']],
  },
  {
    name: 'nearCache with replica reads',
    run: one({
      backend: 'redis-sentinel',
      location: 'redis://mymaster/0',
      sentinels: ['10.0.0.1:26379'],
      readFrom: 'replica',
      nearCache: true,
    }),
    issues: [['nearCache', "cannot track reads served by replicas: use readFrom 'primary'"]],
  },
  {
    name: 'natMap on a standalone backend',
    run: one({ location: 'redis://h', natMap: {} }),
    issues: [['natMap', 'applies to cluster backends only']],
  },
  {
    name: 'tls.caFile not a string',
    run: one({ location: `rediss://:${ENCODED}@h`, tls: { caFile: 42 } }),
    issues: [['tls.caFile', 'must be a file path (a string), got a number']],
  },
  {
    name: 'TLS setting with a typo, and a private key of the wrong type',
    run: one({
      location: 'rediss://h',
      options: { tls: { rejectUnauthorised: false, key: 12345 } },
    }),
    issues: [
      ['options.tls.rejectUnauthorised', "did you mean 'rejectUnauthorized'?"],
      ['options.tls.key', 'must be PEM text'],
    ],
    secrets: ['12345'],
  },
  {
    name: 'tls: false with a rediss:// URL',
    run: one({ location: 'rediss://h', tls: false }),
    issues: [['tls', 'is false, but the location uses rediss:// (TLS)']],
  },
  {
    name: 'keyFunction not a function',
    run: one({ keyFunction: 'prefix:key', password: SECRET }),
    issues: [['keyFunction', 'must be a function (key, prefix, version) => string, got a string']],
  },
  {
    name: 'a URL with a password and a bad port',
    run: one(`redis://user:${ENCODED}@cache:99999/0`),
    issues: [['location', '"redis://user:***@cache:99999/0"']],
  },
  {
    name: 'a password that is not a string is not echoed',
    run: one({ password: 987654321, username: 1 }),
    issues: [
      ['password', 'must be a string, got a number'],
      ['username', 'must be a string'],
    ],
    secrets: ['987654321'],
  },
  {
    name: 'input that is not an object',
    run: one(42),
    issues: [['', 'must be a cache configuration object or a location URL string, got a number']],
  },
  {
    name: 'path prefix from the options',
    run: one({ options: { timeout: -5 }, password: SECRET }, { path: 'caches.sessions' }),
    issues: [['caches.sessions.options.timeout', 'got -5']],
  },
  {
    name: 'options that is not an object',
    run: one({ options: 'socket_timeout=5' }),
    issues: [['options', 'must be an object of options, got a string']],
  },
  {
    name: 'backend nested under options',
    run: one({ options: { backend: 'redis' } }),
    issues: [['options.backend', "'backend' belongs at the top level"]],
  },
  {
    name: 'alias close',
    run: many({ caches: { close: { location: `redis://:${ENCODED}@h` } } }),
    issues: [['caches.close', "'close' cannot be an alias"]],
  },
  {
    name: 'alias with a space',
    run: many({ default: {}, 'my cache': {} }),
    issues: [['caches["my cache"]', 'letters, digits, _ and -']],
  },
  {
    name: 'empty caches record',
    run: many({ caches: {} }),
    issues: [['caches', 'defines no cache']],
  },
  {
    name: 'empty bare record',
    run: many({}),
    issues: [['caches', 'defines no cache']],
  },
  {
    name: 'caches.sessions.options.compressor',
    run: many({
      caches: {
        default: { location: 'redis://h/0' },
        sessions: { location: 'redis://h/1', options: { compressor: 'zstdd', password: SECRET } },
      },
    }),
    issues: [['caches.sessions.options.compressor', "did you mean 'zstd'?"]],
  },
  {
    name: 'problems in several caches are reported together',
    run: many({
      default: { location: `redis://:${ENCODED}@h:70000` },
      sessions: { timeout: -1, password: SECRET },
      get: {},
    }),
    issues: [
      ['caches.default.location', 'port'],
      ['caches.sessions.timeout', 'got -1'],
      ['caches.get', "'get' cannot be an alias"],
    ],
  },
  {
    name: 'file shape with an unknown key next to caches',
    run: many({ caches: { default: {} }, cache: {} }),
    issues: [['cache', "unknown key 'cache' next to 'caches'"]],
  },
];

describe('invalid configurations', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('$name', ({ run, issues: expected, secrets = [] }) => {
    let thrown: unknown;
    try {
      run();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.code).toBe('E_CONFIG');
    expect(error.cause).toBeUndefined();

    const issues = error.context.issues as readonly { path: string; message: string }[];
    expect(issues.map((issue) => issue.path).sort()).toEqual(expected.map(([p]) => p).sort());
    expect(error.context.path).toBe(issues[0]?.path);
    for (const [path, fragment] of expected) {
      const messages = issues.filter((issue) => issue.path === path).map((i) => i.message);
      expect(messages.some((message) => message.includes(fragment))).toBe(true);
      expect(error.message).toContain(`${path || '<config>'}: `);
    }
    expect(error.message).toContain(`(${issues.length} problem`);

    const printed = [error.message, inspect(error, { depth: 10 }), JSON.stringify(error.context)];
    for (const secret of [SECRET, ENCODED, SENTINEL_SECRET, ...secrets]) {
      for (const text of printed) expect(text).not.toContain(secret);
    }
  });
});
