import { LRUCache } from 'lru-cache';
import { keyBytes } from './commands/args.js';
import { type DataType, type Entry, type EntryOf, isEmpty, type Values } from './entry.js';
import { ExpiryQueue } from './expiry-queue.js';
import { fail, OOM, WRONGTYPE } from './reply-error.js';

/** Options of a {@link Keyspace}; see `MemoryStoreOptions`. */
export interface KeyspaceOptions {
  maxEntries?: number | undefined;
  maxBytes?: number | undefined;
  now: () => number;
  sweepIntervalMs: number;
}

// How many expired keys one sweep removes at most, so a mass expiry never stalls the loop;
// lazy expiry on access keeps results right in between.
const SWEEP_LIMIT = 10_000;

const SENTINEL = Symbol('cachex.memory.sentinel');

/**
 * The keys of a store: values, absolute expiry times checked lazily on access plus one unref'd
 * sweeper interval (so no timer per key, and no `setTimeout` limit on TTLs), and LRU bounds by
 * count and bytes (lru-cache) with Redis `allkeys-lru` behaviour.
 *
 * Two structures hold the keys: the LRU (recency, sizes, eviction) and an insertion-ordered
 * map, whose live iterators give SCAN its guarantee (a key present for the whole scan is
 * returned) whatever reads and deletes happen in between.
 */
export class Keyspace {
  /** The time of the running command: one snapshot per command, transaction or script. */
  now = 0;
  /** Called when a list is written, so that blocked pops can be served. */
  onListWrite: ((key: string) => void) | undefined;
  /** How many keys the LRU bounds have evicted. */
  evictions = 0;
  readonly #lru: LRUCache<string | symbol, number>;
  readonly #maxEntries: number;
  readonly #index = new Map<string, Entry>();
  readonly #expiries = new ExpiryQueue();
  readonly #maxBytes: number;
  readonly #clock: () => number;
  readonly #sweepIntervalMs: number;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;
  #seq = 0;

  constructor(options: KeyspaceOptions) {
    this.#maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    this.#clock = options.now;
    this.#sweepIntervalMs = options.sweepIntervalMs;
    this.#maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
    // The LRU only orders keys and sums their sizes; evicting is done here (see #evict). A
    // sentinel keeps it from ever becoming empty: lru-cache resets (fills) its arrays when its
    // last key goes, which would make deleting the only key cost O(peak size) each time.
    this.#lru = new LRUCache<string | symbol, number>({ maxSize: Number.MAX_SAFE_INTEGER });
    this.#lru.set(SENTINEL, 1, { size: 1 });
  }

  /** The number of keys (expired ones not swept yet included, like Redis' DBSIZE). */
  get size(): number {
    return this.#index.size;
  }

  /** The total size of the keys, as counted for `maxBytes`. */
  get bytes(): number {
    return this.#lru.calculatedSize - 1;
  }

  /** Reads the clock (for work outside a command, such as a SCAN page). */
  tick(): void {
    this.now = this.#clock();
  }

  isExpired(entry: Entry): boolean {
    return entry.expiresAt !== undefined && this.now > entry.expiresAt;
  }

  /** The live entry of a key (an access: it becomes the most recently used), or undefined. */
  lookup(key: string): Entry | undefined {
    const entry = this.peek(key);
    if (entry !== undefined) this.#lru.get(key);
    return entry;
  }

  /** Like {@link lookup} without counting as an access (TTL, TYPE, EXISTS use it, as in Redis). */
  peek(key: string): Entry | undefined {
    const entry = this.#index.get(key);
    if (entry === undefined) return undefined;
    if (this.isExpired(entry)) {
      this.#drop(key);
      return undefined;
    }
    return entry;
  }

  /** The live entry of a key of the given type; another type is a WRONGTYPE error. */
  read<T extends DataType>(key: string, type: T): EntryOf<T> | undefined {
    const entry = this.lookup(key);
    if (entry !== undefined && entry.type !== type) fail(WRONGTYPE);
    return entry as EntryOf<T> | undefined;
  }

  /** A new entry, not stored yet (see {@link put} and {@link commit}). */
  create<T extends DataType>(type: T, value: Values[T], bytes = 0): EntryOf<T> {
    return { type, value, expiresAt: undefined, bytes, seq: 0 };
  }

