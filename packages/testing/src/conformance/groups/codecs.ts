import { isDeepStrictEqual } from 'node:util';
import { deflateSync, inflateSync } from 'node:zlib';
import { createCodec } from '@cachex/codecs';
import { DecodeError, EncodeError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';

const big = { text: 'compressible '.repeat(100), list: Array.from({ length: 50 }, (_, i) => i) };

/** Object keys at every level, in order: what `isDeepStrictEqual` does not compare. */
function keyOrder(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return null;
  if (Array.isArray(value)) return value.map(keyOrder);
  return Object.entries(value).map(([key, item]) => [key, keyOrder(item)]);
}

/** The same value as a user sees it: types, prototypes and key order. */
function expectSameValue(actual: unknown, expected: unknown): void {
  expect(isDeepStrictEqual(actual, expected)).toBe(true);
  expect(keyOrder(actual)).toEqual(keyOrder(expected));
}

export function codecGroup(h: Harness): void {
  describe('codecs through the cache', () => {
    const combos = [
      { serializer: 'json', compressor: 'zlib', magic: [0x78] },
      { serializer: 'msgpack', compressor: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd] },
      { serializer: 'json', compressor: 'lz4', magic: [0x04, 0x22, 0x4d, 0x18] },
      { serializer: 'v8', compressor: 'gzip', magic: [0x1f, 0x8b] },
    ] as const;
    for (const combo of combos) {
      it(`${combo.serializer} + ${combo.compressor}: large values are stored compressed and read back`, async () => {
        const cache = await h.cache({
          codec: createCodec({ serializer: combo.serializer, compressor: combo.compressor }),
        });
        await cache.set('big', big);
        await cache.set('small', 'tiny');
        const stored = (await h.raw(cache, 'GET', cache.makeKey('big'))) as Buffer;
        expect([...stored.subarray(0, combo.magic.length)]).toEqual([...combo.magic]);
        expect(stored.length).toBeLessThan(JSON.stringify(big).length / 2);
        expect(await cache.get('big')).toEqual(big);
        expect(await cache.get('small')).toBe('tiny');
        await cache.set('n', 7);
        expect(await cache.incr('n')).toBe(8);
      });
    }

    it('an asynchronous compressor: multi-value reads decode every value, in order', async () => {
      // A compressor whose calls return promises (as the lzma one does): reads of many values
      // switch to asynchronous decoding from the first such value on, and must keep the order.
      const cache = await h.cache({
        codec: createCodec({
          compressor: {
            name: 'async-deflate',
            compress: (data) => Promise.resolve(deflateSync(data)),
            decompress: (data) => Promise.resolve(inflateSync(data)),
          },
        }),
      });
      const values: Record<string, unknown> = {
        a: big,
        b: 'small b',
        c: { ...big, tag: 'c' },
        d: 4,
        e: { small: 'e' },
      };
      await cache.setMany(values);
      const back = await cache.getMany(['e', 'missing', 'a', 'c', 'b', 'd']);
      expect([...back.keys()]).toEqual(['e', 'a', 'c', 'b', 'd']);
      for (const [key, value] of back) expectSameValue(value, values[key]);
      await cache.hset('h', values);
      expect(await cache.hgetall('h')).toEqual(values);
      await cache.rpush('l', Object.values(values));
      expect(await cache.lrange('l', 0, -1)).toEqual(Object.values(values));
      await cache.zadd(
        'z',
        new Map<unknown, number>([
          [big, 1],
          ['small', 2],
        ]),
      );
      expect(await cache.zrange('z', 0, -1, { withScores: true })).toEqual([
        [big, 1],
        ['small', 2],
      ]);
    });

    it('big integers round-trip as bigint and stay INCR-able; dates follow the serializer', async () => {
      const cache = await h.cache();
      await cache.set('big', 2n ** 60n);
      expect(await cache.get('big')).toBe(1152921504606846976n);
      expect((await h.raw(cache, 'GET', cache.makeKey('big')))?.toString()).toBe(
        '1152921504606846976',
      );
      // The driver parses integer replies as JS numbers, so read the exact result back with get.
      await h.raw(cache, 'INCRBY', cache.makeKey('big'), 1);
      expect(await cache.get('big')).toBe(1152921504606846977n);
      const when = new Date('2026-11-23T12:00:00.123Z');
      await cache.set('json-date', { when });
      expect(await cache.get('json-date')).toEqual({ when: '2026-11-23T12:00:00.123Z' });
      const v8 = await h.cache({ codec: createCodec({ serializer: 'v8' }) });
      await v8.set('v8-date', { when, tags: new Set(['a']) });
      expect(await v8.get('v8-date')).toEqual({ when, tags: new Set(['a']) });
    });

    it('reads values exactly as a Django service writes them (json.dumps defaults, ints as text)', async () => {
      // Bytes django-cachex's JSONSerializer writes: json.dumps with Python's default
      // separators (', ' and ': ') and ensure_ascii escapes (\u00e9); exact ints are stored as
      // plain decimal text, without serializing, so the server can INCR them.
      const cache = await h.cache();
      const django: [string, string, unknown][] = [
        [
          'obj',
          '{"name": "Jos\\u00e9", "tags": ["a", "b"], "n": 1.5, "ok": true, "none": null}',
          { name: 'José', tags: ['a', 'b'], n: 1.5, ok: true, none: null },
        ],
        ['int', '42', 42],
        ['str', '"hi"', 'hi'],
        ['numeric-str', '"12345"', '12345'],
        ['float', '3.0', 3],
        ['when', '"2026-11-23T12:00:00.123Z"', '2026-11-23T12:00:00.123Z'],
      ];
      for (const [key, bytes] of django) await h.raw(cache, 'SET', cache.makeKey(key), bytes);
      for (const [key, , value] of django) expect(await cache.get(key)).toEqual(value);
      expect(await cache.incr('int')).toBe(43);
    });

    it('reads data written with another codec through the fallback lists', async () => {
      const prefix = h.prefix();
      const writer = await h.cache({
        keyPrefix: prefix,
        codec: createCodec({ serializer: 'json', compressor: 'zlib' }),
      });
      await writer.set('big', big);
      await writer.set('small', { s: 1 });
      const reader = await h.cache({
        keyPrefix: prefix,
        codec: createCodec({ serializer: ['msgpack', 'json'], compressor: ['zstd', 'zlib'] }),
      });
      expect(await reader.get('big')).toEqual(big);
      expect(await reader.get('small')).toEqual({ s: 1 });
    });

    it('undecodable stored bytes give a DecodeError naming the key', async () => {
      const cache = await h.cache({
        codec: createCodec({ serializer: 'json', compressor: 'zlib' }),
      });
      await h.raw(
        cache,
        'SET',
        cache.makeKey('corrupt'),
        Buffer.from([0x78, 0x9c, 0xde, 0xad, 0xbe, 0xef, 0x00]),
      );
      const error = await cache.get('corrupt').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecodeError);
      expect((error as DecodeError).key).toBe('corrupt');
      expect((error as DecodeError).message).toContain('corrupt');
    });

    it('set/get keeps object keys in their order with every serializer', async () => {
      const value = {
        zebra: 1,
        apple: { yak: true, bee: [{ z: 1, a: 2 }], when: 'now' },
        10: 'ten',
        2: 'two',
        mango: null,
      };
      for (const serializer of ['json', 'msgpack', 'v8'] as const) {
        const cache = await h.cache({ codec: createCodec({ serializer, compressor: 'zlib' }) });
        await cache.set('small', value);
        await cache.set('big', { ...value, filler: big });
        expectSameValue(await cache.get('small'), value);
        expectSameValue(await cache.get('big'), { ...value, filler: big });
        expect(Object.keys((await cache.get('small')) as object)).toEqual([
          '2',
          '10',
          'zebra',
          'apple',
          'mango',
        ]);
      }
    });

    it('a Float32Array reads back as itself (msgpack, v8) or is refused (json)', async () => {
      const embedding = new Float32Array([9, 0.25, 0.5, 0.75, 1, 9]).subarray(1, 5);
      const msgpack = await h.cache({ codec: createCodec({ serializer: 'msgpack' }) });
      await msgpack.set('doc', { id: 7, embedding });
      // msgpackr's typed-array extension: ext 8 of 17 bytes, type 0x74, Float32Array (7), the bytes.
      const stored = (await h.raw(msgpack, 'GET', msgpack.makeKey('doc'))) as Buffer;
      expect(stored.toString('hex')).toBe(
        `82a2696407a9656d62656464696e67c7117407${Buffer.from(embedding.buffer, 4, 16).toString('hex')}`,
      );
      const back = (await msgpack.get('doc')) as { embedding: Float32Array };
      expect(back.embedding).toBeInstanceOf(Float32Array);
      expectSameValue(back, { id: 7, embedding });

      const v8 = await h.cache({ codec: createCodec({ serializer: 'v8', compressor: 'zlib' }) });
      await v8.set('doc', { id: 7, embedding });
      expectSameValue(await v8.get('doc'), { id: 7, embedding });

      const json = await h.cache();
      const error = await json.set('doc', { id: 7, embedding }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EncodeError);
      expect((error as EncodeError).message).toMatch(/Float32Array.*\(at embedding\)/);
      expect(await json.has('doc')).toBe(false);
    });

    it('a value that cannot be serialized is an EncodeError and nothing is written', async () => {
      const cache = await h.cache();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const error = await cache.set('k', cyclic).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EncodeError);
      expect((error as EncodeError).key).toBe('k');
      expect(await cache.has('k')).toBe(false);
      await expect(cache.setMany({ ok: 1, bad: cyclic })).rejects.toBeInstanceOf(EncodeError);
      expect(await cache.has('ok')).toBe(false);
    });
  });
}
