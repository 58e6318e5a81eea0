import { inspect } from 'node:util';
import type { Compressor, Serializer } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Backend, ConfigLogger } from '../cache-config-types.js';
import { BACKENDS, COMPRESSOR_NAMES, SERIALIZER_NAMES } from './names.js';
import { parseCacheConfig } from './parse-cache-config.js';
import { isResolvedCacheConfig } from './resolved.js';

const SECRET = 's3cr3t-P@ss';
const ENCODED = 's3cr3t-P%40ss';

/** A logger that records what it is given. */
function recordingLogger(): ConfigLogger & { warnings: [Record<string, unknown>, string?][] } {
  const warnings: [Record<string, unknown>, string?][] = [];
  return {
    warnings,
    warn: (object, message) => {
      warnings.push([object, message]);
    },
    error: () => {},
  };
}

describe('backends', () => {
  const fromObjects: readonly [Backend, Record<string, unknown>, string][] = [
    ['valkey', { location: 'redis://h:6390/0' }, 'iovalkey'],
    ['redis', { location: 'valkey://h:6390/0' }, 'ioredis'],
    ['valkey-sentinel', { location: 'valkey://mymaster/0', sentinels: ['h:26379'] }, 'iovalkey'],
    ['redis-sentinel', { location: 'redis://mymaster/0', sentinels: ['h:26379'] }, 'ioredis'],
    ['valkey-cluster', { location: 'valkey://n1:7000, valkey://n2:7000' }, 'iovalkey'],
    ['redis-cluster', { location: ['redis://n1:7000', 'redis://n2:7000/0'] }, 'ioredis'],
    ['memory', {}, 'ioredis'],
    ['dummy', {}, 'ioredis'],
  ];

  it('covers every backend name', () => {
    expect(fromObjects.map(([backend]) => backend).sort()).toEqual([...BACKENDS].sort());
  });

  it.each(fromObjects)('accepts backend %s given explicitly', (backend, rest, driver) => {
    const config = parseCacheConfig({ backend, ...rest });
    expect(config.backend).toBe(backend);
    expect(config.driver).toBe(driver);
  });

  const fromUrls: readonly [string, Backend, string, number][] = [
    ['redis://cache:6390/0', 'redis', 'ioredis', 1],
    ['rediss://cache:6380/0', 'redis', 'ioredis', 1],
    ['unix:///run/redis.sock', 'redis', 'ioredis', 1],
    ['valkey://cache:6390/0', 'valkey', 'iovalkey', 1],
    ['valkeys://cache:6380/0', 'valkey', 'iovalkey', 1],
    ['valkey+unix:///run/valkey.sock', 'valkey', 'iovalkey', 1],
    ['redis://p/1, redis://r1/1', 'redis', 'ioredis', 2],
    ['redis://mymaster/0?sentinels=h1:26379,h2:26380', 'redis-sentinel', 'ioredis', 1],
    ['valkey://mymaster?sentinels=h1', 'valkey-sentinel', 'iovalkey', 1],
    ['memory://', 'memory', 'ioredis', 0],
    ['dummy://', 'dummy', 'ioredis', 0],
    ['MEMORY://', 'memory', 'ioredis', 0],
  ];

  it.each(fromUrls)('infers the backend of %s', (url, backend, driver, count) => {
    const config = parseCacheConfig(url);
    expect(config.backend).toBe(backend);
    expect(config.driver).toBe(driver);
    expect(config.location).toHaveLength(count);
    expect(parseCacheConfig({ location: url }).backend).toBe(backend);
  });

  it('uses the memory backend without a location', () => {
    expect(parseCacheConfig({}).backend).toBe('memory');
    expect(parseCacheConfig({}).location).toEqual([]);
  });

  it('reads the sentinels from ?sentinels=, with the default port', () => {
    const config = parseCacheConfig('redis://mymaster/0?sentinels=h1:26379,h2');
    expect(config.sentinels).toEqual([
      { host: 'h1', port: 26379 },
      { host: 'h2', port: 26379 },
    ]);
  });

  it('normalizes every form of sentinel address', () => {
    const config = parseCacheConfig({
      backend: 'valkey-sentinel',
      location: 'valkey://mymaster/0',
      sentinels: ['h1:26379', ['h2', 26380], { host: 'h3', port: 26381 }, '[::1]:26382', 'h4'],
    });
    expect(config.sentinels).toEqual([
      { host: 'h1', port: 26379 },
      { host: 'h2', port: 26380 },
      { host: 'h3', port: 26381 },
      { host: '::1', port: 26382 },
      { host: 'h4', port: 26379 },
    ]);
    expect(Object.isFrozen(config.sentinels)).toBe(true);
  });

  it('lets the driver option override the backend', () => {
    expect(parseCacheConfig({ location: 'redis://h', driver: 'iovalkey' }).driver).toBe('iovalkey');
  });

  it('accepts natMap and clusterOptions on a cluster', () => {
    const natMap = { '10.0.0.1:7000': { host: 'localhost', port: 17000 } };
    const config = parseCacheConfig({
      backend: 'redis-cluster',
      location: 'redis://n1:7000/0',
      natMap,
      clusterOptions: { scaleReads: 'master' },
    });
    expect(config.natMap).toBe(natMap);
    expect(config.clusterOptions).toEqual({ scaleReads: 'master' });
  });

  it('accepts maxEntries and maxBytes on the memory backend', () => {
    const config = parseCacheConfig({ backend: 'memory', maxEntries: 10, maxBytes: 1024 });
    expect([config.maxEntries, config.maxBytes]).toEqual([10, 1024]);
  });
});

