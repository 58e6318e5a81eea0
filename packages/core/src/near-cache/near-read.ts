import type { CacheContext } from '../cache-context.js';
import { thenMaybe } from '../commands/encoding.js';
import { FIRST_KEY } from '../key-spec.js';
import type { Step } from '../step.js';
import type { Reply } from '../types/transport.js';
import type { NearCache, NearRead } from './near-cache.js';

/** What a near-cache read resolves when the key does not exist (never a stored value). */
export const ABSENT: unique symbol = Symbol('cachex.nearCache.absent');

/**
 * A `get` for the near cache: GET and PTTL of the key in one round trip (one batch, both reads),
 * so that the value is kept no longer than the key lives on the server. Without the remaining
 * time, a held value would be served after its expiry until the server's active expiry cycle
 * got to the key (its invalidation comes only then). The value is kept if nothing invalidated
 * the key while the read was in flight (see {@link NearCache.endRead}).
 */
export function nearReadStep(
  ctx: CacheContext,
  key: string,
  stored: string,
  near: NearCache,
  read: NearRead,
): Step<unknown> {
  return {
    commands: [
      { name: 'GET', keys: FIRST_KEY, args: [stored], read: true },
      { name: 'PTTL', keys: FIRST_KEY, args: [stored], read: true },
    ],
    key,
    reduce: (replies: Reply[]) => {
      const [value = null, pttl = null] = replies;
      if (value === null) {
        near.abortRead(read);
        return ABSENT;
      }
      return thenMaybe(ctx.decode(value as Buffer, key), (decoded) => {
        near.endRead(read, decoded, Number(pttl));
        return decoded;
      });
    },
  };
}
