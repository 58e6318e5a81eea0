import { EncodeError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createCache } from '../src/index.js';

describe('maxValueSize from the configuration', () => {
  it('reaches the cache: a value over it is refused, a smaller one stored', async () => {
    const cache = createCache({ backend: 'memory', maxValueSize: 1024 });
    await expect(cache.set('big', 'x'.repeat(2048))).rejects.toBeInstanceOf(EncodeError);
    await expect(cache.set('big', 'x'.repeat(2048))).rejects.toThrow(/limit is 1024 bytes/);
    await expect(cache.set('small', 'x'.repeat(100))).resolves.toBe(true);
    expect(await cache.has('big')).toBe(false);
    await cache.close();
  });
});
