import { DecodeError, EncodeError, isCachexError } from '@cachex/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodec } from './codec.js';
import type { CompressorName, SerializerName } from './registry.js';
import { sameValueProblem } from './same-value.js';
import { assertProperty } from './test-support/property.js';

/**
 * Property tests of the README's "what each serializer stores" table, on random values through
 * every serializer × compressor: a value reads back as it was written (or changed as the table
 * says), or encode throws an EncodeError; and random or damaged bytes decode to a value or a
 * DecodeError, never another error, a crash or a hang. Seeds: see test-support/property.ts.
 */

const SERIALIZERS: readonly SerializerName[] = ['json', 'msgpack', 'v8'];
const COMPRESSORS: readonly (CompressorName | 'none')[] = [
  'none',
  'zlib',
  'gzip',
  'brotli',
  'lz4',
  'zstd',
  'lzma',
];

/** What one serializer should do with a (part of a) value. */
type Expected =
  /** Reads back as `value` (compared as the README says: deep-strict, key order included). */
  | { value: unknown; loose?: true }
  /** Refused with an EncodeError. */
  | { refused: true }
  /** `undefined` for json/msgpack: left out of objects, refused in arrays and at the top. */
  | { undefinedItem: true };

type PerSerializer = Record<SerializerName, Expected>;

interface Gen {
  value: unknown;
  expected: PerSerializer;
}

const REFUSED: Expected = { refused: true };

function same(value: unknown, overrides: Partial<PerSerializer> = {}): Gen {
  return {
    value,
    expected: { json: { value }, msgpack: { value }, v8: { value }, ...overrides },
  };
}

function refusedBy(value: unknown, ...names: SerializerName[]): Gen {
  const overrides: Partial<PerSerializer> = {};
  for (const name of names) overrides[name] = REFUSED;
  return same(value, overrides);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function djangoDate(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

// Strings with lone surrogates now and then (fast-check's units are well-formed by default).
const anyString = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
      { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udfff', '\udc00x', '"\\\u2028') },
    ),
    { maxLength: 3 },
  )
  .map((parts) => parts.join(''));

const stringLeaf = anyString.map((s) =>
  s.isWellFormed() ? same(s) : same(s, { msgpack: REFUSED }),
);

const numberLeaf = fc
  .oneof(
    fc.double(),
    fc.integer(),
    fc.constantFrom(2 ** 53, -(2 ** 53), 2 ** 60, Number.MAX_SAFE_INTEGER, 1e21, 5e-324, -0),
  )
  .map((n) => {
    const gen = same(n);
    if (!Number.isFinite(n)) gen.expected.json = REFUSED;
    if (Object.is(n, -0)) gen.expected.msgpack = REFUSED;
    return gen;
  });

const bigintLeaf = fc
  .oneof(
    fc.bigInt({ min: -(2n ** 66n), max: 2n ** 66n }),
    fc.bigInt({ min: -MAX_SAFE - 2n, max: MAX_SAFE + 2n }),
    fc.constantFrom(
      MAX_SAFE,
      MAX_SAFE + 1n,
      -MAX_SAFE,
      -MAX_SAFE - 1n,
      -(2n ** 63n),
      -(2n ** 63n) - 1n,
      2n ** 64n - 1n,
      2n ** 64n,
    ),
  )
  .map((b) => {
    let msgpack: Expected;
    if (b < -(2n ** 63n) || b >= 2n ** 64n) msgpack = REFUSED;
    // "within ±2^53", bounds included: ±2^53 itself is exact as a number.
    else if (b >= -(MAX_SAFE + 1n) && b <= MAX_SAFE + 1n) msgpack = { value: Number(b) };
    else msgpack = { value: b };
    return same(b, { json: REFUSED, msgpack });
  });

const dateLeaf = fc
  .date()
  .map((d) =>
    Number.isNaN(d.getTime())
      ? same(d, { json: REFUSED, msgpack: REFUSED, v8: { value: d, loose: true } })
      : same(d, { json: { value: djangoDate(d) } }),
  );

const bytesLeaf = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((a) => refusedBy(Buffer.from(a), 'json')),
  fc.uint8Array({ maxLength: 40 }).map((a) => refusedBy(a, 'json')),
  fc.int8Array({ maxLength: 10 }).map((a) => refusedBy(a, 'json')),
  fc.uint8ClampedArray({ maxLength: 10 }).map((a) => refusedBy(a, 'json')),
  fc.int16Array({ maxLength: 10 }).map((a) => refusedBy(a, 'json')),
  fc.uint16Array({ maxLength: 10 }).map((a) => refusedBy(a, 'json')),
  fc.int32Array({ maxLength: 10 }).map((a) => refusedBy(a, 'json')),
  fc.uint32Array({ maxLength: 10 }).map((a) => refusedBy(a, 'json')),
  fc.float32Array({ maxLength: 10, noNaN: true }).map((a) => refusedBy(a, 'json')),
  fc.float64Array({ maxLength: 10, noNaN: true }).map((a) => refusedBy(a, 'json')),
  fc.bigInt64Array({ maxLength: 5 }).map((a) => refusedBy(a, 'json')),
  fc.bigUint64Array({ maxLength: 5 }).map((a) => refusedBy(a, 'json')),
  fc.uint8Array({ maxLength: 20 }).map((a) => refusedBy(a.slice().buffer, 'json')),
);

