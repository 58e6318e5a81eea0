import { EncodeError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createJsonSerializer } from './json.js';

const json = createJsonSerializer();
const text = (value: unknown) => Buffer.from(json.serialize(value)).toString('utf8');

describe('json serializer', () => {
  it('writes the bytes django-cachex writes for scalars', () => {
    expect(Buffer.from(json.serialize('hello')).toString('hex')).toBe('2268656c6c6f22');
    expect(text(true)).toBe('true');
    expect(text(null)).toBe('null');
    expect(text(3.5)).toBe('3.5');
  });

  it('is deterministic: keys sorted at every level, no whitespace', () => {
    const a = json.serialize({ b: 1, a: { d: 1, c: 2 } });
    const b = json.serialize({ a: { c: 2, d: 1 }, b: 1 });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).toString()).toBe('{"a":{"c":2,"d":1},"b":1}');
    expect(text([{ z: 1, y: [{ x: 2, w: 3 }] }])).toBe('[{"y":[{"w":3,"x":2}],"z":1}]');
  });

  it('writes Dates like DjangoJSONEncoder', () => {
    expect(text(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)))).toBe('"2024-01-02T03:04:05.678Z"');
    expect(text({ at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) })).toBe(
      '{"at":"2024-01-02T03:04:05Z"}',
    );
  });

  it('follows JSON.stringify for undefined members, toJSON and boxed values', () => {
    expect(text({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
    expect(text({ v: { toJSON: () => 'custom' } })).toBe('{"v":"custom"}');
    expect(text([new String('s'), new Number(2), new Boolean(false)])).toBe('["s",2,false]');
    expect(text('quote " and \\ and \n é 😀')).toBe(JSON.stringify('quote " and \\ and \n é 😀'));
  });

  it('keeps integral numbers beyond the safe range floats', () => {
    expect(text(2 ** 53)).toBe('9007199254740992.0');
    expect(text(1e21)).toBe('1e+21');
    expect(json.deserialize(json.serialize(2 ** 60))).toBe(2 ** 60);
  });

  it.each([
    ['top-level undefined', undefined, /undefined/],
    ['a function', { f: () => 1 }, /function \(at f\)/],
    ['a symbol', [Symbol('s')], /symbol \(at 0\)/],
    ['a BigInt', { a: { b: 5n } }, /BigInt.*\(at a\.b\)/],
    ['NaN', { n: Number.NaN }, /NaN/],
    ['Infinity', Number.POSITIVE_INFINITY, /Infinity/],
    ['an invalid Date', new Date(Number.NaN), /invalid Date/],
    ['a Map', new Map(), /Map/],
    ['a Set', { s: new Set([1]) }, /Set; use the msgpack or v8 serializer \(at s\)/],
    ['a typed array', new Uint16Array(2), /Uint16Array/],
  ])('rejects %s with an EncodeError', (_label, value, message) => {
    expect(() => json.serialize(value)).toThrow(EncodeError);
    expect(() => json.serialize(value)).toThrow(message);
  });

  it('rejects cyclic structures but accepts shared references', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(() => json.serialize(cyclic)).toThrow(/cyclic structure \(at self\.back\)/);
    const shared = { x: 1 };
    expect(text({ p: shared, q: shared })).toBe('{"p":{"x":1},"q":{"x":1}}');
  });

  it('wraps a throwing toJSON in an EncodeError', () => {
    const bad = {
      toJSON() {
        throw new Error('boom');
      },
    };
    expect(() => json.serialize({ bad })).toThrow(/JSON serialization failed: boom/);
  });

  it('reads what it writes and rejects non-JSON and invalid UTF-8', () => {
    const value = { s: 'héllo 😀', n: [1, -2.5, null, true], o: {} };
    expect(json.deserialize(json.serialize(value))).toEqual(value);
    expect(() => json.deserialize(Buffer.from([0xa5, 0x68]))).toThrow();
    expect(() => json.deserialize(Buffer.from([0x22, 0xff, 0x22]))).toThrow();
  });
});
