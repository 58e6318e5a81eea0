import { type Cache, globEscape } from '@cachex/core';
import { type SessionData, Store } from 'express-session';
import {
  checkCache,
  checkKnownOptions,
  checkOptionalBoolean,
  checkOptionalString,
  checkOptionsObject,
  checkPositive,
  invalid,
} from '../validate.js';

/** Options of {@link createSessionStore} and {@link CachexSessionStore}. */
export interface SessionStoreOptions {
  /** The cachex cache that holds the sessions (any transport: memory, standalone, sentinel, cluster). */
  cache: Cache;
  /**
   * Prepended to the session id to make its key. Default `'sess:'`. Stores that share a cache
   * need prefixes that do not start with one another (`'sess:'` and `'admin-sess:'`, not
   * `'sess:'` and `'sess:admin:'`), since `all`, `ids`, `length` and `clear` match by prefix.
   */
  prefix?: string;
  /**
   * Seconds a session is kept after it was last saved or touched: a number, or a function of
   * the session. Default: until the session cookie expires (its `expires`/`maxAge`), or
   * 86400 (one day) for a cookie without expiry. A result of 0 or less removes the session.
   */
  ttl?: number | ((session: SessionData) => number);
  /**
   * Do not reset a session's expiry when express-session touches it (on every request with
   * `resave: false`): the session then expires `ttl` after it was last saved. Default false.
   */
  disableTouch?: boolean;
  /** SCAN COUNT hint (and delete batch size) of `all`, `ids`, `length` and `clear`. Default 500. */
  scanCount?: number;
}

const FACTORY = 'createSessionStore';
const DEFAULT_PREFIX = 'sess:';
/** Kept for a cookie without expiry (a browser-session cookie): one day. */
const DEFAULT_TTL = 86_400;
/** Sessions read per round trip by `all`. */
const READ_BATCH = 100;
const OPTION_NAMES = ['cache', 'prefix', 'ttl', 'disableTouch', 'scanCount'] as const;

type Callback<T> = (error: unknown, value?: T) => void;

/** Runs `work` and hands its outcome to `callback`, outside the promise chain. */
function settle<T>(work: () => Promise<T>, callback: Callback<T> | undefined): void {
  work().then(
    (value) => {
      if (callback) process.nextTick(callback, null, value);
    },
    (error: unknown) => {
      if (callback) process.nextTick(callback, error);
    },
  );
}

/** The seconds left until the cookie expires, or undefined when it has no expiry. */
function cookieSeconds(session: SessionData): number | undefined {
  const cookie = session?.cookie as { expires?: unknown; maxAge?: unknown } | undefined;
  if (cookie === undefined || cookie === null) return undefined;
  if (cookie.expires !== undefined && cookie.expires !== null) {
    const at = new Date(cookie.expires as string | number | Date).getTime();
    if (!Number.isNaN(at)) return (at - Date.now()) / 1000;
  }
  if (typeof cookie.maxAge === 'number' && Number.isFinite(cookie.maxAge)) {
    return cookie.maxAge / 1000;
  }
  return undefined;
}

/**
 * A session store for [express-session](https://github.com/expressjs/session) on a cachex
 * cache: each session is one key (`<prefix><session id>`) that expires with the session, so it
 * works on every transport (memory, standalone, sentinel, cluster). `all`, `ids`, `length` and
 * `clear` walk the keys with SCAN, on every primary of a cluster.
 *
 * Sessions are stored as the plain data express-session serializes (`cookie.expires` as an ISO
 * string, which express-session turns back into a Date), through the cache's codec.
 *
 * @example
 * ```ts
 * import session from 'express-session';
 * import { CachexSessionStore } from '@cachex/express/session';
 *
 * app.use(session({ store: new CachexSessionStore({ cache }), secret, resave: false, saveUninitialized: false }));
 * ```
 */
export class CachexSessionStore extends Store {
  /** The prefix of the session keys (before the cache's own key prefix and version). */
  readonly prefix: string;
  readonly #cache: Cache;
  readonly #ttl: number | ((session: SessionData) => number) | undefined;
  readonly #disableTouch: boolean;
  readonly #scanCount: number | undefined;

