// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are config values holding literal ${VAR} references.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, errorCodes, MissingDependencyError } from '@cachex/core';
import { createOptionalLoader } from '@cachex/core/internal';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig, loadConfigWith } from './load-config.js';
import { yamlLoaderFrom } from './load-yaml.js';

const quiet = { warn: vi.fn(), error: vi.fn() };

/** A temp app directory holding `files` (name → contents). */
function app(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cachex-load-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfig: files', () => {
  it('reads a JSON base file, with the package name as key prefix', async () => {
    const cwd = app({
      'package.json': json({ name: '@acme/shop' }),
      'cachex.config.json': json({
        caches: {
          default: { location: 'redis://cache:6390/0', timeout: 60 },
          sessions: { location: 'redis://cache:6390/1', keyPrefix: 'sess' },
        },
      }),
    });
    const caches = await loadConfig({ cwd, env: {}, logger: quiet });
    expect(Object.keys(caches)).toEqual(['default', 'sessions']);
    expect(caches.default).toMatchObject({
      source: 'explicit',
      timeout: 60,
      keyPrefix: 'acme-shop',
    });
    expect(caches.sessions).toMatchObject({ db: 1, keyPrefix: 'sess' });
    expect(Object.isFrozen(caches)).toBe(true);
  });

  it('reads a YAML base file (.yaml and .yml)', async () => {
    const text =
      'caches:\n  default:\n    location: valkey://vk:6390/2\n    options:\n      compressor: zstd\n';
    for (const name of ['cachex.config.yaml', 'cachex.config.yml']) {
      const caches = await loadConfig({ cwd: app({ [name]: text }), env: {}, logger: quiet });
      expect(caches.default).toMatchObject({ backend: 'valkey', db: 2, compressor: ['zstd'] });
    }
  });

  it("deep-merges the environment's overlay over the base, for that environment only", async () => {
    const cwd = app({
      'cachex.config.json': json({
        caches: {
          default: {
            location: 'redis://localhost:6390/0',
            timeout: 300,
            options: { compressor: 'zlib', minLength: 10 },
          },
          sessions: { backend: 'memory' },
          scratch: { backend: 'memory' },
        },
      }),
      'cachex.config.production.json': json({
        caches: {
          default: {
            location: 'redis://prod-cache:6390/0',
            timeout: null,
            options: { compressor: 'zstd' },
          },
          scratch: null,
        },
      }),
    });
    const prod = await loadConfig({ cwd, env: { NODE_ENV: 'production' }, logger: quiet });
    expect(Object.keys(prod)).toEqual(['default', 'sessions']);
    expect(prod.default).toMatchObject({
      location: ['redis://prod-cache:6390/0'],
      timeout: null,
      compressor: ['zstd'],
      minLength: 10,
    });
    const dev = await loadConfig({ cwd, env: { NODE_ENV: 'development' }, logger: quiet });
    expect(Object.keys(dev)).toEqual(['default', 'sessions', 'scratch']);
    expect(dev.default?.location).toEqual(['redis://localhost:6390/0']);
    // The option and CACHEX_ENV choose the overlay too.
    const byOption = await loadConfig({ cwd, env: {}, environment: 'production', logger: quiet });
    expect(byOption.default?.timeout).toBeNull();
    const byCachexEnv = await loadConfig({
      cwd,
      env: { CACHEX_ENV: 'production', NODE_ENV: 'development' },
      logger: quiet,
    });
    expect(byCachexEnv.default?.timeout).toBeNull();
  });

  it('merges a YAML overlay over a JSON base', async () => {
    const cwd = app({
      'cachex.config.json': json({
        caches: { default: { location: 'redis://localhost/0', version: 2 } },
      }),
      'cachex.config.production.yaml':
        'caches:\n  default:\n    location:\n      - redis://p/0\n      - redis://r/0\n',
    });
    const caches = await loadConfig({ cwd, env: { NODE_ENV: 'production' }, logger: quiet });
    expect(caches.default).toMatchObject({ location: ['redis://p/0', 'redis://r/0'], version: 2 });
  });

  it('an overlay without a base file is the whole configuration', async () => {
    const cwd = app({
      'cachex.config.production.yml': 'caches:\n  default:\n    backend: dummy\n',
    });
    const caches = await loadConfig({ cwd, env: { NODE_ENV: 'production' }, logger: quiet });
    expect(caches.default?.backend).toBe('dummy');
  });

  it('an explicit file is read instead of cachex.config.*, with its overlay next to it', async () => {
    const cwd = app({
      'cachex.config.json': json({ caches: { default: { backend: 'dummy' } } }),
      'config/cache.yaml': 'caches:\n  main:\n    location: redis://a/0\n',
      'config/cache.staging.json': json({ caches: { main: { location: 'redis://staging/0' } } }),
    });
    const caches = await loadConfig({
      cwd,
      file: 'config/cache.yaml',
      environment: 'staging',
      env: {},
      logger: quiet,
    });
    expect(Object.keys(caches)).toEqual(['main']);
    expect(caches.main?.location).toEqual(['redis://staging/0']);
  });
});

