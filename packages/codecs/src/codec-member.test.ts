import { EncodeError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createCodec } from './codec.js';
import type { SerializerName } from './registry.js';
import { isSameValue } from './same-value.js';

const serializerNames: readonly SerializerName[] = ['json', 'msgpack', 'v8'];

function bytes(encoded: unknown): Buffer {
  return typeof encoded === 'string' ? Buffer.from(encoded) : (encoded as Buffer);
}

describe.each(serializerNames)('%s: encodeMember', (serializer) => {
  const codec = createCodec({ serializer });
  const encodeMember = (value: unknown) => bytes(codec.encodeMember?.(value));

  it('gives equal bytes for equal values whatever the key order, at every level', () => {
    const one = { b: 1, a: { d: [{ y: 1, x: 2 }], c: 'z' }, 10: true, 9: null };
    const two = { 9: null, a: { c: 'z', d: [{ x: 2, y: 1 }] }, 10: true, b: 1 };
    expect(encodeMember(one).equals(encodeMember(two))).toBe(true);
    expect(encodeMember([one, 'x']).equals(encodeMember([two, 'x']))).toBe(true);
    // encode keeps each value's own order, so the two differ there.
    expect(bytes(codec.encode(one)).equals(bytes(codec.encode(two)))).toBe(false);
  });

  it('reads back as the value, with its keys sorted', () => {
    const value = { b: 1, a: { d: 2, c: 3 } };
    const back = codec.decode(codec.encodeMember?.(value) as Buffer, 'k');
    expect(isSameValue(back, { a: { c: 3, d: 2 }, b: 1 })).toBe(true);
  });

  it('stores integers as decimal text, like encode', () => {
    expect(codec.encodeMember?.(42)).toBe('42');
    expect(codec.encodeMember?.(2n ** 70n)).toBe('1180591620717411303424');
  });

  it('refuses what encode refuses, with the same EncodeError', () => {
    const cyclic: Record<string, unknown> = { b: 1 };
    cyclic.a = { back: cyclic };
    const error = (() => {
      try {
        return codec.encodeMember?.(cyclic);
      } catch (caught) {
        return caught;
      }
    })();
    if (serializer === 'v8') {
      // v8 stores cycles; the member is encoded as it is.
      expect(Buffer.isBuffer(error)).toBe(true);
      return;
    }
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as Error).message).toMatch(/cyclic.*\(at a\.back\)/);
  });
});

describe('json: encodeMember', () => {
  const codec = createCodec();

  it('writes sorted compact JSON; encode keeps the order', () => {
    expect(codec.encodeMember?.({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    expect(codec.encode({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"b":1,"a":[{"d":1,"c":2}]}');
  });

  it('keeps an own __proto__ key and Dates in Django form', () => {
    const value = JSON.parse('{"b": 1, "__proto__": {"y": 1, "x": 2}}');
    expect(codec.encodeMember?.(value)).toBe('{"__proto__":{"x":2,"y":1},"b":1}');
    expect(codec.encodeMember?.({ at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) })).toBe(
      '{"at":"2024-01-02T03:04:05Z"}',
    );
  });
});
