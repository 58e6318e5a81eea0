import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isGzip, isLz4Frame, isXz, isZlib, isZstd } from './magic.js';

const bytes = (hex: string) => Buffer.from(hex, 'hex');

describe('magic bytes', () => {
  it('zlib: any valid RFC 1950 header, not JSON or msgpack', () => {
    for (const header of ['789c', '7801', '78da', '785e']) expect(isZlib(bytes(header))).toBe(true);
    expect(isZlib(deflateSync('x', { windowBits: 9 }))).toBe(true);
    expect(isZlib(bytes('789d'))).toBe(false); // header check fails
    expect(isZlib(bytes('78bb'))).toBe(false); // preset dictionary flag
    expect(isZlib(Buffer.from('{"a":1}'))).toBe(false);
    expect(isZlib(Buffer.from('"x"'))).toBe(false);
    expect(isZlib(bytes('78'))).toBe(false);
  });

  it('the other formats', () => {
    expect(isGzip(bytes('1f8b0800'))).toBe(true);
    expect(isGzip(bytes('1f8c'))).toBe(false);
    expect(isZstd(bytes('28b52ffd00'))).toBe(true);
    expect(isZstd(bytes('28b52f'))).toBe(false);
    expect(isLz4Frame(bytes('04224d1864'))).toBe(true);
    expect(isLz4Frame(bytes('02214c18'))).toBe(false); // legacy lz4 frame, not written by Python
    expect(isXz(bytes('fd377a585a0000'))).toBe(true);
    expect(isXz(bytes('5d00008000'))).toBe(false); // .lzma "alone" format
  });
});