  /** Stores an entry under a key (a new key, a replacement, or a changed size). */
  put(key: string, entry: Entry): void {
    const size = Math.max(1, keyBytes(key) + entry.bytes);
    const current = this.#index.get(key);
    if (size > this.#maxBytes) {
      // Nothing can make room for an entry larger than the bound: refuse it like Redis does
      // when eviction cannot free enough. A collection changed in place cannot be rolled back,
      // so it is dropped rather than kept over the bound.
      if (current === entry) this.#drop(key);
      fail(OOM);
    }
    if (current !== entry) {
      // A new key, a replacement (which keeps the key's place in SCAN order), or a collection
      // changed in place after it was evicted (which comes back as a new key).
      entry.seq = current?.seq ?? ++this.#seq;
      this.#index.set(key, entry);
      if (entry.expiresAt !== undefined) this.#schedule(entry.expiresAt, key);
    }
    // The LRU's value is the size: a new value is what makes lru-cache re-read the size.
    this.#lru.set(key, size, { size });
    if (this.#index.size > this.#maxEntries || this.bytes > this.#maxBytes) this.#evict();
    if (entry.type === 'list') this.onListWrite?.(key);
  }

  /** Saves a collection changed in place; an empty one disappears, like in Redis. */
  commit(key: string, entry: Entry): void {
    if (isEmpty(entry)) this.#drop(key);
    else this.put(key, entry);
  }

  /** Deletes a live key; false when there was none. */
  delete(key: string): boolean {
    if (this.lookup(key) === undefined) return false;
    this.#drop(key);
    return true;
  }

  #drop(key: string): void {
    if (this.#index.delete(key)) this.#lru.delete(key);
  }

  /** Removes least recently used keys until the bounds hold (Redis' allkeys-lru). */
  #evict(): void {
    while (this.#index.size > this.#maxEntries || this.bytes > this.#maxBytes) {
      const oldest = this.#lru.rkeys().next().value;
      if (oldest === SENTINEL) {
        this.#lru.get(SENTINEL); // out of the way: to the most recent end
        continue;
      }
      if (oldest === undefined) return;
      this.#drop(oldest as string);
      this.evictions++;
    }
  }

  /** Sets (or removes, with undefined) the absolute expiry time of a stored entry. */
  setExpiry(key: string, entry: Entry, at: number | undefined): void {
    entry.expiresAt = at;
    if (at !== undefined) this.#schedule(at, key);
  }

  #schedule(at: number, key: string): void {
    this.#expiries.push(at, key);
    // Items left behind by changed expiries are dropped as they come out; when they pile up
    // (a key re-expired again and again, or no sweeper), rebuild the queue from the live keys.
    if (this.#expiries.length > 2 * this.#index.size + 1024) {
      this.#expiries.clear();
      for (const [k, entry] of this.#index) {
        if (entry.expiresAt !== undefined) this.#expiries.push(entry.expiresAt, k);
      }
    }
    if (this.#sweeper === undefined && this.#sweepIntervalMs > 0 && !this.#closed) {
      this.#sweeper = setInterval(() => this.sweep(), this.#sweepIntervalMs);
      this.#sweeper.unref();
    }
  }

  /** Every key in creation order, expired or not; the iterator is live (see class doc). */
  entries(): IterableIterator<[string, Entry]> {
    return this.#index.entries();
  }

  /** Removes expired keys (at most `limit`); returns how many. */
  sweep(limit = SWEEP_LIMIT): number {
    this.tick();
    let removed = 0;
    while (removed < limit && this.#expiries.peekTime() < this.now) {
      const key = this.#expiries.pop()!;
      const entry = this.#index.get(key);
      if (entry !== undefined && this.isExpired(entry)) {
        this.#drop(key);
        removed++;
      }
    }
    return removed;
  }

  /** Removes every key. */
  flush(): void {
    this.#index.clear();
    this.#lru.clear();
    this.#lru.set(SENTINEL, 1, { size: 1 });
    this.#expiries.clear();
  }

  /** Stops the sweeper for good (lazy expiry still applies). */
  close(): void {
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}
