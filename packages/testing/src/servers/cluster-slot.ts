import calculateSlot from 'cluster-key-slot';

/** Number of hash slots in a Redis Cluster. */
export const clusterSlotCount = 16384;

/**
 * The cluster hash slot of a key, as `CLUSTER KEYSLOT` computes it (CRC16 of the key, or of its
 * hash tag, modulo 16384), from `cluster-key-slot`, the function the drivers use.
 */
export function clusterKeySlot(key: string | Uint8Array): number {
  return calculateSlot(typeof key === 'string' ? key : Buffer.from(key));
}
