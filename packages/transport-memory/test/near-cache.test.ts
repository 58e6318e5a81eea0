import { createCodec } from '@cachex/codecs';
import { ConfigError, createCache } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createDummyTransport, createMemoryTransport } from '../src/index.js';

// An in-process store needs no near cache, and cannot track invalidations: the option is
// refused when the cache is created, naming the field, rather than accepted and ignored.
describe('nearCache on in-process transports', () => {
  it.each([
    ['memory', () => createMemoryTransport()],
    ['dummy', () => createDummyTransport()],
  ])('%s: a ConfigError naming nearCache', (name, transport) => {
    let error: unknown;
    try {
      createCache({ transport: transport(), codec: createCodec(), nearCache: true });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).context.field).toBe('nearCache');
    expect((error as ConfigError).message).toContain(name);
  });

  it('nearCache: false is accepted and nearCacheStats() is undefined', async () => {
    const cache = createCache({
      transport: createMemoryTransport(),
      codec: createCodec(),
      nearCache: false,
    });
    expect(cache.nearCacheStats()).toBeUndefined();
    await cache.close();
  });
});