describe('loadConfig: ${VAR} substitution', () => {
  it('replaces variables after parsing, with defaults and the $${ escape', async () => {
    // A secret with quotes, a backslash and a newline cannot break the file's structure.
    const password = 'p"a\\ss\nword\'';
    const cwd = app({
      'cachex.config.yaml': [
        'caches:',
        '  default:',
        '    location: redis://${CACHE_HOST}:${CACHE_PORT:-6390}/0',
        '    password: ${CACHE_PASSWORD}',
        '    keyPrefix: "$${literal}-${PREFIX:-app}"',
      ].join('\n'),
    });
    const caches = await loadConfig({
      cwd,
      env: { CACHE_HOST: 'cache.internal', CACHE_PASSWORD: password },
      logger: quiet,
    });
    expect(caches.default?.location).toEqual(['redis://cache.internal:6390/0']);
    expect(caches.default?.password).toBe(password);
    expect(caches.default?.keyPrefix).toBe('${literal}-app');
  });

  it('a missing variable names the variable, the path and the file, and no value', async () => {
    const cwd = app({
      'cachex.config.json': json({
        caches: { default: { location: 'redis://${HOST}/0', password: '${REDIS_PASSWORD}' } },
      }),
      'cachex.config.production.json': json({
        caches: { sessions: { location: ['redis://${HOST}/1', 'redis://${REPLICA_HOST}/1'] } },
      }),
    });
    const env = { NODE_ENV: 'production', HOST: 'host-value-x1', OTHER_SECRET: 'other-secret-x2' };
    const error = await rejection(loadConfig({ cwd, env, logger: quiet }));
    expect(error.code).toBe(errorCodes.config);
    expect(error.message).toContain(
      'caches.default.password: the environment variable REDIS_PASSWORD is not set (in cachex.config.json;',
    );
    expect(error.message).toContain(
      'caches.sessions.location[1]: the environment variable REPLICA_HOST is not set (in cachex.config.production.json;',
    );
    expect(error.message).toContain('(2 problems)');
    expect(error.context).toMatchObject({
      path: 'caches.default.password',
      variables: ['REDIS_PASSWORD', 'REPLICA_HOST'],
    });
    const everything = JSON.stringify({ message: error.message, context: error.context });
    expect(everything).not.toContain('host-value-x1');
    expect(everything).not.toContain('other-secret-x2');
  });

  it('a variable used only in a value the overlay replaces is not needed', async () => {
    const cwd = app({
      'cachex.config.json': json({ caches: { default: { location: '${DEV_URL}' } } }),
      'cachex.config.production.json': json({
        caches: { default: { location: 'redis://prod/0' } },
      }),
    });
    const caches = await loadConfig({ cwd, env: { NODE_ENV: 'production' }, logger: quiet });
    expect(caches.default?.location).toEqual(['redis://prod/0']);
  });
});