describe('defaults', () => {
  it('fills every default', () => {
    const config = parseCacheConfig('redis://cache:6390');
    expect({ ...config }).toEqual({
      alias: 'default',
      backend: 'redis',
      location: ['redis://cache:6390'],
      driver: 'ioredis',
      timeout: 300,
      keyPrefix: '',
      version: 1,
      serializer: ['json'],
      compressor: [],
      minLength: 256,
      maxConnections: 50,
      socketConnectTimeout: 5,
      socketTimeout: 5,
      retryOnTimeout: false,
      ignoreExceptions: false,
      logIgnoredExceptions: false,
      readFrom: 'primary',
      warnings: [],
      source: 'explicit',
    });
  });

  it('takes the alias, source and default key prefix from the options', () => {
    const config = parseCacheConfig(
      {},
      { alias: 'sessions', source: 'env:REDIS_URL', defaultKeyPrefix: 'my-app' },
    );
    expect([config.alias, config.source, config.keyPrefix]).toEqual([
      'sessions',
      'env:REDIS_URL',
      'my-app',
    ]);
    expect(parseCacheConfig({ keyPrefix: '' }, { defaultKeyPrefix: 'my-app' }).keyPrefix).toBe('');
  });

  it('accepts timeout null (never expire) and 0, and any integer version', () => {
    expect(parseCacheConfig({ timeout: null }).timeout).toBeNull();
    expect(parseCacheConfig({ timeout: 0 }).timeout).toBe(0);
    expect(parseCacheConfig({ timeout: 0.5 }).timeout).toBe(0.5);
    expect(parseCacheConfig({ version: -2 }).version).toBe(-2);
  });

  it('passes nearCache on when given (true or its options), and leaves it out otherwise', () => {
    expect(parseCacheConfig({ location: 'redis://h', nearCache: true }).nearCache).toBe(true);
    expect(
      parseCacheConfig({ location: 'redis://h', nearCache: { maxEntries: 50, ttl: 0.5 } })
        .nearCache,
    ).toEqual({ maxEntries: 50, ttl: 0.5 });
    expect('nearCache' in parseCacheConfig({ location: 'redis://h' })).toBe(false);
  });

  it('passes maxKeyLength and maxValueSize on when given, for the cache to apply', () => {
    const config = parseCacheConfig({ maxKeyLength: 250, maxValueSize: 16 * 1024 * 1024 });
    expect(config.maxKeyLength).toBe(250);
    expect(config.maxValueSize).toBe(16 * 1024 * 1024);
    expect('maxValueSize' in parseCacheConfig({})).toBe(false);
  });

  it('exports the name lists', () => {
    expect(SERIALIZER_NAMES).toEqual(['json', 'msgpack', 'v8']);
    expect(COMPRESSOR_NAMES).toEqual(['zlib', 'gzip', 'brotli', 'lz4', 'zstd', 'lzma']);
    expect(Object.isFrozen(BACKENDS)).toBe(true);
  });
});

