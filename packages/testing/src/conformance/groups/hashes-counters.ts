import { createCodec } from '@cachex/codecs';
import { CommandError, InvalidArgumentError, NotIntegerError } from '@cachex/core';
import { expect, it } from 'vitest';
import type { Harness } from '../harness.js';
import { text } from './raw-text.js';

/** hincrby / hincrbyfloat: registered inside the `hashes` describe block. */
export function hashCounterTests(h: Harness): void {
  it('hincrby creates a missing field and adds to integers written by hset', async () => {
    const cache = await h.cache();
    expect(await cache.hincrby('h', 'n')).toBe(1);
    expect(await cache.hincrby('h', 'n', 5)).toBe(6);
    expect(text(await h.raw(cache, 'HGET', cache.makeKey('h'), 'n'))).toBe('6');
    await cache.hset('h', 'm', 10);
    expect(await cache.hincrby('h', 'm', -13)).toBe(-3);
    expect(await cache.hget('h', 'm')).toBe(-3);
    expect(text(await h.raw(cache, 'HGET', cache.makeKey('h'), 'm'))).toBe('-3');
  });

  it('hincrby on a non-integer field is a NotIntegerError; a fractional amount an InvalidArgumentError', async () => {
    const cache = await h.cache();
    await cache.hset('h', 's', 'text');
    await expect(cache.hincrby('h', 's')).rejects.toBeInstanceOf(NotIntegerError);
    await expect(cache.hincrby('h', 'n', 1.5)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(text(await h.raw(cache, 'HGET', cache.makeKey('h'), 's'))).toBe('"text"');
    expect(await h.raw(cache, 'HEXISTS', cache.makeKey('h'), 'n')).toBe(0);
  });

  it('hincrbyfloat creates a missing field and adds floats to numeric fields', async () => {
    const cache = await h.cache();
    expect(await cache.hincrbyfloat('h', 'f')).toBe(1);
    expect(await cache.hincrbyfloat('h', 'f', 2.5)).toBe(3.5);
    expect(text(await h.raw(cache, 'HGET', cache.makeKey('h'), 'f'))).toBe('3.5');
    await cache.hset('h', { int: 10, float: 1.25 });
    expect(await cache.hincrbyfloat('h', 'int', 0.75)).toBe(10.75);
    // The JSON serializer writes floats as numeric text, which HINCRBYFLOAT accepts.
    expect(await cache.hincrbyfloat('h', 'float', -0.5)).toBe(0.75);
    expect(await cache.hget('h', 'int')).toBe(10.75);
    expect(text(await h.raw(cache, 'HGET', cache.makeKey('h'), 'int'))).toBe('10.75');
    await expect(cache.hincrbyfloat('h', 'f', Number.NaN)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('hincrbyfloat on a float another serializer wrote rejects with the server error', async () => {
    const cache = await h.cache({ codec: createCodec({ serializer: 'msgpack' }) });
    await cache.hset('h', { float: 1.5, int: 2 });
    await expect(cache.hincrbyfloat('h', 'float', 1)).rejects.toBeInstanceOf(CommandError);
    expect(await cache.hget('h', 'float')).toBe(1.5);
    // Integers are decimal text whatever the serializer.
    expect(await cache.hincrbyfloat('h', 'int', 0.5)).toBe(2.5);
    expect(text(await h.raw(cache, 'HGET', cache.makeKey('h'), 'int'))).toBe('2.5');
  });
}
