import { EncodeError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createCodec } from './codec.js';
import type { SerializerName } from './registry.js';
import { sameValueProblem } from './same-value.js';

/**
 * The type table of the README, per serializer: a value either reads back the same (same types,
 * prototypes and key order), reads back changed in a documented way, or is refused with an
 * EncodeError naming where it is. Nothing is stored that is not the value.
 */

type Outcome =
  | { same: true }
  | { changed: unknown }
  | { refused: RegExp }
  /** Checked by its own test below. */
  | { skip: true };

const same: Outcome = { same: true };
const changed = (to: unknown): Outcome => ({ changed: to });
const refused = (message: RegExp): Outcome => ({ refused: message });

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
class Money {
  constructor(readonly cents: number) {}
  toJSON(): string {
    return `${this.cents / 100} EUR`;
  }
}
class Tags extends Array<string> {}
class Moment extends Date {}
class NotFound extends Error {}

function nullPrototype(): object {
  const value = Object.create(null) as Record<string, unknown>;
  value.x = 1;
  return value;
}

function cyclic(): object {
  const value: Record<string, unknown> = { name: 'root' };
  value.child = { parent: value };
  return value;
}

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const shared = { x: 1 };

interface Case {
  label: string;
  value: () => unknown;
  json: Outcome;
  msgpack: Outcome;
  v8: Outcome;
}

const CLASS = /class instance|plain object/;