describe('URL values', () => {
  it('reflects query parameters, which win over the options', () => {
    const config = parseCacheConfig({
      location:
        'redis://h:6390/3?socket_timeout=1.5&socket_connect_timeout=2&max_connections=7&retry_on_timeout=yes',
      socketTimeout: 9,
      maxConnections: 99,
      db: 1,
    });
    expect(config.socketTimeout).toBe(1.5);
    expect(config.socketConnectTimeout).toBe(2);
    expect(config.maxConnections).toBe(7);
    expect(config.retryOnTimeout).toBe(true);
    expect(config.db).toBe(3);
  });

  it('keeps the options when the URL says nothing', () => {
    const config = parseCacheConfig({ location: 'redis://h', socketTimeout: 0.25, db: 4 });
    expect([config.socketTimeout, config.db]).toEqual([0.25, 4]);
  });

  it('turns TLS on for rediss:// and valkeys://', () => {
    expect(parseCacheConfig('rediss://h').tls).toBe(true);
    expect(parseCacheConfig('redis://h').tls).toBeUndefined();
  });
});

describe('options', () => {
  it('merges flat and nested options', () => {
    const config = parseCacheConfig({
      location: 'valkey://h',
      keyPrefix: 'app',
      timeout: 60,
      options: {
        serializer: 'msgpack',
        compressor: ['zstd', 'zlib'],
        minLength: 0,
        password: SECRET,
        ignoreExceptions: true,
        readFrom: 'preferReplica',
      },
    });
    expect(config).toMatchObject({
      keyPrefix: 'app',
      timeout: 60,
      serializer: ['msgpack'],
      compressor: ['zstd', 'zlib'],
      minLength: 0,
      ignoreExceptions: true,
      readFrom: 'preferReplica',
    });
    expect(config.password).toBe(SECRET);
  });

  it('accepts codec instances and lists of names and instances', () => {
    const serializer: Serializer = {
      name: 'custom',
      serialize: () => new Uint8Array(),
      deserialize: () => null,
    };
    const compressor: Compressor = {
      name: 'mine',
      compress: (data) => data,
      decompress: (data) => data,
    };
    const config = parseCacheConfig({ serializer: [serializer, 'json'], compressor });
    expect(config.serializer).toEqual([serializer, 'json']);
    expect(config.compressor).toEqual([compressor]);
  });

  it('reads compressor null and [] as no compression', () => {
    expect(parseCacheConfig({ compressor: null }).compressor).toEqual([]);
    expect(parseCacheConfig({ compressor: [] }).compressor).toEqual([]);
  });

  it('accepts a custom keyFunction without reverseKeyFunction', () => {
    const keyFunction = (key: string, prefix: string, version: number) =>
      `${prefix}|${version}|${key}`;
    const config = parseCacheConfig({ keyFunction });
    expect(config.keyFunction).toBe(keyFunction);
    expect(config.reverseKeyFunction).toBeUndefined();
  });

  it('accepts TLS settings', () => {
    const tls = { caFile: '/etc/ca.pem', rejectUnauthorized: false, servername: 'cache' };
    expect(parseCacheConfig({ location: 'rediss://h', tls }).tls).toBe(tls);
  });
});