const v8OnlyLeaf = fc.oneof(
  fc
    .constantFrom('a+b', '^\\d+$', 'x|y')
    .chain((source) =>
      fc.constantFrom('', 'g', 'gi', 'm').map((flags) => new RegExp(source, flags)),
    ),
  fc.string({ maxLength: 10 }).map((m) => new Error(m)),
  fc.string({ maxLength: 10 }).map((m) => new TypeError(m)),
  fc.string({ maxLength: 10 }).map((s) => new String(s)),
  fc.integer().map((n) => new Number(n)),
  fc.boolean().map((b) => new Boolean(b)),
);

const refusedEverywhere = fc.oneof(
  fc.constant(() => 1),
  fc.string({ maxLength: 5 }).map((s) => Symbol(s)),
  fc.integer().map((x) => new Point(x, x)),
  fc.constant(null).map(() => new WeakMap()),
  fc.constant(null).map(() => new WeakSet()),
);

const leaf: fc.Arbitrary<Gen> = fc.oneof(
  { weight: 5, arbitrary: stringLeaf },
  { weight: 5, arbitrary: numberLeaf },
  { weight: 2, arbitrary: fc.constantFrom(true, false, null).map((v) => same(v)) },
  { weight: 2, arbitrary: bigintLeaf },
  {
    weight: 1,
    arbitrary: fc.constant({
      value: undefined,
      expected: {
        json: { undefinedItem: true },
        msgpack: { undefinedItem: true },
        v8: { value: undefined },
      },
    } as Gen),
  },
  { weight: 2, arbitrary: dateLeaf },
  { weight: 2, arbitrary: bytesLeaf },
  {
    weight: 1,
    arbitrary: v8OnlyLeaf.map((v) => refusedBy(v, 'json', 'msgpack')),
  },
  {
    weight: 1,
    arbitrary: refusedEverywhere.map((v) => refusedBy(v, 'json', 'msgpack', 'v8')),
  },
);

function isRefused(e: Expected): e is { refused: true } {
  return 'refused' in e;
}

/** The expected read-back of an array of parts, per serializer. */
function arrayOf(items: readonly (Gen | typeof HOLE)[]): Gen {
  const value: unknown[] = new Array(items.length);
  items.forEach((item, i) => {
    if (item !== HOLE) value[i] = item.value;
  });
  const expected = {} as PerSerializer;
  for (const name of SERIALIZERS) {
    const back: unknown[] = new Array(items.length);
    let refused = false;
    items.forEach((item, i) => {
      if (item === HOLE) {
        if (name !== 'v8') refused = true;
        return;
      }
      const e = item.expected[name];
      if (isRefused(e) || 'undefinedItem' in e) refused = true;
      else back[i] = e.value;
    });
    const loose = items.some((item) => item !== HOLE && 'loose' in item.expected[name]);
    expected[name] = refused ? REFUSED : loose ? { value: back, loose } : { value: back };
  }
  return { value, expected };
}

