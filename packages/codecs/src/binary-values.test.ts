import { EncodeError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createCodec } from './codec.js';
import { isSameValue } from './same-value.js';

/**
 * Binary values through every serializer: each either reads back as the same type with the same
 * contents, or is refused. The bytes written must be exactly the value's own bytes, the same on
 * every call (no stale memory from a reused buffer, no neighbouring bytes of a pooled Buffer).
 */

// msgpackr's typed-array extension (type 0x74): one byte for the array type, then the raw bytes.
const TYPED_ARRAY_CODES: Record<string, number> = {
  Int8Array: 0,
  Uint8Array: 1,
  Uint8ClampedArray: 2,
  Int16Array: 3,
  Uint16Array: 4,
  Int32Array: 5,
  Uint32Array: 6,
  Float32Array: 7,
  Float64Array: 8,
  BigInt64Array: 9,
  BigUint64Array: 10,
  ArrayBuffer: 16,
  DataView: 17,
};

type Binary = ArrayBufferView | ArrayBuffer;

/** A view of `length` elements starting at element 1 of a larger array: a nonzero byteOffset. */
function offsetView<T extends ArrayBufferView>(make: (values: number[]) => T, length = 4): T {
  const values = Array.from({ length: length + 2 }, (_, i) => i * 3 + 1);
  const whole = make(values) as unknown as { subarray(start: number, end: number): T };
  return whole.subarray(1, length + 1);
}

const kinds: [string, () => Binary][] = [
  ['Int8Array', () => new Int8Array([-128, -1, 0, 127])],
  ['Int8Array at an offset', () => offsetView((v) => new Int8Array(v))],
  ['Uint8Array (not a Buffer)', () => new Uint8Array([0, 1, 254, 255])],
  ['Uint8Array at an offset', () => offsetView((v) => new Uint8Array(v))],
  ['Uint8ClampedArray', () => new Uint8ClampedArray([0, 128, 255])],
  ['Int16Array', () => new Int16Array([-32768, -1, 0, 32767])],
  ['Int16Array at an offset', () => offsetView((v) => new Int16Array(v))],
  ['Uint16Array', () => new Uint16Array([0, 1, 65535])],
  ['Int32Array', () => new Int32Array([-(2 ** 31), -1, 2 ** 31 - 1])],
  ['Uint32Array at an offset', () => offsetView((v) => new Uint32Array(v))],
  ['Float32Array', () => new Float32Array([0.25, 0.5, 0.75, 1])],
  ['Float32Array at an offset', () => offsetView((v) => new Float32Array(v.map((x) => x / 8)))],
  ['Float64Array', () => new Float64Array([Math.PI, -0, Number.NaN, Number.POSITIVE_INFINITY])],
  ['Float64Array at an offset', () => offsetView((v) => new Float64Array(v.map((x) => x / 3)))],
  ['BigInt64Array', () => new BigInt64Array([-(2n ** 63n), -1n, 2n ** 63n - 1n])],
  ['BigUint64Array at an offset', () => offsetView((v) => new BigUint64Array(v.map(BigInt)))],
  ['DataView at an offset', () => new DataView(new Uint8Array([9, 1, 2, 3, 9]).buffer, 1, 3)],
  ['ArrayBuffer', () => new Uint8Array([1, 2, 3]).buffer],
  ['empty Float32Array', () => new Float32Array(0)],
  ['Float32Array of 1000 items', () => new Float32Array(1000).map((_, i) => i / 7)],
];

const buffers: [string, () => Buffer][] = [
  ['Buffer', () => Buffer.from([1, 2, 3])],
  // Buffer.from(string) carves small Buffers out of a shared 8 KB pool.
  ['pooled Buffer slice', () => Buffer.from('abcdef').subarray(2, 5)],
  ['unpooled Buffer', () => Buffer.alloc(300, 7)],
  ['empty Buffer', () => Buffer.alloc(0)],
];

/** The value's own bytes, and nothing around them. */
function ownBytes(value: Binary): Buffer {
  return ArrayBuffer.isView(value)
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : Buffer.from(value);
}

function typeName(value: Binary): string {
  return Object.getPrototypeOf(value).constructor.name;
}

/** msgpack ext (8, 16 or 32-bit length) of type 0x74 holding `code` and the value's bytes. */
function typedArrayExt(value: Binary): Buffer {
  const data = Buffer.concat([
    Buffer.from([0x74, TYPED_ARRAY_CODES[typeName(value)]!]),
    ownBytes(value),
  ]);
  const length = data.length - 1;
  const header =
    length < 0x100
      ? Buffer.from([0xc7, length])
      : length < 0x10000
        ? Buffer.from([0xc8, length >> 8, length & 0xff])
        : Buffer.from([0xc9, 0, length >> 16, (length >> 8) & 0xff, length & 0xff]);
  return Buffer.concat([header, data]);
}