describe('warnings', () => {
  it('logs parserClass through the injected logger, naming what Node does instead', () => {
    const logger = recordingLogger();
    const config = parseCacheConfig(
      { location: 'redis://h', options: { parserClass: 'HiredisParser' } },
      { logger },
    );
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).toContain('options.parserClass: has no meaning in Node');
    expect(config.warnings[0]).toContain('parse RESP themselves');
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.[0]).toEqual({ alias: 'default', source: 'explicit' });
    expect(logger.warnings[0]?.[1]).toContain(config.warnings[0]);
  });

  it('logs poolClass through the cache logger option, naming maxConnections', () => {
    const logger = recordingLogger();
    const config = parseCacheConfig({ poolClass: 'BlockingConnectionPool', logger });
    expect(config.warnings[0]).toContain('poolClass: has no meaning in Node');
    expect(config.warnings[0]).toContain('maxConnections');
    expect(logger.warnings.map(([, message]) => message)).toEqual([
      `cachex config: ${config.warnings[0]}`,
    ]);
  });

  it('calls a class-based logger on its own instance', () => {
    class Logger implements ConfigLogger {
      readonly lines: string[] = [];
      warn(_object: Record<string, unknown>, message?: string): void {
        this.lines.push(message ?? '');
      }
      error(): void {}
    }
    const logger = new Logger();
    const config = parseCacheConfig({ parserClass: 'x', logger });
    expect(config.logger).toBe(logger);
    expect(logger.lines).toHaveLength(1);
  });

  it('logs nothing when the configuration is invalid or has no warning', () => {
    const logger = recordingLogger();
    expect(() => parseCacheConfig({ parserClass: 'x', timeout: -1 }, { logger })).toThrow(
      'timeout',
    );
    parseCacheConfig({}, { logger });
    expect(logger.warnings).toEqual([]);
  });
});

describe('the resolved object', () => {
  const config = parseCacheConfig({
    backend: 'redis-sentinel',
    location: `redis://app:${ENCODED}@mymaster/0`,
    sentinels: ['h:26379'],
    username: 'app',
    password: SECRET,
    sentinelPassword: 'sentinel-S3cret',
    tls: { key: 'PRIVATE-KEY-PEM' },
    clientOptions: { password: 'client-S3cret', name: 'worker' },
  });
  const secrets = [SECRET, ENCODED, 'sentinel-S3cret', 'PRIVATE-KEY-PEM', 'client-S3cret'];

  it('returns the secrets when read explicitly', () => {
    expect(config.password).toBe(SECRET);
    expect(config.sentinelPassword).toBe('sentinel-S3cret');
    expect(config.location).toEqual([`redis://app:${ENCODED}@mymaster/0`]);
  });

  it('redacts them in util.inspect, JSON.stringify and String()', () => {
    const printed = [inspect(config, { depth: 10 }), JSON.stringify(config), String(config)];
    for (const text of printed) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    const json = JSON.parse(JSON.stringify(config));
    expect(json.password).toBe('[redacted]');
    expect(json.sentinelPassword).toBe('[redacted]');
    expect(json.location).toEqual(['redis://app:***@mymaster/0']);
    expect(json.tls).toEqual({ key: '[redacted]' });
    expect(json.clientOptions).toEqual({ password: '[redacted]', name: 'worker' });
    expect(inspect(config)).toMatch(/^ResolvedCacheConfig \{/);
    expect(String(config)).toBe('default: redis-sentinel redis://app:***@mymaster/0');
  });

  it('keeps the secrets out of spread and Object.keys', () => {
    expect(Object.keys(config)).not.toContain('password');
    expect({ ...config }).not.toHaveProperty('password');
    expect({ ...config }).not.toHaveProperty('sentinelPassword');
  });

  it('is frozen and branded', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.location)).toBe(true);
    expect(Object.isFrozen(config.serializer)).toBe(true);
    expect(() => {
      (config as { timeout: number | null }).timeout = 1;
    }).toThrow(TypeError);
    expect(isResolvedCacheConfig(config)).toBe(true);
    expect(parseCacheConfig(config)).toBe(config);
    expect(isResolvedCacheConfig({ ...config })).toBe(false);
    expect(isResolvedCacheConfig(null)).toBe(false);
    expect(isResolvedCacheConfig('redis://h')).toBe(false);
  });
});
