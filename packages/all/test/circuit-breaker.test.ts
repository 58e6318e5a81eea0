import { describeConfig } from '@cachex/config';
import { ConfigError, isCachexError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createCache, resolveCacheConfig } from '../src/index.js';

describe('circuitBreaker from the configuration', () => {
  it('reaches the cache: a refused port opens the circuit, then calls fail at once', async () => {
    // Port 1 on loopback: nothing listens there, every connection is refused.
    const cache = createCache({
      location: 'redis://127.0.0.1:1/0',
      socketConnectTimeout: 0.5,
      socketTimeout: 0.5,
      circuitBreaker: { failureThreshold: 2, openMs: 5000 },
    });
    const opened: number[] = [];
    cache.on('circuitOpen', (info) => opened.push(info.failures));
    for (let i = 0; i < 2; i++) {
      const error = await cache.get('k').catch((e: unknown) => e);
      expect(isCachexError(error, 'E_CONNECTION')).toBe(true);
    }
    expect(opened).toEqual([2]);
    const began = performance.now();
    const error = await cache.get('k').catch((e: unknown) => e);
    expect(isCachexError(error, 'E_CIRCUIT_OPEN')).toBe(true);
    expect(performance.now() - began).toBeLessThan(100);
    await cache.close();
  });

  it('is checked, naming the field, and described', () => {
    expect(() => resolveCacheConfig({ backend: 'memory', circuitBreaker: { openMs: 0 } })).toThrow(
      ConfigError,
    );
    const bad = (() => {
      try {
        resolveCacheConfig({ backend: 'memory', circuitBreaker: { resetMs: 10 } as never });
      } catch (error) {
        return error as ConfigError;
      }
      return undefined;
    })();
    expect(bad).toBeInstanceOf(ConfigError);
    expect(bad?.message).toMatch(/circuitBreaker/);
    const config = resolveCacheConfig({
      location: 'redis://127.0.0.1:1/0',
      circuitBreaker: true,
    });
    expect(config.circuitBreaker).toBe(true);
    expect(describeConfig(config)).toMatch(
      /circuitBreaker:\s+open after 5 failures in a row, for 1000 ms/,
    );
  });
});