const HOLE = Symbol('hole');

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function objectOf(entries: readonly [string, Gen][], nullProto: boolean, cyclic: boolean): Gen {
  const value: Record<string, unknown> = nullProto ? Object.create(null) : {};
  for (const [key, gen] of entries) define(value, key, gen.value);
  if (cyclic) define(value, 'self', value);
  const expected = {} as PerSerializer;
  for (const name of SERIALIZERS) {
    const back: Record<string, unknown> = {};
    let refused = cyclic && name !== 'v8';
    let loose = false;
    for (const [key, gen] of entries) {
      // msgpack refuses such a key even when its value is left out (undefined).
      if (name === 'msgpack' && (key === '__proto__' || !key.isWellFormed())) refused = true;
      const e = gen.expected[name];
      if (isRefused(e)) refused = true;
      else if (!('undefinedItem' in e)) {
        define(back, key, e.value);
        if (e.loose) loose = true;
      }
    }
    if (cyclic) define(back, 'self', back);
    expected[name] = refused ? REFUSED : loose ? { value: back, loose } : { value: back };
  }
  return { value, expected };
}

function mapOf(entries: readonly [string | number, Gen][]): Gen {
  const value = new Map(entries.map(([k, g]) => [k, g.value]));
  const v8 = entries.map(([, g]) => g.expected.v8);
  return {
    value,
    expected: {
      json: REFUSED,
      msgpack: REFUSED,
      v8: v8.some(isRefused)
        ? REFUSED
        : {
            value: new Map(entries.map(([k], i) => [k, (v8[i] as { value: unknown }).value])),
            ...(v8.some((e) => 'loose' in e) ? { loose: true as const } : {}),
          },
    },
  };
}

const objectKey = fc
  .oneof(
    { weight: 6, arbitrary: anyString },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', '0', '10', '2', '-1') },
  )
  // An own toJSON function would be the JSON protocol: the table has its own row for it.
  .filter((key) => key !== 'toJSON' && key !== 'self');

const { value: valueArbitrary } = fc.letrec<{ value: Gen; node: Gen }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: tie('node') },
  ),
  node: fc.oneof(
    fc.array(tie('value'), { maxLength: 5 }).map(arrayOf),
    fc.array(fc.oneof(tie('value'), fc.constant(HOLE)), { maxLength: 5 }).map(arrayOf),
    fc
      .tuple(
        fc.uniqueArray(fc.tuple(objectKey, tie('value')), {
          maxLength: 5,
          selector: ([key]) => key,
        }),
        fc.boolean(),
        fc.integer({ min: 0, max: 9 }),
      )
      .map(([entries, nullProto, dice]) => objectOf(entries, nullProto, dice === 0)),
    fc
      .uniqueArray(fc.tuple(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), tie('value')), {
        maxLength: 4,
        selector: ([key]) => key,
      })
      .map(mapOf),
    fc
      .uniqueArray(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 4 })
      .map((items) => refusedBy(new Set(items), 'json', 'msgpack')),
    // One object twice: json and msgpack read back two equal copies.
    tie('value').map((child) => arrayOf([child, child])),
  ),
}));

/** What the whole value should do: top-level integers are stored as integer text by the codec. */
function topLevel(gen: Gen): PerSerializer {
  const v = gen.value;
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v))) {
    const back = typeof v === 'bigint' && (v > MAX_SAFE || v < -MAX_SAFE) ? v : Number(v) || 0;
    return { json: { value: back }, msgpack: { value: back }, v8: { value: back } };
  }
  const result = { ...gen.expected };
  for (const name of SERIALIZERS) if ('undefinedItem' in result[name]) result[name] = REFUSED;
  return result;
}

type Outcome = { ok: true; result: unknown } | { ok: false; error: unknown };

