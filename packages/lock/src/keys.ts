import { InvalidKeyError } from '@cachex/core';

/** What a lock needs from a cache to name its keys. */
export interface KeyMaker {
  makeKey(key: string, version?: number): string;
}

/** The two stored keys of a lock: the lock itself and its fencing counter, in one slot. */
export interface LockKeys {
  /** Holds the token of the current holder, with the lease as its TTL. */
  readonly lock: string;
  /** The fencing counter: INCR on every acquisition, never expires. */
  readonly fence: string;
}

/**
 * The hash tag Redis Cluster hashes for `key`, as CLUSTER KEYSLOT finds it: the text between
 * the first `{` and the first `}` after it, when that text is not empty. `undefined` when the
 * whole key is hashed. (`{` and `}` are ASCII, so string indexes match byte indexes.)
 */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open === -1) return undefined;
  const close = key.indexOf('}', open + 1);
  return close === -1 || close === open + 1 ? undefined : key.slice(open + 1, close);
}

/**
 * The stored keys of the lock named `key`. The acquire script touches both keys, so on a
 * cluster they must share a hash slot: when the stored key has no hash tag of its own (from
 * the user key or the prefix), the user key is wrapped in one, `prefix:1:{key}`, and the
 * counter is `prefix:1:{key}:fence`. A key that already has a tag is used as it is
 * (`prefix:1:{user42}:lock`, the key django-cachex's lock uses too), with its counter at
 * `prefix:1:{user42}:lock:fence`.
 */
export function lockKeys(cache: KeyMaker, key: string, version: number | undefined): LockKeys {
  const plain = cache.makeKey(key, version);
  const tagged = hashTagOf(plain) === undefined ? `{${key}}` : key;
  const lock = tagged === key ? plain : cache.makeKey(tagged, version);
  const fence = cache.makeKey(`${tagged}:fence`, version);
  const tag = hashTagOf(lock);
  if (tag === undefined || tag !== hashTagOf(fence)) {
    throw new InvalidKeyError(
      `Cannot keep lock ${JSON.stringify(key)} and its fencing counter in one cluster hash slot ` +
        `(stored keys ${JSON.stringify(lock)} and ${JSON.stringify(fence)}): give the key a hash tag of its own, e.g. "{${key.replace(/[{}]/g, '')}}"`,
      { context: { key } },
    );
  }
  return { lock, fence };
}