  /**
   * @throws InvalidArgumentError (from `@cachex/core`) when an option is invalid;
   *   `context.option` names it.
   */
  constructor(options: SessionStoreOptions) {
    super();
    const o = checkOptionsObject(FACTORY, options);
    checkKnownOptions(FACTORY, o, OPTION_NAMES);
    checkCache(FACTORY, o.cache, ['get', 'set', 'delete', 'touch', 'getMany', 'iterKeys']);
    checkOptionalString(FACTORY, 'prefix', o.prefix, { allowEmpty: true });
    if (typeof o.ttl === 'number') checkPositive(FACTORY, 'ttl', o.ttl, { unit: 'seconds' });
    else if (o.ttl !== undefined && typeof o.ttl !== 'function') {
      throw invalid(FACTORY, 'ttl', 'must be a number of seconds or a function of the session');
    }
    checkOptionalBoolean(FACTORY, 'disableTouch', o.disableTouch);
    if (o.scanCount !== undefined) {
      checkPositive(FACTORY, 'scanCount', o.scanCount, { integer: true });
    }
    this.#cache = options.cache;
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#ttl = options.ttl;
    this.#disableTouch = options.disableTouch ?? false;
    this.#scanCount = options.scanCount;
  }

  /** The cache key of a session. */
  #key(sid: string): string {
    return `${this.prefix}${sid}`;
  }

  /** Seconds to keep `session` (see {@link SessionStoreOptions.ttl}). */
  #seconds(session: SessionData): number {
    if (typeof this.#ttl === 'number') return this.#ttl;
    if (typeof this.#ttl === 'function') {
      const seconds = this.#ttl(session);
      if (typeof seconds !== 'number' || Number.isNaN(seconds)) {
        throw invalid(FACTORY, 'ttl', `must return a number of seconds, got ${String(seconds)}`);
      }
      return seconds;
    }
    return cookieSeconds(session) ?? DEFAULT_TTL;
  }

  #scanOptions(): { count?: number } {
    return this.#scanCount === undefined ? {} : { count: this.#scanCount };
  }

  /** Reads a session: `callback(null, session)`, or `callback(null, null)` when it does not exist or expired. */
  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    settle(async () => {
      const found = await this.#cache.get<SessionData>(this.#key(sid));
      return found ?? null;
    }, callback);
  }

  /** Saves a session with its expiry (see {@link SessionStoreOptions.ttl}); an expired one is removed. */
  override set(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    settle(async () => {
      const seconds = this.#seconds(session);
      const key = this.#key(sid);
      if (seconds <= 0) {
        await this.#cache.delete(key);
        return;
      }
      // The data as express-session serializes it (the Cookie through its toJSON).
      const data = JSON.parse(JSON.stringify(session)) as SessionData;
      await this.#cache.set(key, data, { timeout: seconds });
    }, callback);
  }

  /** Resets a session's expiry, unless `disableTouch`. A session that no longer exists stays gone. */
  override touch(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    settle(async () => {
      if (this.#disableTouch) return;
      await this.#cache.touch(this.#key(sid), { timeout: this.#seconds(session) });
    }, callback);
  }

  /** Removes a session. */
  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    settle(async () => {
      await this.#cache.delete(this.#key(sid));
    }, callback);
  }

  /** The ids of every stored session (SCAN, cluster-wide). */
  ids(callback: (err: unknown, ids?: string[]) => void): void {
    settle(() => this.#ids(), callback);
  }

  async #ids(): Promise<string[]> {
    const ids = new Set<string>();
    const pattern = `${globEscape(this.prefix)}*`;
    for await (const key of this.#cache.iterKeys(pattern, this.#scanOptions())) {
      ids.add(key.slice(this.prefix.length));
    }
    return [...ids];
  }

  /** Every stored session, by id. */
  override all(
    callback: (err: unknown, sessions?: { [sid: string]: SessionData } | null) => void,
  ): void {
    settle(async () => {
      const ids = await this.#ids();
      const sessions: { [sid: string]: SessionData } = {};
      for (let i = 0; i < ids.length; i += READ_BATCH) {
        const batch = ids.slice(i, i + READ_BATCH);
        const found = await this.#cache.getMany<SessionData>(batch.map((sid) => this.#key(sid)));
        for (const sid of batch) {
          const session = found.get(this.#key(sid));
          // Expired between the scan and the read: left out.
          if (session !== undefined && session !== null) sessions[sid] = session;
        }
      }
      return sessions;
    }, callback);
  }

  /** How many sessions are stored. */
  override length(callback: (err: unknown, length?: number) => void): void {
    settle(async () => (await this.#ids()).length, callback);
  }

  /** Removes every session of this store's prefix. */
  override clear(callback?: (err?: unknown) => void): void {
    settle(async () => {
      await this.#cache.deletePattern(`${globEscape(this.prefix)}*`, this.#scanOptions());
    }, callback);
  }
}

/**
 * A {@link CachexSessionStore}: a session store for express-session on a cachex cache.
 *
 * @throws InvalidArgumentError (from `@cachex/core`) when an option is invalid;
 *   `context.option` names it.
 *
 * @example
 * ```ts
 * app.use(session({ store: createSessionStore({ cache, ttl: 3600 }), secret, resave: false }));
 * ```
 */
export function createSessionStore(options: SessionStoreOptions): CachexSessionStore {
  return new CachexSessionStore(options);
}