describe('loadConfig: errors', () => {
  it('two base files are an error naming them', async () => {
    const cwd = app({ 'cachex.config.json': '{}', 'cachex.config.yml': '' });
    const error = await rejection(loadConfig({ cwd, env: {} }));
    expect(error.message).toContain('cachex.config.json, cachex.config.yml');
  });

  it('an explicit file that does not exist is an error', async () => {
    const error = await rejection(loadConfig({ cwd: app({}), file: 'nope.json', env: {} }));
    expect(error.message).toContain('nope.json (option "file") does not exist');
  });

  it('a syntax error names the file and line, never the contents', async () => {
    const cwd = app({
      'cachex.config.json': '{\n  "caches": {\n    "default": { "password": "ok", }\n  }\n}',
      'cachex.config.test.yaml': 'caches:\n  default:\n   password: s3cr3t-yaml\n  bad: [\n',
    });
    const jsonError = await rejection(loadConfig({ cwd, env: {} }));
    expect(jsonError.message).toBe(
      "Invalid JSON in cachex.config.json at line 3, column 36: trailing comma before '}'.",
    );
    writeFileSync(join(cwd, 'cachex.config.json'), json({ caches: { default: {} } }));
    const yamlError = await rejection(loadConfig({ cwd, env: { NODE_ENV: 'test' } }));
    expect(yamlError.message).toMatch(
      /^Invalid YAML in cachex\.config\.test\.yaml at line \d+, column \d+/,
    );
    expect(yamlError.message).not.toContain('s3cr3t-yaml');
  });

  it('a file without { caches } is an error naming the file', async () => {
    const cwd = app({ 'cachex.config.json': json({ default: { backend: 'memory' } }) });
    const error = await rejection(loadConfig({ cwd, env: {} }));
    expect(error.message).toContain(
      'Invalid config file cachex.config.json: unknown top-level key "default"',
    );
    const empty = app({ 'cachex.config.yaml': '# nothing yet\n' });
    await expect(loadConfig({ cwd: empty, env: {} })).rejects.toThrow(
      'Invalid config file cachex.config.yaml: it is empty',
    );
  });

  it('validation errors give the path and name the files the config came from', async () => {
    const cwd = app({
      'cachex.config.json': json({
        caches: {
          default: { location: 'redis://:pw-x9@h:6390/0' },
          sessions: { backend: 'memory' },
        },
      }),
      'cachex.config.production.yaml':
        'caches:\n  sessions:\n    options:\n      compressor: zstdd\n',
    });
    const error = await rejection(loadConfig({ cwd, env: { NODE_ENV: 'production' } }));
    expect(error.message).toMatch(
      /^Invalid cache configuration in cachex\.config\.json \+ cachex\.config\.production\.yaml \(1 problem\):\n {2}- caches\.sessions\.options\.compressor: /,
    );
    expect(error.context).toMatchObject({
      path: 'caches.sessions.options.compressor',
      files: ['cachex.config.json', 'cachex.config.production.yaml'],
    });
    expect(error.message).not.toContain('pw-x9');
  });

  it('without the yaml package, a YAML file is a MissingDependencyError naming yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cachex-no-yaml-'));
    mkdirSync(join(dir, 'node_modules', 'yaml'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules', 'yaml', 'package.json'),
      JSON.stringify({ name: 'yaml', main: 'absent.js' }),
    );
    const loader = yamlLoaderFrom(createOptionalLoader(pathToFileURL(join(dir, 'x.js')).href));
    const cwd = app({ 'cachex.config.yaml': 'caches:\n  default:\n    backend: memory\n' });
    const error = await loadConfigWith({ cwd, env: {} }, loader).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(MissingDependencyError);
    expect(error).toMatchObject({ code: 'E_MISSING_DEPENDENCY', context: { package: 'yaml' } });
    expect((error as Error).message).toMatch(/"yaml".*add yaml/);
  });
});

describe('loadConfig without any file', () => {
  it('gives { default } from the smart defaults', async () => {
    const cwd = app({ 'package.json': json({ name: 'solo' }) });
    const dev = await loadConfig({ cwd, env: {} });
    expect(Object.keys(dev)).toEqual(['default']);
    expect(dev.default).toMatchObject({
      backend: 'memory',
      source: 'default:memory',
      keyPrefix: 'solo',
    });
    const fromEnv = await loadConfig({
      cwd,
      env: { NODE_ENV: 'production', REDIS_URL: 'redis://r/5' },
    });
    expect(fromEnv.default).toMatchObject({ source: 'env:REDIS_URL', db: 5 });
    await expect(loadConfig({ cwd, env: { NODE_ENV: 'production' } })).rejects.toThrow(
      /No cache is configured/,
    );
    const logger = { warn: vi.fn(), error: vi.fn() };
    const dummy = await loadConfig({
      cwd,
      env: { NODE_ENV: 'production' },
      fallback: 'dummy',
      logger,
    });
    expect(dummy.default?.source).toBe('default:dummy');
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });
});
