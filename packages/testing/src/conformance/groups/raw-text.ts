import type { Cache, Reply } from '@cachex/core';
import type { Harness } from '../harness.js';

// Helpers of the hash and set groups: read the server's raw state as text, so assertions
// compare the stored bytes (JSON strings quoted, integers as decimal text).

/** A raw reply as text (arrays element-wise). */
export function text(reply: Reply): unknown {
  if (Array.isArray(reply)) return reply.map(text);
  return Buffer.isBuffer(reply) ? reply.toString('utf8') : reply;
}

/** A raw HGETALL reply as a record of field → stored text. */
export function rawRecord(reply: Reply): Record<string, string> {
  const flat = text(reply) as string[];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

/** The stored members of a set, as sorted text (set order is unspecified). */
export async function rawMembers(
  h: Harness,
  cache: Cache,
  key: string,
  version?: number,
): Promise<string[]> {
  return (text(await h.raw(cache, 'SMEMBERS', cache.makeKey(key, version))) as string[]).sort();
}

/** Decoded members sorted by their JSON text, for order-free comparison. */
export function sorted<T>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}
