import { describe, expect, it } from 'vitest';
import { createCache } from './cache.js';
import { ConfigError, EncodeError } from './errors.js';
import type { Codec } from './types/codec.js';
import type { BatchResult, CommandGroup, Transport } from './types/transport.js';
import { DEFAULT_MAX_VALUE_SIZE } from './value-size.js';

/** A transport that records what it would send and answers OK to everything. */
function recordingTransport(sent: string[]): Transport {
  return {
    name: 'recording',
    capabilities: { scripts: false, transactions: true, cluster: false, replicas: false },
    command: async (name) => {
      sent.push(name);
      return 'OK';
    },
    batch: async (groups: readonly CommandGroup[]): Promise<BatchResult[]> =>
      groups.flatMap((g) =>
        g.commands.map((c) => {
          sent.push(c.name);
          return { ok: true as const, value: c.name === 'SET' ? 'OK' : 1 };
        }),
      ),
    partitionKeys: (keys) => [keys.map((_, i) => i)],
    scan: async function* () {},
    broadcast: async () => [],
    getClient: () => undefined,
    close: async () => undefined,
  };
}

const json: Codec = { encode: (v) => JSON.stringify(v), decode: (d) => JSON.parse(String(d)) };
const asBuffer: Codec = {
  encode: (v) => Buffer.from(JSON.stringify(v)),
  decode: (d) => JSON.parse(String(d)),
};
const asynchronous: Codec = {
  encode: async (v) => Buffer.from(JSON.stringify(v)),
  decode: async (d) => JSON.parse(String(d)),
};

function cacheWith(codec: Codec, maxValueSize?: number) {
  const sent: string[] = [];
  const cache = createCache({ transport: recordingTransport(sent), codec, maxValueSize });
  return { cache, sent };
}

async function refusal(promise: Promise<unknown>): Promise<EncodeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EncodeError);
  return error as EncodeError;
}

describe('maxValueSize', () => {
  it('defaults to 100 MiB', () => {
    expect(DEFAULT_MAX_VALUE_SIZE).toBe(100 * 1024 * 1024);
  });

  it('refuses an encoded value of the limit or more before sending, naming size, limit and option', async () => {
    const { cache, sent } = cacheWith(json, 100);
    // JSON adds two quotes: 'x' × 98 encodes to exactly 100 bytes.
    const error = await refusal(cache.set('k', 'x'.repeat(98)));
    expect(error.code).toBe('E_ENCODE');
    expect(error.message).toMatch(/100 bytes/);
    expect(error.message).toMatch(/limit is 100 bytes/);
    expect(error.message).toMatch(/maxValueSize/);
    expect(error.key).toBe('k');
    expect(error.context).toMatchObject({ size: 100, limit: 100, option: 'maxValueSize' });
    expect(sent).toEqual([]);
    await expect(cache.set('k', 'x'.repeat(97))).resolves.toBe(true);
    expect(sent).toEqual(['SET']);
  });

  it('counts UTF-8 bytes of string encodings and bytes of Buffers', async () => {
    const { cache, sent } = cacheWith(json, 100);
    // 'é' is 2 bytes: 49 of them and the quotes are 100 bytes, though the string has 51 units.
    await refusal(cache.set('k', 'é'.repeat(49)));
    const buffers = cacheWith(asBuffer, 100);
    await refusal(buffers.cache.set('k', 'x'.repeat(98)));
    await expect(buffers.cache.set('k', 'x'.repeat(97))).resolves.toBe(true);
    expect(sent).toEqual([]);
  });

  it('checks values from an asynchronous codec too', async () => {
    const { cache, sent } = cacheWith(asynchronous, 100);
    await refusal(cache.set('k', 'x'.repeat(200)));
    expect(sent).toEqual([]);
  });

  it('applies to every write that stores a value: add, getSet, setMany, hset, lists, sets, sorted sets', async () => {
    const { cache, sent } = cacheWith(json, 100);
    const big = 'x'.repeat(200);
    await refusal(cache.add('k', big));
    await refusal(cache.getSet('k', big));
    await refusal(cache.setMany({ a: 1, b: big }));
    await refusal(cache.hset('h', 'f', big));
    await refusal(cache.hset('h', { f: 1, g: big }));
    await refusal(cache.hsetnx('h', 'f', big));
    await refusal(cache.lpush('l', [big]));
    await refusal(cache.rpush('l', [1, big]));
    await refusal(cache.sadd('s', [big]));
    await refusal(cache.zadd('z', [[big, 1]]));
    await refusal(cache.zadd('z', new Map([[big, 1]])));
    expect(sent).toEqual([]);
  });

  it('a raised limit lets the value through', async () => {
    const { cache, sent } = cacheWith(json, 1000);
    await expect(cache.set('k', 'x'.repeat(200))).resolves.toBe(true);
    expect(sent).toEqual(['SET']);
  });

  it.each([0, -1, 1.5, Number.NaN, '100'])(
    'refuses maxValueSize %s with a ConfigError',
    (value) => {
      expect(() => cacheWith(json, value as number)).toThrow(ConfigError);
      expect(() => cacheWith(json, value as number)).toThrow(/maxValueSize/);
    },
  );

  it('refuses a value of 100 MiB at the default limit', async () => {
    const { cache, sent } = cacheWith(asBuffer);
    // JSON of a 100 MiB string is 2 bytes longer: over the limit.
    const error = await refusal(cache.set('big', 'x'.repeat(DEFAULT_MAX_VALUE_SIZE)));
    expect(error.message).toMatch(/104857602 bytes/);
    expect(sent).toEqual([]);
    await expect(cache.set('k', 'x'.repeat(1000))).resolves.toBe(true);
  });
});