const cases: Case[] = [
  {
    label: 'object keys in their own order (not sorted)',
    value: () => ({
      zebra: 1,
      apple: { yak: true, bee: [3, 1] },
      10: 'ten',
      2: 'two',
      mango: null,
    }),
    json: same,
    msgpack: same,
    v8: same,
  },
  {
    label: 'well-formed strings of every kind',
    value: () => [
      '',
      'ascii',
      'héllo wörld',
      '日本語',
      '😀 🎉',
      'tab\tquote"backslash\\',
      '\u2028',
    ],
    json: same,
    msgpack: same,
    v8: same,
  },
  {
    label: 'a string with a lone surrogate',
    value: () => 'broken \ud800 pair',
    json: same,
    msgpack: refused(/well-formed|surrogate/),
    v8: same,
  },
  {
    label: 'an object key with a lone surrogate',
    value: () => ({ '\udc00key': 1 }),
    json: same,
    msgpack: refused(/well-formed|surrogate/),
    v8: same,
  },
  {
    label: 'numbers',
    value: () => [0, 1, -1, 0.1, -2.5, 2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER, 1e21, 5e-324],
    json: same,
    msgpack: same,
    v8: same,
  },
  {
    label: 'integral numbers beyond the safe range',
    value: () => [2 ** 53, 2 ** 60, -(2 ** 60), 1e20],
    json: same,
    msgpack: same,
    v8: same,
  },
  { label: '-0', value: () => -0, json: same, msgpack: refused(/-0/), v8: same },
  { label: 'NaN', value: () => Number.NaN, json: refused(/NaN/), msgpack: same, v8: same },
  {
    label: 'Infinity',
    value: () => Number.NEGATIVE_INFINITY,
    json: refused(/Infinity/),
    msgpack: same,
    v8: same,
  },
  {
    label: 'booleans and null',
    value: () => [true, false, null],
    json: same,
    msgpack: same,
    v8: same,
  },
  {
    label: 'a BigInt in the safe range',
    value: () => 5n,
    json: refused(/BigInt/),
    msgpack: changed(5),
    v8: same,
  },
  {
    label: 'a BigInt beyond the safe range (64 bits)',
    value: () => [2n ** 60n, -(2n ** 63n), 2n ** 64n - 1n],
    json: refused(/BigInt/),
    msgpack: same,
    v8: same,
  },
  {
    label: 'a BigInt beyond 64 bits',
    value: () => 2n ** 64n,
    json: refused(/BigInt/),
    msgpack: refused(/64 bits/),
    v8: same,
  },
  {
    label: 'an undefined property (omitted, as JSON.stringify does)',
    value: () => ({ kept: 1, gone: undefined }),
    json: changed({ kept: 1 }),
    msgpack: changed({ kept: 1 }),
    v8: same,
  },
  {
    label: 'an undefined array item',
    value: () => [1, undefined],
    json: refused(/undefined/),
    msgpack: refused(/undefined/),
    v8: same,
  },
  {
    label: 'an array hole',
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    value: () => [1, , 3],
    json: refused(/undefined|hole/),
    msgpack: refused(/undefined|hole/),
    v8: same,
  },
  {
    label: 'a null-prototype object (read back as a plain object)',
    value: nullPrototype,
    json: changed({ x: 1 }),
    msgpack: changed({ x: 1 }),
    v8: changed({ x: 1 }),
  },
  {
    label: 'an own "__proto__" key',
    value: () => JSON.parse('{"a": 1, "__proto__": {"b": 2}}'),
    json: same,
    msgpack: refused(/__proto__/),
    v8: same,
  },
  {
    label: 'shared references (read back as copies)',
    value: () => ({ first: shared, second: shared }),
    json: same,
    msgpack: same,
    v8: same,
  },
  {
    label: 'a cyclic structure',
    value: cyclic,
    json: refused(/cyclic.*\(at a\.0\.child\.parent\)/),
    msgpack: refused(/cyclic.*\(at a\.0\.child\.parent\)/),
    v8: same,
  },
  {
    label: 'values nested 2000 levels deep',
    value: () => nested(2000),
    json: refused(/levels/),
    msgpack: refused(/levels/),
    v8: { skip: true },
  },
  {
    label: 'a Date',
    value: () => new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
    json: changed('2024-01-02T03:04:05.678Z'),
    msgpack: same,
    v8: same,
  },
  {
    label: 'a Date on a whole second (Django leaves the fraction out)',
    value: () => new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    json: changed('2024-01-02T03:04:05Z'),
    msgpack: same,
    v8: same,
  },
  {
    label: 'a Date before 1970',
    value: () => new Date(Date.UTC(1969, 11, 31, 23, 59, 59, 999)),
    json: changed('1969-12-31T23:59:59.999Z'),
    msgpack: same,
    v8: same,
  },
  {
    label: 'an invalid Date',
    value: () => new Date(Number.NaN),
    json: refused(/invalid Date/),
    msgpack: refused(/invalid Date/),
    v8: { skip: true },
  },
  {
    label: 'a Date subclass',
    value: () => new Moment(Date.UTC(2024, 0, 2)),
    json: changed('2024-01-02T00:00:00Z'),
    msgpack: refused(CLASS),
    v8: refused(CLASS),
  },
  {
    label: 'a plain object with toJSON (JSON protocol)',
    value: () => ({ toJSON: () => ({ as: 'json' }) }),
    json: changed({ as: 'json' }),
    msgpack: refused(/function/),
    v8: refused(/function|could not be cloned/),
  },
  {
    label: 'a class instance with toJSON',
    value: () => new Money(1250),
    json: changed('12.5 EUR'),
    msgpack: refused(CLASS),
    v8: refused(CLASS),
  },
  {
    label: 'a class instance',
    value: () => new Point(1, 2),
    json: refused(CLASS),
    msgpack: refused(CLASS),
    v8: refused(CLASS),
  },
  {
    label: 'an Array subclass',
    value: () => Tags.from(['a']),
    json: refused(CLASS),
    msgpack: refused(CLASS),
    v8: refused(CLASS),
  },
  {
    label: 'a URL (a class instance with toJSON)',
    value: () => new URL('https://example.com/a?b=1'),
    json: changed('https://example.com/a?b=1'),
    msgpack: refused(CLASS),
    v8: refused(CLASS),
  },
  {
    label: 'a Map',
    value: () => new Map([['k', 1]]),
    json: refused(/Map/),
    msgpack: refused(/Map/),
    v8: same,
  },
  {
    label: 'a Set',
    value: () => new Set([1, 2]),
    json: refused(/Set/),
    msgpack: refused(/Set/),
    v8: same,
  },
  {
    label: 'a class instance inside a Map (v8)',
    value: () => new Map([['k', new Point(1, 2)]]),
    json: refused(/Map/),
    msgpack: refused(/Map/),
    v8: refused(/class instance.*\(at a\.0\.k\)/),
  },
  {
    label: 'a RegExp',
    value: () => /a+b/gi,
    json: refused(/RegExp/),
    msgpack: refused(/RegExp/),
    v8: same,
  },
  {
    label: 'an Error',
    value: () => new TypeError('boom'),
    json: refused(/Error/),
    msgpack: refused(/Error/),
    v8: same,
  },
  {
    label: 'an Error subclass',
    value: () => new NotFound('gone'),
    json: refused(/NotFound/),
    msgpack: refused(/NotFound/),
    v8: refused(CLASS),
  },
  {
    label: 'a boxed string',
    value: () => new String('boxed'),
    json: refused(/String object|boxed/),
    msgpack: refused(/String object|boxed/),
    v8: same,
  },
  {
    label: 'a boxed number',
    value: () => new Number(2),
    json: refused(/Number object|boxed/),
    msgpack: refused(/Number object|boxed/),
    v8: same,
  },
  {
    label: 'a boxed boolean',
    value: () => new Boolean(false),
    json: refused(/Boolean object|boxed/),
    msgpack: refused(/Boolean object|boxed/),
    v8: same,
  },
  {
    label: 'a function',
    value: () => () => 1,
    json: refused(/function/),
    msgpack: refused(/function/),
    v8: refused(/could not be cloned|function/),
  },
  {
    label: 'a symbol',
    value: () => Symbol('s'),
    json: refused(/symbol/),
    msgpack: refused(/symbol/),
    v8: refused(/could not be cloned|symbol/),
  },
  {
    label: 'a WeakMap',
    value: () => new WeakMap(),
    json: refused(/WeakMap/),
    msgpack: refused(/WeakMap/),
    v8: refused(/WeakMap/),
  },
  {
    label: 'a Promise',
    value: () => Promise.resolve(1),
    json: refused(/Promise/),
    msgpack: refused(/Promise/),
    v8: refused(/Promise/),
  },
];

