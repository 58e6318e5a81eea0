import crc16xmodem from 'crc/crc16xmodem';

/** Number of hash slots in a Redis Cluster. */
export const clusterSlotCount = 16384;

/**
 * The cluster hash slot of a key, as `CLUSTER KEYSLOT` computes it: CRC16-XMODEM (from the
 * `crc` package) of the key, or of its hash tag (between the first `{` and the next `}`, when
 * not empty), modulo 16384. Not `cluster-key-slot`: it mishashes keys whose first tag is empty.
 */
export function clusterKeySlot(key: string | Uint8Array): number {
  const bytes = Buffer.from(typeof key === 'string' ? Buffer.from(key, 'utf8') : key);
  const open = bytes.indexOf(0x7b);
  const close = open === -1 ? -1 : bytes.indexOf(0x7d, open + 1);
  const hashed = close > open + 1 ? bytes.subarray(open + 1, close) : bytes;
  return crc16xmodem(hashed) % clusterSlotCount;
}
