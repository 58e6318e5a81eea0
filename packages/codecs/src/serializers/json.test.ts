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

  it('keeps object keys in their order, with no whitespace (what JSON.stringify writes)', () => {
    const value = { b: 1, a: { d: 1, c: 2 }, 2: 'two', 1: 'one' };
    expect(text(value)).toBe('{"1":"one","2":"two","b":1,"a":{"d":1,"c":2}}');
    expect(text(value)).toBe(JSON.stringify(value));
    expect(text([{ z: 1, y: [{ x: 2, w: 3 }] }])).toBe('[{"z":1,"y":[{"x":2,"w":3}]}]');
    expect(Object.keys(json.deserialize(json.serialize(value)) as object)).toEqual([
      '1',
      '2',
      'b',
      'a',
    ]);
  });

  it('writes Dates like DjangoJSONEncoder', () => {
    expect(text(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)))).toBe('"2024-01-02T03:04:05.678Z"');
    expect(text({ at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) })).toBe(
      '{"at":"2024-01-02T03:04:05Z"}',
    );
  });

  it('follows JSON.stringify for undefined properties and toJSON', () => {
    expect(text({ a: undefined, b: [1] })).toBe('{"b":[1]}');
    expect(text({ v: { toJSON: () => 'custom' } })).toBe('{"v":"custom"}');
    expect(text({ v: { toJSON: (key: string) => `key ${key}` } })).toBe('{"v":"key v"}');
    expect(text([{ toJSON: (key: string) => `index ${key}` }])).toBe('["index 0"]');
    expect(text('quote " and \\ and \n é 😀')).toBe(JSON.stringify('quote " and \\ and \n é 😀'));
  });

  it('checks what toJSON returns like any value', () => {
    expect(() => json.serialize({ v: { toJSON: () => new Map() } })).toThrow(/Map;.*\(at v\)/);
    expect(() => json.serialize({ v: { toJSON: () => ({ n: 1n }) } })).toThrow(
      /BigInt.*\(at v\.n\)/,
    );
    expect(() => json.serialize({ v: { toJSON: () => undefined } })).toThrow(
      /toJSON\(\) returned undefined \(at v\)/,
    );
    expect(text({ v: { toJSON: () => ({ at: new Date(Date.UTC(2024, 0, 2)) }) } })).toBe(
      '{"v":{"at":"2024-01-02T00:00:00Z"}}',
    );
    const endless = (): unknown => ({ toJSON: endless });
    expect(() => json.serialize(endless())).toThrow(/1000 levels/);
  });

  it('escapes lone surrogates (JSON.stringify does), so they read back', () => {
    expect(text('a\ud800b')).toBe('"a\\ud800b"');
    expect(json.deserialize(json.serialize({ '\udc00': 'a\ud800b' }))).toEqual({
      '\udc00': 'a\ud800b',
    });
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
    ['a Set', { s: new Set([1]) }, /Set; convert it to a plain object or an array.* \(at s\)/],
    ['a typed array', new Uint16Array(2), /Uint16Array/],
    ['a Buffer', { b: Buffer.from('x') }, /Buffer; store it as a base64 string.*\(at b\)/],
    ['an undefined array item', { b: [undefined, 1] }, /undefined in an array.*\(at b\.0\)/],
    ['a boxed string', [new String('s')], /String object.*\(at 0\)/],
    ['a class instance', { u: new (class User {})() }, /class instance \(User\).*toJSON.*\(at u\)/],
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
