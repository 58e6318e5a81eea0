import { LRUCache } from 'lru-cache';
import { ConfigError } from '../errors.js';
import { freezeAndMeasure } from './freeze.js';

/**
 * Options of the near cache: an in-process LRU of decoded values in front of the server, kept
 * coherent by the server's invalidation messages (client-side caching, `CLIENT TRACKING`).
 */
export interface NearCacheOptions {
  /** At most this many values. Default 10,000. */
  maxEntries?: number;
  /**
   * At most about this many bytes of values, estimated from their contents (strings at two
   * bytes per character, numbers at eight, plus a small overhead per object, array and
   * property). Default 64 MiB.
   */
  maxBytes?: number;
  /**
   * Seconds a value stays in process at most, even without an invalidation (a safety net, and
   * the bound on how long a value outlives its expiry on the server). Default 60.
   */
  ttl?: number;
  /**
   * Broadcasting mode: the server reports every change of a key under the cache's key prefix
   * (`CLIENT TRACKING … BCAST PREFIX <keyPrefix>:`), whether this process read it or not,
   * instead of remembering which keys each connection read. Less memory on the server, more
   * messages when keys this process never reads change often. With a custom `keyFunction` the
   * prefix is not known and every key's changes are reported. Default false.
   */
  broadcast?: boolean;
}

/** Counters of a cache's near cache (`cache.nearCacheStats()`). */
export interface NearCacheStats {
  /** `get` calls answered in process, without a round trip. */
  hits: number;
  /** `get` calls that went to the server. */
  misses: number;
  /** Values dropped because the server or a write of this process said they changed. */
  invalidations: number;
  /** Times the whole near cache was emptied (flush, reconnect, failover, lost tracking). */
  flushes: number;
  /** Values held now. */
  entries: number;
  /** Their estimated size, in bytes. */
  bytes: number;
  /** Whether the server is tracking this cache's reads now (values are kept only then). */
  tracking: boolean;
  /** The last failure to set tracking up, if any (credentials redacted by the transport). */
  lastError?: string;
}

/** The resolved options. */
export interface ResolvedNearCacheOptions {
  maxEntries: number;
  maxBytes: number;
  ttlMs: number;
  broadcast: boolean;
}

const DEFAULTS = { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024, ttl: 60 };

function positive(value: unknown, field: string, integer: boolean): number {
  if (
    typeof value !== 'number' ||
    !(value > 0) ||
    !Number.isFinite(value) ||
    (integer && !Number.isSafeInteger(value))
  ) {
    throw new ConfigError(
      `nearCache.${field} must be a positive ${integer ? 'integer' : 'number'}`,
      { context: { field: `nearCache.${field}` } },
    );
  }
  return value;
}

function flag(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new ConfigError(`nearCache.${field} must be true or false`, {
      context: { field: `nearCache.${field}` },
    });
  }
  return value;
}

/** Validates the `nearCache` option (`true` = the defaults); undefined when it is off. */
export function resolveNearCacheOptions(
  option: boolean | NearCacheOptions | undefined,
): ResolvedNearCacheOptions | undefined {
  if (option === undefined || option === false) return undefined;
  if (option !== true && (typeof option !== 'object' || option === null)) {
    throw new ConfigError('nearCache must be true, false or an options object', {
      context: { field: 'nearCache' },
    });
  }
  const given = option === true ? {} : option;
  return {
    maxEntries: positive(given.maxEntries ?? DEFAULTS.maxEntries, 'maxEntries', true),
    maxBytes: positive(given.maxBytes ?? DEFAULTS.maxBytes, 'maxBytes', true),
    ttlMs: positive(given.ttl ?? DEFAULTS.ttl, 'ttl', false) * 1000,
    broadcast: flag(given.broadcast, 'broadcast'),
  };
}

/** What {@link NearCache.lookup} returns when the value is not held. */
export const NOT_HELD: unique symbol = Symbol('cachex.nearCache.notHeld');

/** A read of the server in flight, started while tracking was on. */
export interface NearRead {
  readonly key: string;
  readonly generation: number;
  readonly state: PendingKey;
  readonly version: number;
}

/** Reads in flight of one key, and how often the key was invalidated meanwhile. */
interface PendingKey {
  refs: number;
  version: number;
}

interface Entry {
  readonly value: unknown;
  readonly bytes: number;
}

