import { FactoryError, isCachexError } from '../errors.js';
import type { GetOrSetResult, GetOrSetStatus, ResolvedGetOrSet } from './options.js';
import type { StoredEntry } from './read-entry.js';

/** The wall-clock time a read entry's key expires, or Infinity. */
export function physicalExpiry(entry: StoredEntry): number {
  return entry.pttl < 0 ? Number.POSITIVE_INFINITY : entry.readAt + entry.pttl;
}

/** ms of freshness an entry has left (negative: stale; Infinity: never expires). */
export function freshLeft(entry: StoredEntry, o: ResolvedGetOrSet): number {
  return entry.pttl < 0 ? Number.POSITIVE_INFINITY : entry.pttl - o.graceMs;
}

export function fromEntry<T>(
  entry: StoredEntry<T>,
  status: GetOrSetStatus,
  o: ResolvedGetOrSet,
): GetOrSetResult<T> {
  if (entry.pttl < 0) return { value: entry.value, status, createdAt: undefined, expiresAt: null };
  const expiresAt = entry.readAt + entry.pttl - o.graceMs;
  // expiresAt − timeout; a key written with a longer TTL than this call's timeout would put
  // that in the future: it was written no later than it was read.
  const createdAt =
    o.freshMs === null || o.freshMs === 0
      ? undefined
      : Math.min(entry.readAt, expiresAt - o.freshMs);
  return { value: entry.value, status, createdAt, expiresAt };
}

/** A factory's failure as callers see it: a `FactoryError` with the original as `cause`. */
export function asFactoryError(error: unknown, key: string): FactoryError {
  if (isCachexError(error, 'E_FACTORY')) return error as FactoryError;
  const reason = error instanceof Error ? error.message : String(error);
  return new FactoryError(
    `getOrSet: the factory for key ${JSON.stringify(key)} failed: ${reason}`,
    { cause: error, context: { key } },
  );
}
