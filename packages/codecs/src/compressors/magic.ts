/**
 * Magic-byte checks used to pick a decompressor on read. Every format here has a mandatory
 * header, so a payload without it can skip that decompressor. Values the serializers write never
 * start with these bytes (JSON starts with `{ [ " t f n - digit`, msgpack values of the kinds that
 * reach a serializer start at 0x80 or above, V8 with 0xff), and a false positive only costs a
 * failed attempt before the raw bytes are read.
 */
import { startsWith } from '../bytes.js';

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
const LZ4_FRAME = [0x04, 0x22, 0x4d, 0x18];
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

/**
 * A zlib (RFC 1950) header: deflate method, a window of at most 32 KB, no preset dictionary, and
 * the header check `(CMF * 256 + FLG) % 31 == 0`. Python and Node write `78 9c` (level 6) or
 * `78 da` (level 9); other window sizes are accepted too.
 */
export function isZlib(data: Uint8Array): boolean {
  if (data.length < 2) return false;
  const cmf = data[0] as number;
  const flg = data[1] as number;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && (flg & 0x20) === 0 && (cmf * 256 + flg) % 31 === 0;
}

/** A gzip member header (`1f 8b`). */
export function isGzip(data: Uint8Array): boolean {
  return startsWith(data, GZIP);
}

/** A Zstandard frame (`28 b5 2f fd`). */
export function isZstd(data: Uint8Array): boolean {
  return startsWith(data, ZSTD);
}

/** An LZ4 frame (`04 22 4d 18`), the format Python's `lz4.frame` writes. */
export function isLz4Frame(data: Uint8Array): boolean {
  return startsWith(data, LZ4_FRAME);
}

/** An xz container (`fd 37 7a 58 5a 00`), what Python's `lzma.compress` writes by default. */
export function isXz(data: Uint8Array): boolean {
  return startsWith(data, XZ);
}