function binHeader(length: number): Buffer {
  return length < 0x100
    ? Buffer.from([0xc4, length])
    : Buffer.from([0xc5, length >> 8, length & 0xff]);
}

// `{ embedding: value }`: fixmap of one entry, then the key as a fixstr.
const mapPrefix = Buffer.from('81a9656d62656464696e67', 'hex');

function encodeBytes(serializer: 'msgpack' | 'v8', value: unknown): Buffer {
  return createCodec({ serializer }).encode(value) as Buffer;
}

describe('binary values', () => {
  it('msgpack stores a Float32Array embedding as its own bytes, the same on every call', () => {
    const codec = createCodec({ serializer: 'msgpack' });
    const value = { embedding: new Float32Array([0.25, 0.5, 0.75, 1]) };
    const first = codec.encode(value) as Buffer;
    const second = codec.encode(value) as Buffer;
    expect(first.toString('hex')).toBe(
      `${mapPrefix.toString('hex')}c7117407${'0000803e0000003f0000403f0000803f'}`,
    );
    expect(second.equals(first)).toBe(true);
    expect(isSameValue(codec.decode(first), value)).toBe(true);
  });

  describe.each(kinds)('%s', (_label, make) => {
    it('msgpack writes its own bytes as the typed-array extension and reads back the same type', () => {
      const value = make();
      const first = encodeBytes('msgpack', { embedding: value });
      expect(first.toString('hex')).toBe(
        Buffer.concat([mapPrefix, typedArrayExt(value)]).toString('hex'),
      );
      expect(encodeBytes('msgpack', { embedding: value }).equals(first)).toBe(true);
      const back = createCodec({ serializer: 'msgpack' }).decode(first) as { embedding: Binary };
      expect(Object.getPrototypeOf(back.embedding)).toBe(Object.getPrototypeOf(value));
      expect(isSameValue(back, { embedding: value })).toBe(true);
    });

    it('v8 reads back the same type and contents, the same bytes on every call', () => {
      const value = make();
      const first = encodeBytes('v8', { embedding: value });
      expect(encodeBytes('v8', { embedding: value }).equals(first)).toBe(true);
      const back = createCodec({ serializer: 'v8' }).decode(first) as { embedding: Binary };
      expect(Object.getPrototypeOf(back.embedding)).toBe(Object.getPrototypeOf(value));
      expect(isSameValue(back, { embedding: value })).toBe(true);
    });

    it('json refuses it with an EncodeError naming the path', () => {
      const codec = createCodec({ serializer: 'json' });
      expect(() => codec.encode({ embedding: make() })).toThrow(EncodeError);
      expect(() => codec.encode({ embedding: make() })).toThrow(
        new RegExp(`${typeName(make())}.*\\(at embedding\\)`),
      );
    });
  });

  describe.each(buffers)('%s', (_label, make) => {
    it('msgpack writes it as bin (Python bytes) and reads back a Buffer', () => {
      const value = make();
      const first = encodeBytes('msgpack', { embedding: value });
      expect(first.toString('hex')).toBe(
        Buffer.concat([mapPrefix, binHeader(value.length), value]).toString('hex'),
      );
      expect(encodeBytes('msgpack', { embedding: value }).equals(first)).toBe(true);
      const back = createCodec({ serializer: 'msgpack' }).decode(first) as { embedding: Buffer };
      expect(Buffer.isBuffer(back.embedding)).toBe(true);
      expect(isSameValue(back, { embedding: value })).toBe(true);
    });

    it('v8 stores only its bytes and reads back a Buffer', () => {
      const value = make();
      const first = encodeBytes('v8', { embedding: value });
      expect(encodeBytes('v8', { embedding: value }).equals(first)).toBe(true);
      // The rest of a pooled Buffer's 8 KB is not written.
      expect(first.length).toBeLessThan(value.length + 40);
      const back = createCodec({ serializer: 'v8' }).decode(first) as { embedding: Buffer };
      expect(Buffer.isBuffer(back.embedding)).toBe(true);
      expect(isSameValue(back, { embedding: value })).toBe(true);
    });

    it('json refuses it (JSON.stringify would write {"type":"Buffer","data":[...]})', () => {
      const codec = createCodec({ serializer: 'json' });
      expect(() => codec.encode({ embedding: make() })).toThrow(/Buffer.*\(at embedding\)/);
    });
  });

  it('msgpack refuses a typed array subclass (it would not read back as the subclass)', () => {
    class Embedding extends Float32Array {}
    const codec = createCodec({ serializer: 'msgpack' });
    expect(() => codec.encode({ e: new Embedding(2) })).toThrow(/Embedding.*\(at e\)/);
  });
});
