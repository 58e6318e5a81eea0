import { EncodeError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createMsgpackSerializer } from './msgpack.js';

const msgpack = createMsgpackSerializer();
const hex = (value: unknown) => Buffer.from(msgpack.serialize(value)).toString('hex');

describe('msgpack serializer', () => {
  // django-cachex-behaviour.md §2.3: what Python's msgpack writes.
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

  it('writes Dates as the timestamp extension and undefined as nil', () => {
    expect(hex(new Date(0))).toBe('d6ff00000000');
    expect(hex(undefined)).toBe('c0');
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
    ['a symbol', Symbol('s')],
    ['a function', () => 1],
    ['a BigInt beyond 64 bits', { n: 2n ** 70n }],
  ])('rejects %s with an EncodeError', (_label, value) => {
    expect(() => msgpack.serialize(value)).toThrow(EncodeError);
  });
});
