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
    expect(() => v8.serialize({ f: () => 1 })).toThrow(/function \(at f\)/);
    expect(() => v8.deserialize(Buffer.from('{"a":1}'))).toThrow();
  });

  it('rejects class instances (structured clone stores no prototype) and Errors with extra fields', () => {
    class User {
      name = 'ada';
    }
    expect(() => v8.serialize({ list: [new User()] })).toThrow(
      /class instance \(User\).*\(at list\.0\)/,
    );
    const error = Object.assign(new Error('x'), { code: 'E_X' });
    expect(() => v8.serialize({ error })).toThrow(/own properties \(code\).*\(at error\)/);
    const withCause = new Error('outer', { cause: new TypeError('inner') });
    const back = v8.deserialize(v8.serialize(withCause)) as Error;
    expect(back.cause).toBeInstanceOf(TypeError);
  });

  it('stores cyclic and shared structures (checked past the depth limit too)', () => {
    const value: Record<string, unknown> = { name: 'root' };
    value.self = value;
    const back = v8.deserialize(v8.serialize(value)) as Record<string, unknown>;
    expect(back.self).toBe(back);
    const bad: Record<string, unknown> = { f: new (class Thing {})() };
    bad.self = bad;
    expect(() => v8.serialize(bad)).toThrow(/class instance \(Thing\)/);
  });
});