const serializerNames: readonly SerializerName[] = ['json', 'msgpack', 'v8'];

describe.each(serializerNames)('%s: what reads back, what changes, what is refused', (name) => {
  const codec = createCodec({ serializer: name });
  const rows = cases.filter((row) => !('skip' in row[name]));

  it.each(rows)('$label', ({ value, [name]: outcome }) => {
    // Nested, so the refusal must name the path; `a.0` is where the value sits.
    const input = { a: [value()] };
    if ('refused' in outcome) {
      let error: unknown;
      try {
        codec.encode(input);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(EncodeError);
      expect((error as Error).message).toMatch(outcome.refused);
      expect((error as Error).message).toMatch(/\(at a\.0[.)]/);
      return;
    }
    const expected = 'changed' in outcome ? { a: [outcome.changed] } : input;
    const first = codec.encode(input);
    expect(Buffer.from(codec.encode(input) as Buffer).equals(Buffer.from(first as Buffer))).toBe(
      true,
    );
    const back = codec.decode(first as Buffer, 'k');
    expect(sameValueProblem(back, expected)).toBeUndefined();
  });
});

describe('top-level values', () => {
  it.each(serializerNames)('%s refuses a top-level undefined unless it is v8', (name) => {
    const codec = createCodec({ serializer: name });
    if (name === 'v8') {
      expect(codec.decode(codec.encode(undefined) as Buffer)).toBeUndefined();
    } else {
      expect(() => codec.encode(undefined)).toThrow(/undefined/);
    }
  });

  it.each(serializerNames)('%s keeps the key order of a top-level object', (name) => {
    const codec = createCodec({ serializer: name });
    const value = { b: 1, a: { d: 2, c: 3 }, '1': 'one' };
    const back = codec.decode(codec.encode(value) as Buffer, 'k');
    expect(sameValueProblem(back, value)).toBeUndefined();
    expect(Object.keys(back as object)).toEqual(['1', 'b', 'a']);
  });

  it('json writes -0 as -0.0 (a float for Python) when it is nested', () => {
    const codec = createCodec({ serializer: 'json' });
    expect(codec.encode([-0])).toBe('[-0.0]');
    expect(Object.is((codec.decode('[-0.0]') as number[])[0], -0)).toBe(true);
  });

  it('v8 reads back values nested 2000 levels deep', () => {
    // isDeepStrictEqual itself overflows the stack at this depth, so walk down by hand.
    const codec = createCodec({ serializer: 'v8' });
    let back = codec.decode(codec.encode(nested(2000)) as Buffer);
    let depth = 0;
    while (Array.isArray(back)) {
      expect(back).toHaveLength(1);
      back = back[0];
      depth++;
    }
    expect([depth, back]).toEqual([2000, 'bottom']);
  });

  it('v8 reads an invalid Date back as an invalid Date', () => {
    const codec = createCodec({ serializer: 'v8' });
    const back = codec.decode(codec.encode({ at: new Date(Number.NaN) }) as Buffer) as { at: Date };
    expect(Object.getPrototypeOf(back.at)).toBe(Date.prototype);
    expect(Number.isNaN(back.at.getTime())).toBe(true);
  });
});
