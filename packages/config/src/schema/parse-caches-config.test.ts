import { describe, expect, it } from 'vitest';
import type { ConfigLogger } from '../cache-config-types.js';
import { parseCachesConfig } from './parse-caches-config.js';
import { isResolvedCacheConfig } from './resolved.js';

describe('parseCachesConfig', () => {
  it('reads the file shape', () => {
    const caches = parseCachesConfig(
      {
        caches: {
          default: 'redis://cache:6390/0',
          sessions: { location: 'redis://cache:6390/1', timeout: 3600, keyPrefix: 'sess' },
          local: { backend: 'memory' },
        },
      },
      { defaultKeyPrefix: 'my-app', source: 'explicit' },
    );
    expect(Object.keys(caches)).toEqual(['default', 'sessions', 'local']);
    expect(caches.default?.alias).toBe('default');
    expect(caches.default?.keyPrefix).toBe('my-app');
    expect(caches.sessions?.alias).toBe('sessions');
    expect(caches.sessions?.timeout).toBe(3600);
    expect(caches.sessions?.keyPrefix).toBe('sess');
    expect(caches.local?.backend).toBe('memory');
    expect(Object.values(caches).every(isResolvedCacheConfig)).toBe(true);
    expect(Object.isFrozen(caches)).toBe(true);
  });

  it('reads a bare record of caches', () => {
    const caches = parseCachesConfig({ default: {}, 'rate_limit-2': { backend: 'dummy' } });
    expect(caches['rate_limit-2']?.backend).toBe('dummy');
  });

  it('prefixes error paths with the path option', () => {
    expect(() => parseCachesConfig({ default: { timeout: -1 } }, { path: 'production' })).toThrow(
      'production.caches.default.timeout: ',
    );
  });

  it('logs warnings only once every cache is valid', () => {
    const messages: string[] = [];
    const logger: ConfigLogger = {
      warn: (_object, message) => {
        messages.push(message ?? '');
      },
      error: () => {},
    };
    expect(() =>
      parseCachesConfig({ default: { parserClass: 'x' }, other: { version: 'v2' } }, { logger }),
    ).toThrow('caches.other.version');
    expect(messages).toEqual([]);
    parseCachesConfig({ default: { parserClass: 'x' } }, { logger });
    expect(messages).toEqual([
      'cachex config: caches.default.parserClass: has no meaning in Node and is ignored: ioredis and iovalkey parse RESP themselves (there is no parser to choose)',
    ]);
  });

  it.each(['close', 'get', 'then', 'aliases', 'describe'])('reserves the alias %s', (alias) => {
    expect(() => parseCachesConfig({ [alias]: {} })).toThrow(`caches.${alias}: '${alias}'`);
  });

  it('rejects input that is not an object', () => {
    expect(() => parseCachesConfig('redis://h')).toThrow('or a record of caches, got a string');
    expect(() => parseCachesConfig({ caches: [] })).toThrow('caches: must be a record of caches');
  });
});
