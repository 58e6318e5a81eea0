import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, errorCodes } from '@cachex/core';
import { describe, expect, it, vi } from 'vitest';
import type { ConfigLogger } from '../cache-config-types.js';
import { resolveCacheConfig, resolveCachesConfig } from './resolve-cache-config.js';

/** An empty working directory: no package.json there (the temp dir's ancestors have none). */
const bare = () => mkdtempSync(join(tmpdir(), 'cachex-defaults-'));

function recordingLogger() {
  return {
    warn: vi.fn<ConfigLogger['warn']>(),
    error: vi.fn<ConfigLogger['error']>(),
  } satisfies ConfigLogger;
}

function thrown(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const URLS = {
  CACHEX_URL: 'redis://cachex-host:6390/1',
  VALKEY_URL: 'valkey://valkey-host:6390/2',
  REDIS_URL: 'redis://redis-host:6390/3',
};

describe('resolveCacheConfig: the smart defaults, one row each', () => {
  it.each(['production', 'development'])(
    'an explicit config wins over the environment (%s)',
    (environment) => {
      const config = resolveCacheConfig(
        { location: 'valkey://explicit:6380/0', timeout: 60 },
        { env: { ...URLS, NODE_ENV: environment }, cwd: bare() },
      );
      expect(config.source).toBe('explicit');
      expect(config.backend).toBe('valkey');
      expect(config.location).toEqual(['valkey://explicit:6380/0']);
      expect(config.timeout).toBe(60);
    },
  );

  it('an explicit URL string wins too', () => {
    const config = resolveCacheConfig('redis://explicit/4', { env: URLS, cwd: bare() });
    expect(config).toMatchObject({ source: 'explicit', db: 4, location: ['redis://explicit/4'] });
  });

  it.each([
    [URLS, 'env:CACHEX_URL', 'redis', 'redis://cachex-host:6390/1'],
    [{ ...URLS, CACHEX_URL: '' }, 'env:VALKEY_URL', 'valkey', 'valkey://valkey-host:6390/2'],
    [{ REDIS_URL: URLS.REDIS_URL, VALKEY_URL: '  ' }, 'env:REDIS_URL', 'redis', URLS.REDIS_URL],
    [
      { CACHEX_URL: URLS.CACHEX_URL, REDIS_URL: URLS.REDIS_URL },
      'env:CACHEX_URL',
      'redis',
      URLS.CACHEX_URL,
    ],
  ])(
    'URL variables in order CACHEX_URL, VALKEY_URL, REDIS_URL (%#)',
    (env, source, backend, url) => {
      for (const NODE_ENV of ['production', 'development']) {
        const config = resolveCacheConfig(undefined, { env: { ...env, NODE_ENV }, cwd: bare() });
        expect(config.source).toBe(source);
        expect(config.backend).toBe(backend);
        expect(config.location).toEqual([url]);
      }
    },
  );

  it('CACHEX_BACKEND names the backend a URL cannot express', () => {
    const config = resolveCacheConfig(undefined, {
      env: {
        CACHEX_URL: 'redis://node-a:7000,redis://node-b:7000',
        CACHEX_BACKEND: 'redis-cluster',
      },
      cwd: bare(),
    });
    expect(config.backend).toBe('redis-cluster');
    expect(config.location).toEqual(['redis://node-a:7000', 'redis://node-b:7000']);
    expect(config.source).toBe('env:CACHEX_URL');
  });

  it('an invalid URL in the environment says which variable, without the password', () => {
    const error = thrown(() =>
      resolveCacheConfig(undefined, {
        env: { REDIS_URL: 'redis://:hunter2@h:99999/0' },
        cwd: bare(),
      }),
    );
    expect(error.message).toContain('Invalid cache configuration in REDIS_URL (1 problem)');
    expect(error.message).toContain('out of range');
    expect(error.message).not.toContain('hunter2');
    expect(error.context).toMatchObject({ variables: ['REDIS_URL'] });
  });

  it('an invalid CACHEX_BACKEND says so', () => {
    const error = thrown(() =>
      resolveCacheConfig(undefined, {
        env: { CACHEX_URL: 'redis://h', CACHEX_BACKEND: 'redis-clustr' },
        cwd: bare(),
      }),
    );
    expect(error.message).toContain('in CACHEX_URL + CACHEX_BACKEND');
    expect(error.message).toContain("did you mean 'redis-cluster'");
  });

  it.each([{}, { NODE_ENV: 'development' }, { NODE_ENV: 'staging' }])(
    'development (and anything but production) without a URL → memory, silently (%j)',
    (env) => {
      const logger = recordingLogger();
      const config = resolveCacheConfig(undefined, { env, cwd: bare(), logger });
      expect(config.backend).toBe('memory');
      expect(config.source).toBe('default:memory');
      expect(logger.warn).not.toHaveBeenCalled();
    },
  );

  it('test without a URL → memory (NODE_ENV, CACHEX_ENV or the option)', () => {
    for (const options of [
      { env: { NODE_ENV: 'test' } },
      { env: { CACHEX_ENV: 'test', NODE_ENV: 'production' } },
      { env: { NODE_ENV: 'production' }, environment: 'test' },
    ]) {
      expect(resolveCacheConfig(undefined, { ...options, cwd: bare() }).source).toBe(
        'default:memory',
      );
    }
  });

  it.each([
    { NODE_ENV: 'production' },
    { NODE_ENV: 'Production' },
    { CACHEX_ENV: 'production', NODE_ENV: 'development' },
  ])('production without a URL is a loud ConfigError that says how to fix it (%j)', (env) => {
    const error = thrown(() => resolveCacheConfig(undefined, { env, cwd: bare() }));
    expect(error.code).toBe(errorCodes.config);
    for (const hint of [
      'CACHEX_URL',
      'VALKEY_URL',
      'REDIS_URL',
      "fallback: 'dummy'",
      'CACHEX_FALLBACK=dummy',
      'cachex.config.json',
    ]) {
      expect(error.message).toContain(hint);
    }
    expect(error.context).toMatchObject({ reason: 'no-cache-configured' });
  });

  it.each([
    ['the option', { env: { NODE_ENV: 'production' }, fallback: 'dummy' as const }],
    ['CACHEX_FALLBACK', { env: { NODE_ENV: 'production', CACHEX_FALLBACK: 'dummy' } }],
  ])('production with the dummy fallback (%s) → dummy and a warning', (_, options) => {
    const logger = recordingLogger();
    const config = resolveCacheConfig(undefined, { ...options, cwd: bare(), logger });
    expect(config.backend).toBe('dummy');
    expect(config.source).toBe('default:dummy');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[0]).toMatchObject({
      backend: 'dummy',
      environment: 'production',
    });
    expect(logger.warn.mock.calls[0]?.[1]).toMatch(/caching is DISABLED/);
  });

  it("fallback: 'error' overrides CACHEX_FALLBACK=dummy, and a bad CACHEX_FALLBACK is an error", () => {
    const env = { NODE_ENV: 'production', CACHEX_FALLBACK: 'dummy' };
    expect(() => resolveCacheConfig(undefined, { env, fallback: 'error', cwd: bare() })).toThrow(
      /No cache is configured/,
    );
    expect(() =>
      resolveCacheConfig(undefined, { env: { ...env, CACHEX_FALLBACK: 'dumy' }, cwd: bare() }),
    ).toThrow(/CACHEX_FALLBACK must be "error" or "dummy", got "dumy"/);
  });

  it('CACHEX_BACKEND without a URL: memory and dummy work, a server backend is an error', () => {
    const logger = recordingLogger();
    const env = { NODE_ENV: 'production' };
    expect(
      resolveCacheConfig(undefined, { env: { ...env, CACHEX_BACKEND: 'memory' }, cwd: bare() })
        .backend,
    ).toBe('memory');
    expect(
      resolveCacheConfig(undefined, {
        env: { ...env, CACHEX_BACKEND: 'dummy' },
        cwd: bare(),
        logger,
      }).source,
    ).toBe('default:dummy');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(() =>
      resolveCacheConfig(undefined, { env: { ...env, CACHEX_BACKEND: 'redis' }, cwd: bare() }),
    ).toThrow(/CACHEX_BACKEND="redis" needs the server's URL/);
  });
});

describe('the key prefix default', () => {
  function appDir(name: string): string {
    const dir = bare();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0' }));
    return dir;
  }

  it("is the app's package name, scoped names flattened, for every source", () => {
    const cwd = appDir('@Acme/API');
    expect(resolveCacheConfig({ location: 'redis://h' }, { cwd }).keyPrefix).toBe('acme-api');
    expect(resolveCacheConfig(undefined, { env: URLS, cwd }).keyPrefix).toBe('acme-api');
    expect(resolveCacheConfig(undefined, { env: {}, cwd }).keyPrefix).toBe('acme-api');
    expect(resolveCachesConfig({ a: { backend: 'memory' } }, { cwd }).a?.keyPrefix).toBe(
      'acme-api',
    );
  });

  it("an explicit keyPrefix wins, and '' stays empty", () => {
    const cwd = appDir('@acme/api');
    expect(resolveCacheConfig({ location: 'redis://h', keyPrefix: '' }, { cwd }).keyPrefix).toBe(
      '',
    );
    expect(
      resolveCacheConfig({ location: 'redis://h', keyPrefix: 'mine' }, { cwd }).keyPrefix,
    ).toBe('mine');
    expect(
      resolveCachesConfig({ a: { backend: 'memory', options: { keyPrefix: '' } } }, { cwd }).a
        ?.keyPrefix,
    ).toBe('');
  });

  it('is empty without a package.json', () => {
    expect(resolveCacheConfig({ location: 'redis://h' }, { cwd: bare() }).keyPrefix).toBe('');
  });
});

describe('resolveCachesConfig', () => {
  it('resolves each alias as explicit and does not invent a default', () => {
    const caches = resolveCachesConfig(
      { sessions: { location: 'redis://h/1' }, local: { backend: 'memory' } },
      { env: URLS, cwd: bare() },
    );
    expect(Object.keys(caches)).toEqual(['sessions', 'local']);
    expect(caches.sessions).toMatchObject({ alias: 'sessions', source: 'explicit', db: 1 });
  });

  it('accepts the file shape', () => {
    const caches = resolveCachesConfig(
      { caches: { default: { backend: 'dummy' } } },
      { cwd: bare() },
    );
    expect(caches.default?.backend).toBe('dummy');
  });

  it('without any config, gives the smart default as `default`', () => {
    const caches = resolveCachesConfig(undefined, {
      env: { VALKEY_URL: URLS.VALKEY_URL },
      cwd: bare(),
    });
    expect(Object.keys(caches)).toEqual(['default']);
    expect(caches.default?.source).toBe('env:VALKEY_URL');
    expect(Object.isFrozen(caches)).toBe(true);
  });

  it('reports problems with their paths', () => {
    const error = thrown(() =>
      resolveCachesConfig(
        // A typo a JavaScript caller (or a cast) can get past the types.
        { caches: { sessions: { options: { compressor: 'zstdd' as 'zstd' } } } },
        { cwd: bare() },
      ),
    );
    expect(error.message).toContain('caches.sessions.options.compressor');
  });
});
