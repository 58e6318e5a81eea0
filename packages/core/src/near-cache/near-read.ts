import type { CacheContext } from '../cache-context.js';
import { readEntryStep, type StoredEntry } from '../get-or-set/read-entry.js';
import type { Step } from '../step.js';
import type { NearCache, NearRead } from './near-cache.js';

/**
 * A `get` for the near cache: GET and PTTL of the key in one round trip, so that the value is
 * kept no longer than the key lives on the server. Without the remaining time, a held value
 * would be served after its expiry until the server's active expiry cycle got to the key (its
 * invalidation comes only then). The value is kept if nothing invalidated the key while the
 * read was in flight (see {@link NearCache.endRead}). `undefined` when the key does not exist.
 */
export function nearReadStep(
  ctx: CacheContext,
  key: string,
  stored: string,
  near: NearCache,
  read: NearRead,
): Step<StoredEntry | undefined> {
  return readEntryStep(ctx, key, stored, {
    found: (value, pttl) => near.endRead(read, value, pttl),
    absent: () => near.abortRead(read),
  });
}
