import { InvalidArgumentError } from '@cachex/core';
import { closeAfterEach } from '@cachex/testing';
import { createMemoryTransport } from '@cachex/transport-memory';
import { describe, expect, it } from 'vitest';
import { cacheResponse, invalidateCacheGroup, rateLimit } from '../src/index.js';
import { createSessionStore } from '../src/session/index.js';

const closers = closeAfterEach();

/** The option an InvalidArgumentError names, or a failure. */
function refusedOption(create: () => unknown): unknown {
  try {
    create();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe('E_INVALID_ARGUMENT');
    expect((error as Error).message).toContain((error as InvalidArgumentError).context.option);
    return (error as InvalidArgumentError).context.option;
  }
  throw new Error('expected the options to be refused');
}

describe('options are validated when the middleware or store is created', () => {
  it('cacheResponse names the invalid option', () => {
    const { cache } = closers.cache(createMemoryTransport());
    const cases: [string, unknown][] = [
      ['options', undefined],
      ['options', 60],
      ['cache', { timeout: 60 }],
      ['cache', { cache: {}, timeout: 60 }],
      ['timeout', { cache }],
      ['timeout', { cache, timeout: 0 }],
      ['timeout', { cache, timeout: '60' }],
      ['timeout', { cache, timeout: Number.POSITIVE_INFINITY }],
      ['grace', { cache, timeout: 60, grace: -1 }],
      ['grace', { cache, timeout: 60, grace: '60' }],
      ['grace', { cache, timeout: 60, grace: Number.NaN }],
      ['grace', { cache, timeout: 60, grace: Number.POSITIVE_INFINITY }],
      ['singleFlight', { cache, timeout: 60, singleFlight: 'node' }],
      ['singleFlight', { cache, timeout: 60, singleFlight: true }],
      ['vary', { cache, timeout: 60, vary: 'accept' }],
      ['vary', { cache, timeout: 60, vary: ['bad header'] }],
      ['key', { cache, timeout: 60, key: 'user' }],
      ['statuses', { cache, timeout: 60, statuses: [] }],
      ['statuses', { cache, timeout: 60, statuses: [200, 700] }],
      ['groups', { cache, timeout: 60, groups: 'products' }],
      ['groups', { cache, timeout: 60, groups: [''] }],
      ['prefix', { cache, timeout: 60, prefix: '' }],
      ['maxSize', { cache, timeout: 60, maxSize: 1.5 }],
      ['onError', { cache, timeout: 60, onError: true }],
      ['ttl', { cache, timeout: 60, ttl: 60 }],
    ];
    for (const [option, options] of cases) {
      expect(
        refusedOption(() => cacheResponse(options as never)),
        option,
      ).toBe(option);
    }
    expect(typeof cacheResponse({ cache, timeout: 0.5, vary: ['Accept-Language'] })).toBe(
      'function',
    );
    for (const singleFlight of ['process', 'cluster'] as const) {
      expect(typeof cacheResponse({ cache, timeout: 1, grace: 0, singleFlight })).toBe('function');
    }
    expect(typeof cacheResponse({ cache, timeout: 1, grace: 0.5 })).toBe('function');
  });

  it('rateLimit names the invalid option', () => {
    const { cache } = closers.cache(createMemoryTransport());
    const cases: [string, unknown][] = [
      ['options', null],
      ['cache', { limit: 1, window: 1 }],
      ['limit', { cache, window: 1 }],
      ['limit', { cache, limit: 1.5, window: 1 }],
      ['limit', { cache, limit: 0, window: 1 }],
      ['window', { cache, limit: 1 }],
      ['window', { cache, limit: 1, window: 0.5 }],
      ['key', { cache, limit: 1, window: 1, key: 'ip' }],
      ['prefix', { cache, limit: 1, window: 1, prefix: 5 }],
      ['message', { cache, limit: 1, window: 1, message: 5 }],
      ['statusCode', { cache, limit: 1, window: 1, statusCode: 200 }],
      ['statusCode', { cache, limit: 1, window: 1, statusCode: 600 }],
      ['onError', { cache, limit: 1, window: 1, onError: 'log' }],
      ['windowMs', { cache, limit: 1, window: 1, windowMs: 1000 }],
    ];
    for (const [option, options] of cases) {
      expect(
        refusedOption(() => rateLimit(options as never)),
        option,
      ).toBe(option);
    }
  });

  it('createSessionStore names the invalid option', () => {
    const { cache } = closers.cache(createMemoryTransport());
    const cases: [string, unknown][] = [
      ['options', 'cache'],
      ['cache', {}],
      ['prefix', { cache, prefix: 1 }],
      ['ttl', { cache, ttl: 0 }],
      ['ttl', { cache, ttl: '1d' }],
      ['disableTouch', { cache, disableTouch: 'yes' }],
      ['scanCount', { cache, scanCount: 0 }],
      ['client', { cache, client: {} }],
    ];
    for (const [option, options] of cases) {
      expect(
        refusedOption(() => createSessionStore(options as never)),
        option,
      ).toBe(option);
    }
    // An empty prefix is allowed: the cache's own key prefix still sets the sessions apart.
    expect(createSessionStore({ cache, prefix: '' }).prefix).toBe('');
  });

  it('invalidateCacheGroup rejects an invalid group or prefix', async () => {
    const { cache } = closers.cache(createMemoryTransport());
    await expect(invalidateCacheGroup(cache, '')).rejects.toMatchObject({
      context: { option: 'group' },
    });
    await expect(invalidateCacheGroup(cache, 'g', { prefix: '' })).rejects.toMatchObject({
      context: { option: 'prefix' },
    });
    await expect(invalidateCacheGroup({} as never, 'g')).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
