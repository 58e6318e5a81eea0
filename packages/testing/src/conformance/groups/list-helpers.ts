import type { Cache } from '@cachex/core';
import type { Harness } from '../harness.js';

/** The raw stored elements of a list (encoded bytes as text), read from the primary. */
export async function rawList(
  h: Harness,
  cache: Cache,
  key: string,
  version?: number,
): Promise<string[]> {
  const reply = await h.raw(cache, 'LRANGE', cache.makeKey(key, version), 0, -1);
  return (reply as Buffer[]).map((b) => b.toString('utf8'));
}
