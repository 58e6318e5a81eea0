import crc16xmodem from 'crc/crc16xmodem';

/** Number of hash slots in a Redis/Valkey cluster. */
export const SLOT_COUNT = 16384;

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }

/**
 * The hash slot of a key, as the server computes it (`CLUSTER KEYSLOT`): CRC16-XMODEM of the
 * key's bytes modulo 16384, or of its hash tag, the bytes between the first `{` and the first
 * `}` after it, when there is such a pair and it is not empty (`{}` means no tag: the whole key
 * is hashed).
 *
 * The CRC comes from the `crc` package. `cluster-key-slot`, which ioredis 6 and iovalkey 0.4
 * route with, mishashes a key whose first tag is empty and that has another `}` later
 * (`a{}b{c}`: it hashes `b{c`); grouping keys by such a slot would send MGETs the server
 * refuses with CROSSSLOT.
 *
 * @example
 * ```ts
 * hashSlot('{user42}:a') === hashSlot('{user42}:b'); // true: same tag, same slot
 * ```
 */
export function hashSlot(key: string | Uint8Array): number {
  const bytes =
    typeof key === 'string'
      ? Buffer.from(key, 'utf8')
      : Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  const open = bytes.indexOf(OPEN);
  if (open !== -1) {
    const close = bytes.indexOf(CLOSE, open + 1);
    if (close > open + 1) return crc16xmodem(bytes.subarray(open + 1, close)) % SLOT_COUNT;
  }
  return crc16xmodem(bytes) % SLOT_COUNT;
}
