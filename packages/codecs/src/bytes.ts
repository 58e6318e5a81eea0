/**
 * Byte helpers shared by serializers, compressors and the codec. They wrap instead of copying:
 * values can be large and these run on every read and write.
 */

/** The same bytes as a Node `Buffer`, without copying when they are not one already. */
export function toBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** True when `data` begins with every byte of `magic`. */
export function startsWith(data: Uint8Array, magic: readonly number[]): boolean {
  if (data.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) {
    if (data[i] !== magic[i]) return false;
  }
  return true;
}
