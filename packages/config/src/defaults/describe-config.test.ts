import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { parseCacheConfig, parseCachesConfig } from '../schema/index.js';
import { describeConfig } from './describe-config.js';

const quiet = { warn: vi.fn(), error: vi.fn() };
const SECRETS = ['url-pa55', 'option-pa55', 'sentinel-pa55', 'PRIVATE-KEY-PEM', 'client-pa55'];

describe('describeConfig', () => {
  it('describes the near cache with its bounds', () => {
    const config = parseCacheConfig(
      { location: 'redis://cache.internal/0', nearCache: { maxEntries: 500, ttl: 5 } },
      { logger: quiet },
    );
    expect(describeConfig(config)).toMatch(
      /nearCache:\s+up to 500 values, 67108864 bytes, 5 s each/,
    );
    expect(describeConfig(parseCacheConfig({ location: 'redis://h' }))).not.toContain('nearCache');
  });

  it('describes a server cache and never shows a secret', () => {
    const config = parseCacheConfig(
      {
        location: [
          'rediss://app:url-pa55@primary:6380/2',
          'rediss://app:url-pa55@replica:6380/2?password=url-pa55',
        ],
        keyPrefix: 'shop',
        version: 3,
        timeout: null,
        options: {
          password: 'option-pa55',
          compressor: ['zstd', 'zlib'],
          serializer: {
            name: 'my-json',
            serialize: () => new Uint8Array(),
            deserialize: () => null,
          },
          tls: { key: 'PRIVATE-KEY-PEM', caFile: '/etc/ca.pem', rejectUnauthorized: false },
          clientOptions: { password: 'client-pa55', enableAutoPipelining: true },
          readFrom: 'replica',
          maxConnections: 7,
          ignoreExceptions: true,
          parserClass: 'redis.connection.HiredisParser',
        },
      },
      { alias: 'orders', logger: quiet },
    );
    const text = describeConfig(config);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text.split('\n')[0]).toBe('cache "orders" (source: explicit)');
    expect(text).toMatch(
      /location: +rediss:\/\/app:\*\*\*@primary:6380\/2, rediss:\/\/app:\*\*\*@replica:6380\/2\?password=\*\*\*/,
    );
    expect(text).toMatch(/backend: +redis\n/);
    expect(text).toMatch(/driver: +ioredis/);
    expect(text).toMatch(/timeout: +never expires/);
    expect(text).toMatch(/keyPrefix: +"shop"/);
    expect(text).toMatch(/version: +3/);
    expect(text).toMatch(/serializer: +my-json/);
    expect(text).toMatch(/compressor: +zstd, zlib/);
    expect(text).toMatch(/maxConnections: +7/);
    expect(text).toMatch(/readFrom: +replica/);
    expect(text).toMatch(/ignoreExceptions: +true/);
    expect(text).toMatch(/password: +\[redacted\]/);
    expect(text).toMatch(
      /tls: +on, key \[redacted\], caFile \/etc\/ca\.pem, rejectUnauthorized false/,
    );
    expect(text).toMatch(
      /clientOptions: +keys password, enableAutoPipelining \(values not shown\)/,
    );
    expect(text).toMatch(/warnings:\n {4}- (options\.)?parserClass: has no meaning/);
  });

  it('shows sentinels and hides the sentinel password', () => {
    const config = parseCacheConfig(
      {
        backend: 'valkey-sentinel',
        location: 'valkey://mymaster/0',
        sentinels: ['s1:26379', '[::1]:26380'],
        sentinelPassword: 'sentinel-pa55',
      },
      { logger: quiet },
    );
    const text = describeConfig(config);
    expect(text).not.toContain('sentinel-pa55');
    expect(text).toMatch(/sentinels: +s1:26379, \[::1\]:26380/);
    expect(text).toMatch(/sentinelPassword: +\[redacted\]/);
    expect(text).toMatch(/driver: +iovalkey/);
  });

  it('describes every cache of a set, and leaves server settings out of memory caches', () => {
    const caches = parseCachesConfig(
      {
        caches: {
          default: { location: 'redis://:url-pa55@cache:6390/0' },
          local: { backend: 'memory', maxEntries: 1000 },
        },
      },
      { defaultKeyPrefix: 'app', logger: quiet },
    );
    const text = describeConfig(caches);
    const [first, second] = text.split('\n\n');
    expect(first).toMatch(/^cache "default" \(source: explicit\)/);
    expect(first).toContain('redis://:***@cache:6390/0');
    expect(second).toMatch(/^cache "local" \(source: explicit\)\n {2}backend: +memory/);
    expect(second).toMatch(/maxEntries: +1000/);
    expect(second).not.toMatch(/location|driver|socketTimeout|maxConnections/);
    expect(text).not.toContain('url-pa55');
  });
});

describe('the README example', () => {
  it('is what describeConfig prints', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = readme
      .split('<!-- describe-config-example:start -->')[1]
      ?.split('<!-- describe-config-example:end -->')[0];
    const expected = block
      ?.replace(/^\s*```text\n/, '')
      .replace(/```\s*$/, '')
      .trimEnd();
    const caches = parseCachesConfig(
      {
        default: {
          location: 'redis://app:s3cret@cache.internal/0',
          options: { compressor: 'zstd' },
        },
        local: { backend: 'memory', maxEntries: 10000 },
      },
      { defaultKeyPrefix: 'shop' },
    );
    expect(expected).toMatch(/^cache "default"/);
    expect(describeConfig(caches)).toBe(expected);
    expect(expected).not.toContain('s3cret');
  });
});
