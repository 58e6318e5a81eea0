import { createCodec } from '@cachex/codecs';
import { createCache, DEFAULT_MAX_VALUE_SIZE, EncodeError, type Transport } from '@cachex/core';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryTransport } from '../src/index.js';

/** A memory transport whose every way of sending is spied on. */
function spiedTransport(): { transport: Transport; sends: () => number } {
  const transport = createMemoryTransport();
  const spies = [vi.spyOn(transport, 'command'), vi.spyOn(transport, 'batch')];
  return { transport, sends: () => spies.reduce((n, spy) => n + spy.mock.calls.length, 0) };
}

describe('maxValueSize on the memory transport', () => {
  it('refuses a value over 100 MiB at the default limit without sending it', async () => {
    const { transport, sends } = spiedTransport();
    const cache = createCache({ transport, codec: createCodec({ serializer: 'v8' }) });
    const big = Buffer.alloc(DEFAULT_MAX_VALUE_SIZE + 1024 * 1024, 1); // 101 MiB
    const error = await cache.set('big', big).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).code).toBe('E_ENCODE');
    expect((error as EncodeError).message).toMatch(
      /encodes to \d{9} bytes; the limit is 104857600 bytes \(option maxValueSize/,
    );
    expect(sends()).toBe(0);
    expect(await cache.has('big')).toBe(false);
    await cache.close();
  });

  it('refuses with a smaller configured limit, on every write; a raised limit stores it', async () => {
    const { transport, sends } = spiedTransport();
    const codec = createCodec();
    const cache = createCache({ transport, codec, maxValueSize: 64 * 1024 });
    const value = 'x'.repeat(100 * 1024);
    const writes: [string, () => Promise<unknown>][] = [
      ['set', () => cache.set('k', value)],
      ['add', () => cache.add('k', value)],
      ['getSet', () => cache.getSet('k', value)],
      ['setMany', () => cache.setMany({ a: 1, k: value })],
      ['hset', () => cache.hset('h', 'f', value)],
      ['rpush', () => cache.rpush('l', [value])],
      ['sadd', () => cache.sadd('s', [value])],
      ['zadd', () => cache.zadd('z', [[value, 1]])],
    ];
    for (const [name, write] of writes) {
      await expect(write(), name).rejects.toThrow(/option maxValueSize/);
    }
    expect(sends()).toBe(0);

    const roomy = createCache({ transport, codec, maxValueSize: 1024 * 1024 });
    await expect(roomy.set('k', value)).resolves.toBe(true);
    expect(await roomy.get('k')).toBe(value);
    await cache.close();
  });

  it('measures what is sent: the compressed size', async () => {
    const transport = createMemoryTransport();
    const codec = createCodec({ compressor: 'zlib' });
    const cache = createCache({ transport, codec, maxValueSize: 64 * 1024 });
    // 1 MiB of one letter compresses to about a kilobyte.
    await expect(cache.set('k', 'x'.repeat(1024 * 1024))).resolves.toBe(true);
    await cache.close();
  });
});
