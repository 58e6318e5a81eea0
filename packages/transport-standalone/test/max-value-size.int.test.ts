import { createCodec } from '@cachex/codecs';
import { createCache, EncodeError } from '@cachex/core';
import { getTestServers, randomPrefix } from '@cachex/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createStandaloneTransport } from '../src/index.js';

describe('maxValueSize on the standalone transport', () => {
  const transport = createStandaloneTransport({ location: getTestServers().standalone.url });
  const cache = createCache({
    transport,
    codec: createCodec(),
    keyPrefix: randomPrefix(),
    maxValueSize: 1024 * 1024,
  });
  afterAll(() => cache.close());

  it('refuses a value over the limit before sending; a smaller one is stored', async () => {
    const spies = [vi.spyOn(transport, 'command'), vi.spyOn(transport, 'batch')];
    const error = await cache.set('big', 'x'.repeat(2 * 1024 * 1024)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).message).toMatch(
      /encodes to 2097154 bytes; the limit is 1048576 bytes \(option maxValueSize/,
    );
    expect(spies.reduce((n, spy) => n + spy.mock.calls.length, 0)).toBe(0);
    expect(await cache.has('big')).toBe(false);
    await expect(cache.set('small', 'x'.repeat(1000))).resolves.toBe(true);
    expect(await cache.get('small')).toBe('x'.repeat(1000));
  });
});
