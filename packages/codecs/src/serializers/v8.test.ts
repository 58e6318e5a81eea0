import { EncodeError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createV8Serializer } from './v8.js';

const v8 = createV8Serializer();

describe('v8 serializer', () => {
  it('round-trips what JSON and msgpack cannot', () => {
    const value = {
      map: new Map<unknown, unknown>([
        [1, 'one'],
        ['k', { deep: [1n] }],
      ]),
      set: new Set(['a', 'b']),
      big: -(2n ** 100n),
      at: new Date(1_700_000_000_123),
      missing: undefined,
    };
    const back = v8.deserialize(v8.serialize(value)) as typeof value;
    expect(back).toEqual(value);
    expect(back.map).toBeInstanceOf(Map);
    expect(back.set).toBeInstanceOf(Set);
    expect(back.at).toBeInstanceOf(Date);
    expect('missing' in back).toBe(true);
  });

  it('rejects functions with an EncodeError and foreign bytes on read', () => {
    expect(() => v8.serialize({ f: () => 1 })).toThrow(EncodeError);
    expect(() => v8.deserialize(Buffer.from('{"a":1}'))).toThrow();
  });
});