async function outcome(run: () => unknown): Promise<Outcome> {
  try {
    return { ok: true, result: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Rejects when `work` takes longer than `ms` (a hang in an async codec). */
async function within<T>(ms: number, what: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();
  let result: T;
  try {
    result = await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  // A synchronous codec cannot be interrupted: at least say it was too slow.
  const took = performance.now() - started;
  if (took > ms) throw new Error(`${what} took ${Math.round(took)} ms (limit ${ms})`);
  return result;
}

const CASE_LIMIT_MS = 5000;

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
}

type AnyCodec = ReturnType<typeof createCodec>;

interface Combination {
  serializer: SerializerName;
  compressor: CompressorName | 'none';
  /** minLength 0: every value goes through the compressor. */
  compressing: AnyCodec;
  /** The default minLength (256): small values stay uncompressed. */
  plain: AnyCodec;
}

function combination(serializer: SerializerName, compressor: CompressorName | 'none'): Combination {
  // Every optional package is a devDependency of codecs: a missing one fails here, loudly.
  const options = compressor === 'none' ? { serializer } : { serializer, compressor };
  return {
    serializer,
    compressor,
    compressing: createCodec({ ...options, minLength: 0 }),
    plain: createCodec(options),
  };
}

const combinations = SERIALIZERS.flatMap((serializer) =>
  COMPRESSORS.map((compressor) => ({
    name: `${serializer} + ${compressor}`,
    serializer,
    compressor,
  })),
);

describe.each(combinations)('$name', ({ serializer, compressor }) => {
  const made = combination(serializer, compressor);

  it('random values read back as the README table says, or encode throws an EncodeError', async () => {
    const { compressing, plain } = made;
    await assertProperty(
      fc.asyncProperty(valueArbitrary, fc.boolean(), async (gen, compress) => {
        const codec = compress ? compressing : plain;
        const expected = topLevel(gen)[serializer];
        await within(CASE_LIMIT_MS, 'encode + decode', async () => {
          const encoded = await outcome(() => codec.encode(gen.value));
          if (isRefused(expected)) {
            if (encoded.ok) throw new Error('encode should have refused the value');
            if (!(encoded.error instanceof EncodeError)) {
              throw new Error(`expected an EncodeError, got ${describeError(encoded.error)}`);
            }
            expect(encoded.error.code).toBe('E_ENCODE');
            return;
          }
          if (!encoded.ok) {
            throw new Error(`encode should have stored it: ${describeError(encoded.error)}`);
          }
          const bytes = encoded.result as Buffer | string;
          // The same value gives the same bytes.
          const again = (await codec.encode(gen.value)) as Buffer | string;
          expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
          const decoded = await outcome(() => codec.decode(bytes, 'k'));
          if (!decoded.ok) {
            throw new Error(`decode failed: ${describeError(decoded.error)}`);
          }
          if ('value' in expected && !expected.loose) {
            const problem = sameValueProblem(decoded.result, expected.value);
            if (problem !== undefined) throw new Error(`read back ${problem}`);
          }
        });
      }),
    );
  }, 120_000);

  it('random, truncated and damaged bytes decode to a value or a DecodeError', async () => {
    const { compressing, plain } = made;
    const stored = fc
      .tuple(valueArbitrary, fc.boolean())
      .map(([gen, compress]) => ({ gen, codec: compress ? compressing : plain }));
    const input = fc.oneof(
      fc
        .uint8Array({ maxLength: 300 })
        .map((a) => ({ kind: 'random', make: () => Buffer.from(a) })),
      fc.string({ unit: 'binary', maxLength: 100 }).map((s) => ({ kind: 'string', make: () => s })),
      fc
        .tuple(stored, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean())
        .map(([{ gen, codec }, cut, at, byte, flip]) => ({
          kind: flip ? 'damaged' : 'truncated',
          make: async () => {
            const encoded = await outcome(() => codec.encode(gen.value));
            if (!encoded.ok) return Buffer.alloc(0);
            const bytes = Buffer.from(encoded.result as Buffer | string);
            if (!flip) return bytes.subarray(0, bytes.length === 0 ? 0 : cut % bytes.length);
            if (bytes.length > 0) {
              const i = at % bytes.length;
              bytes[i] = (bytes[i] as number) ^ (byte || 1);
            }
            return bytes;
          },
        })),
    );
    await assertProperty(
      fc.asyncProperty(input, fc.boolean(), async ({ kind, make }, compress) => {
        const codec = compress ? compressing : plain;
        const data = await make();
        await within(CASE_LIMIT_MS, `decode of ${kind} bytes`, async () => {
          const decoded = await outcome(() => codec.decode(data, 'k'));
          if (!decoded.ok) {
            if (
              !(decoded.error instanceof DecodeError) ||
              !isCachexError(decoded.error, 'E_DECODE')
            ) {
              throw new Error(
                `decode of ${kind} bytes threw ${describeError(decoded.error)}, not a DecodeError`,
              );
            }
            expect(decoded.error.key).toBe('k');
          }
        });
      }),
    );
  }, 120_000);
});
