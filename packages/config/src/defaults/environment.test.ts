import { describe, expect, it } from 'vitest';
import { isProduction, resolveEnvironment, urlFromEnv } from './environment.js';

describe('resolveEnvironment', () => {
  it('explicit, then CACHEX_ENV, then NODE_ENV, then development; blank counts as unset', () => {
    expect(resolveEnvironment({ CACHEX_ENV: 'staging', NODE_ENV: 'production' }, 'test')).toBe(
      'test',
    );
    expect(resolveEnvironment({ CACHEX_ENV: 'staging', NODE_ENV: 'production' })).toBe('staging');
    expect(resolveEnvironment({ CACHEX_ENV: ' ', NODE_ENV: 'production' })).toBe('production');
    expect(resolveEnvironment({})).toBe('development');
  });

  it('production is recognised in any case', () => {
    expect(isProduction('Production')).toBe(true);
    expect(isProduction('prod')).toBe(false);
  });
});

describe('urlFromEnv', () => {
  it('CACHEX_URL, then VALKEY_URL, then REDIS_URL; blank counts as unset', () => {
    const all = { CACHEX_URL: 'redis://a', VALKEY_URL: 'valkey://b', REDIS_URL: 'redis://c' };
    expect(urlFromEnv(all)).toEqual({ variable: 'CACHEX_URL', url: 'redis://a' });
    expect(urlFromEnv({ ...all, CACHEX_URL: '' })).toEqual({
      variable: 'VALKEY_URL',
      url: 'valkey://b',
    });
    expect(urlFromEnv({ REDIS_URL: ' redis://c ', VALKEY_URL: '  ' })).toEqual({
      variable: 'REDIS_URL',
      url: 'redis://c',
    });
    expect(urlFromEnv({})).toBeUndefined();
  });
});
