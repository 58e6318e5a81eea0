import { EncodeError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createMsgpackSerializer } from './msgpack.js';

const msgpack = createMsgpackSerializer();
const hex = (value: unknown) => Buffer.from(msgpack.serialize(value)).toString('hex');

describe('msgpack serializer', () => {
  // The bytes Python's msgpack.packb writes for the same values with its defaults: plain
  // msgpack, no header byte or extension, so a Django service reads what cachex writes.
  it.each([
    ['hello', 'a568656c6c6f'],
    [{ a: 1 }, '81a16101'],
    [true, 'c3'],
    [null, 'c0'],
    [3.5, 'cb400c000000000000'],
    [[1, 2], '920102'],
  ])('writes %j as plain msgpack %s', (value, bytes) => {
    expect(hex(value)).toBe(bytes);
  });

  it('writes Dates as the timestamp extension and leaves undefined properties out', () => {
    expect(hex(new Date(0))).toBe('d6ff00000000');
    expect(hex({ a: 1, b: undefined })).toBe('81a16101');
    expect(hex({ a: { b: undefined, c: [{ d: undefined }] } })).toBe('81a16181a1639180');
  });

  it('keeps object keys in their order', () => {
    expect(hex({ b: 1, a: 2 })).toBe('82a16201a16102');
    expect(Object.keys(msgpack.deserialize(msgpack.serialize({ b: 1, a: 2 })) as object)).toEqual([
      'b',
      'a',
    ]);
  });

  it('reads what Python writes: maps as objects, int64 as number or bigint', () => {
    expect(msgpack.deserialize(Buffer.from('810102', 'hex'))).toEqual({ '1': 2 });
    expect(msgpack.deserialize(Buffer.from('cf0000010000000000', 'hex'))).toBe(2 ** 40);
    expect(msgpack.deserialize(Buffer.from('cf1000000000000000', 'hex'))).toBe(2n ** 60n);
    expect(msgpack.deserialize(Buffer.from('d3fffffffffffffff9', 'hex'))).toBe(-7);
  });

  it('round-trips rich values', () => {
    const value = {
      text: 'ünïcode 😀',
      list: [1, -1, 2 ** 40, 1.25, null, false],
      nested: { big: 2n ** 60n, at: new Date(1_700_000_000_123), bytes: Buffer.from([1, 2]) },
    };
    expect(msgpack.deserialize(msgpack.serialize(value))).toEqual(value);
  });

  it('rejects trailing bytes, so JSON text is not misread', () => {
    expect(() => msgpack.deserialize(Buffer.from('"hello"'))).toThrow(/end of buffer/);
  });

  it.each([
    ['a top-level undefined', undefined, /undefined; store null/],
    ['a symbol', Symbol('s'), /symbol/],
    ['a function', () => 1, /function/],
    ['a nested function', { f: [() => 1] }, /function \(at f\.0\)/],
    ['a BigInt beyond 64 bits', { n: 2n ** 70n }, /64 bits.*\(at n\)/],
    ['a Map', { m: new Map() }, /Map.*\(at m\)/],
    ['a boxed string', { s: new String('x') }, /String object.*\(at s\)/],
    ['a lone surrogate', { s: 'a\ud800' }, /well-formed.*\(at s\)/],
    ['a __proto__ key', { p: JSON.parse('{"__proto__": 1}') }, /__proto__.*\(at p\.__proto__\)/],
  ])('rejects %s with an EncodeError', (_label, value, message) => {
    expect(() => msgpack.serialize(value)).toThrow(EncodeError);
    expect(() => msgpack.serialize(value)).toThrow(message);
  });
});