/**
 * The store and the bookkeeping that keeps it coherent. A value read from the server is kept
 * only if, between the read being sent and its reply, nothing could have made it stale: the key
 * was not invalidated (the invalidation can arrive on the subscriber's connection before the
 * reply arrives on the data connection), and the whole cache was not flushed nor tracking
 * lost (the generation did not move).
 */
export class NearCache {
  readonly #lru: LRUCache<string, Entry>;
  readonly #ttlMs: number;
  readonly #pending = new Map<string, PendingKey>();
  #tracking = false;
  #generation = 0;
  #hits = 0;
  #misses = 0;
  #invalidations = 0;
  #flushes = 0;
  #lastError: string | undefined;

  constructor(options: Pick<ResolvedNearCacheOptions, 'maxEntries' | 'maxBytes' | 'ttlMs'>) {
    this.#ttlMs = options.ttlMs;
    this.#lru = new LRUCache<string, Entry>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.bytes),
      ttl: options.ttlMs,
    });
  }

  /** The value held for a stored key, or {@link NOT_HELD} (counted as a hit or a miss). */
  lookup(key: string): unknown {
    const entry = this.#lru.get(key);
    if (entry === undefined) {
      this.#misses++;
      return NOT_HELD;
    }
    this.#hits++;
    return entry.value;
  }

  /** Starts a read of `key` from the server; undefined when its value could not be kept. */
  beginRead(key: string): NearRead | undefined {
    if (!this.#tracking) return undefined;
    let state = this.#pending.get(key);
    if (state === undefined) {
      state = { refs: 0, version: 0 };
      this.#pending.set(key, state);
    }
    state.refs++;
    return { key, generation: this.#generation, state, version: state.version };
  }

  /**
   * Ends a read; keeps `value` if nothing made it stale meanwhile, for at most `ttl` and, when
   * `remainingMs` (the key's PTTL) is given and positive, no longer than the key lives on the
   * server. A PTTL of -2 (the key is gone already) keeps nothing.
   */
  endRead(read: NearRead | undefined, value: unknown, remainingMs?: number): void {
    if (read === undefined) return;
    this.#release(read);
    if (
      value === undefined ||
      remainingMs === -2 ||
      (remainingMs !== undefined && Number.isNaN(remainingMs)) ||
      !this.#tracking ||
      read.generation !== this.#generation ||
      read.version !== read.state.version
    ) {
      return;
    }
    const bytes = freezeAndMeasure(value);
    // Values that cannot be frozen (typed arrays, Buffers) would be shared mutable state: read
    // them from the server each time instead.
    if (bytes < 0) return;
    const entry = { value, bytes: bytes + read.key.length * 2 };
    if (remainingMs !== undefined && remainingMs > 0 && remainingMs < this.#ttlMs) {
      this.#lru.set(read.key, entry, { ttl: remainingMs });
    } else this.#lru.set(read.key, entry);
  }

  /** Ends a read that failed. */
  abortRead(read: NearRead | undefined): void {
    if (read !== undefined) this.#release(read);
  }

  #release(read: NearRead): void {
    if (--read.state.refs === 0 && this.#pending.get(read.key) === read.state) {
      this.#pending.delete(read.key);
    }
  }

  /** Drops `keys` (stored keys) and marks their reads in flight as stale. */
  invalidate(keys: Iterable<string>): void {
    for (const key of keys) {
      if (this.#lru.delete(key)) this.#invalidations++;
      const state = this.#pending.get(key);
      if (state !== undefined) state.version++;
    }
  }

  /** Empties the near cache; reads in flight are not kept. */
  flush(): void {
    this.#generation++;
    this.#flushes++;
    this.#lru.clear();
  }

  /** Tracking turned on or off. Either way, what is held (or in flight) cannot be trusted. */
  setTracking(active: boolean): void {
    if (active === this.#tracking) return;
    this.#tracking = active;
    this.flush();
  }

  recordError(error: unknown): void {
    this.#lastError = error instanceof Error ? error.message : String(error);
  }

  get tracking(): boolean {
    return this.#tracking;
  }

  stats(): NearCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      invalidations: this.#invalidations,
      flushes: this.#flushes,
      entries: this.#lru.size,
      bytes: this.#lru.calculatedSize,
      tracking: this.#tracking,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }
}
