import { setTimeout as delay } from 'node:timers/promises';
import { type Cache, InvalidArgumentError, InvalidKeyError } from '@cachex/core';
import type { Closers } from '@cachex/testing';
import express from 'express';
import session, { type SessionData } from 'express-session';
import { describe, expect, it } from 'vitest';
import { CachexSessionStore, createSessionStore } from '../src/session/index.js';
import { CookieJar, listen } from './http-helpers.js';

declare module 'express-session' {
  interface SessionData {
    count?: number;
    user?: string;
  }
}

/** A store method called with a callback, as express-session calls it, as a promise. */
export function call<T = void>(
  run: (callback: (error: unknown, value?: T) => void) => void,
): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    run((error, value) => (error ? reject(error) : resolve(value)));
  });
}

/** Session data as express-session hands it to a store (a plain cookie with an expiry). */
export function sessionData(seconds: number | null, extra: Partial<SessionData> = {}): SessionData {
  const cookie = {
    originalMaxAge: seconds === null ? null : seconds * 1000,
    expires: seconds === null ? null : new Date(Date.now() + seconds * 1000),
    httpOnly: true,
    path: '/',
  };
  return { cookie, ...extra } as unknown as SessionData;
}

/** The same data, once through JSON (what a store hands back). */
const asStored = (data: SessionData) => JSON.parse(JSON.stringify(data)) as SessionData;

/**
 * The express-session store contract, the same on every transport. `open()` gives a cache
 * with a fresh key prefix; `another()` a second cache (its own connections) on the same keys,
 * as a second process would have.
 */
export function describeSessionStoreContract(
  name: string,
  open: () => { cache: Cache; another: () => Cache },
  closers: Closers,
): void {
  describe(`session store on ${name}`, () => {
    it('set then get returns the session; a missing one is null; destroy removes it', async () => {
      const { cache } = open();
      const store = createSessionStore({ cache });
      expect(store).toBeInstanceOf(CachexSessionStore);
      expect(store).toBeInstanceOf(session.Store);
      const data = sessionData(60, { count: 3, user: 'ada' });
      await call((cb) => store.set('sid-1', data, cb));
      expect(await call<SessionData | null>((cb) => store.get('sid-1', cb))).toEqual(
        asStored(data),
      );
      expect(await cache.get('sess:sid-1')).toEqual(asStored(data));
      expect(await call<SessionData | null>((cb) => store.get('nope', cb))).toBeNull();
      await call((cb) => store.destroy('sid-1', cb));
      expect(await call<SessionData | null>((cb) => store.get('sid-1', cb))).toBeNull();
      await call((cb) => store.destroy('sid-1', cb)); // already gone: no error
    });

    it('the TTL follows the cookie: its expiry, its maxAge, else one day', async () => {
      const { cache } = open();
      const store = createSessionStore({ cache });
      await call((cb) => store.set('expires', sessionData(120), cb));
      const ttl = await cache.pttl('sess:expires');
      expect(ttl).toBeGreaterThan(118_000);
      expect(ttl).toBeLessThanOrEqual(120_000);
      const maxAgeOnly = { cookie: { maxAge: 30_000, originalMaxAge: 30_000 } };
      await call((cb) => store.set('max-age', maxAgeOnly as unknown as SessionData, cb));
      expect(await cache.ttl('sess:max-age')).toBeGreaterThanOrEqual(29);
      expect(await cache.ttl('sess:max-age')).toBeLessThanOrEqual(30);
      await call((cb) => store.set('browser', sessionData(null), cb));
      expect(await cache.ttl('sess:browser')).toBeGreaterThan(86_390);
      expect(await cache.ttl('sess:browser')).toBeLessThanOrEqual(86_400);
      // A cookie already expired: nothing is kept.
      await call((cb) => store.set('expires', sessionData(-5), cb));
      expect(await cache.has('sess:expires')).toBe(false);
    });

    it('ttl as a number or a function of the session wins over the cookie', async () => {
      const { cache } = open();
      const fixed = createSessionStore({ cache, ttl: 45 });
      await call((cb) => fixed.set('a', sessionData(600), cb));
      expect(await cache.ttl('sess:a')).toBeGreaterThanOrEqual(44);
      expect(await cache.ttl('sess:a')).toBeLessThanOrEqual(45);
      const seen: SessionData[] = [];
      const byUser = createSessionStore({
        cache,
        ttl: (s) => {
          seen.push(s);
          return s.user === 'admin' ? 300 : 0;
        },
      });
      await call((cb) => byUser.set('admin', sessionData(60, { user: 'admin' }), cb));
      expect(await cache.ttl('sess:admin')).toBeGreaterThanOrEqual(299);
      expect(seen[0]?.user).toBe('admin');
      // 0 or less: the session is not kept.
      await call((cb) => byUser.set('guest', sessionData(60, { user: 'guest' }), cb));
      expect(await cache.has('sess:guest')).toBe(false);
      const broken = createSessionStore({ cache, ttl: () => Number.NaN });
      const error = await call((cb) => broken.set('x', sessionData(60), cb)).catch((e) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).context.option).toBe('ttl');
    });

    it('a session expires with its TTL', async () => {
      const { cache } = open();
      const store = createSessionStore({ cache, ttl: 0.3 });
      await call((cb) => store.set('short', sessionData(60, { count: 1 }), cb));
      expect(await call<SessionData | null>((cb) => store.get('short', cb))).not.toBeNull();
      await delay(450);
      expect(await call<SessionData | null>((cb) => store.get('short', cb))).toBeNull();
      expect(await call<number>((cb) => store.length(cb))).toBe(0);
    });

    it('touch resets the expiry from the session it is given; it never revives a session', async () => {
      const { cache } = open();
      const store = createSessionStore({ cache });
      const saved = sessionData(10);
      await call((cb) => store.set('t', saved, cb));
      expect(await cache.ttl('sess:t')).toBeLessThanOrEqual(10);
      await call((cb) => store.touch('t', sessionData(500), cb));
      expect(await cache.ttl('sess:t')).toBeGreaterThan(490);
      // The data is not rewritten by a touch.
      expect((await call<SessionData | null>((cb) => store.get('t', cb)))?.cookie).toEqual(
        asStored(saved).cookie,
      );
      await call((cb) => store.touch('gone', sessionData(500), cb));
      expect(await cache.has('sess:gone')).toBe(false);
    });

    it('disableTouch: touching changes nothing', async () => {
      const { cache } = open();
      const store = createSessionStore({ cache, disableTouch: true });
      await call((cb) => store.set('t', sessionData(10), cb));
      await call((cb) => store.touch('t', sessionData(500), cb));
      expect(await cache.ttl('sess:t')).toBeLessThanOrEqual(10);
      expect(await cache.ttl('sess:t')).toBeGreaterThan(0);
    });

    it('all, ids, length and clear see every session of the prefix, glob characters included', async () => {
      const { cache } = open();
      const store = createSessionStore({ cache, scanCount: 7 });
      const sids = ['a', 'b:c', 'x*y', 'q?[z]', ...Array.from({ length: 26 }, (_, i) => `s${i}`)];
      for (const [i, sid] of sids.entries()) {
        await call((cb) => store.set(sid, sessionData(60, { count: i }), cb));
      }
      // Not sessions of this store: another prefix, and a plain cache key.
      await cache.set('other', 1);
      await cache.set('sessx', 1);
      const ids = await call<string[]>((cb) => store.ids(cb));
      expect(ids?.sort()).toEqual([...sids].sort());
      expect(await call<number>((cb) => store.length(cb))).toBe(sids.length);
      const all = await call<Record<string, SessionData> | null>((cb) => store.all(cb));
      expect(Object.keys(all ?? {}).sort()).toEqual([...sids].sort());
      expect(all?.['x*y']?.count).toBe(2);
      await call((cb) => store.clear(cb));
      expect(await call<number>((cb) => store.length(cb))).toBe(0);
      expect(await call<Record<string, SessionData> | null>((cb) => store.all(cb))).toEqual({});
      expect(await cache.get('other')).toBe(1);
      expect(await cache.get('sessx')).toBe(1);
    });

    it('prefixes isolate stores that share a cache', async () => {
      const { cache } = open();
      const a = createSessionStore({ cache, prefix: 'app-a:' });
      const b = createSessionStore({ cache, prefix: 'app-b:' });
      await call((cb) => a.set('same-id', sessionData(60, { user: 'a' }), cb));
      await call((cb) => b.set('same-id', sessionData(60, { user: 'b' }), cb));
      await call((cb) => b.set('only-b', sessionData(60), cb));
      expect((await call<SessionData | null>((cb) => a.get('same-id', cb)))?.user).toBe('a');
      expect((await call<SessionData | null>((cb) => b.get('same-id', cb)))?.user).toBe('b');
      expect(await call<SessionData | null>((cb) => a.get('only-b', cb))).toBeNull();
      expect(await call<string[]>((cb) => a.ids(cb))).toEqual(['same-id']);
      await call((cb) => a.clear(cb));
      expect(await call<number>((cb) => a.length(cb))).toBe(0);
      expect(await call<number>((cb) => b.length(cb))).toBe(2);
      expect(await cache.has('app-b:same-id')).toBe(true);
    });

    it('a second store on another connection to the same keys sees the sessions', async () => {
      const { cache, another } = open();
      await call((cb) =>
        createSessionStore({ cache }).set('shared', sessionData(60, { count: 9 }), cb),
      );
      const other = createSessionStore({ cache: another() });
      expect((await call<SessionData | null>((cb) => other.get('shared', cb)))?.count).toBe(9);
    });

    it('errors reach the callback: an id that cannot be a key', async () => {
      const { cache } = open();
      const store = createSessionStore({ cache });
      const error = await call<SessionData | null>((cb) => store.get('bad\nid', cb)).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(InvalidKeyError);
      const setError = await call((cb) => store.set('bad\nid', sessionData(60), cb)).catch(
        (e) => e,
      );
      expect(setError).toBeInstanceOf(InvalidKeyError);
    });

    it('through express-session: a session survives requests and a second app on the same cache', async () => {
      const { cache, another } = open();
      const makeApp = (store: CachexSessionStore) => {
        const app = express();
        app.use(session({ store, secret: 'test secret', resave: false, saveUninitialized: false }));
        app.get('/count', (req, res) => {
          req.session.count = (req.session.count ?? 0) + 1;
          res.json({ count: req.session.count });
        });
        app.get('/peek', (req, res) => {
          res.json({ count: req.session.count ?? null });
        });
        app.get('/logout', (req, res, next) => {
          req.session.destroy((err) => (err ? next(err) : res.json({ ok: true })));
        });
        return app;
      };
      const first = createSessionStore({ cache, prefix: 'web:' });
      const url1 = await listen(makeApp(first), closers);
      const jar = new CookieJar();
      expect(JSON.parse((await jar.get(`${url1}/peek`)).body)).toEqual({ count: null });
      expect(jar.header()).toEqual({}); // saveUninitialized: false
      expect(JSON.parse((await jar.get(`${url1}/count`)).body)).toEqual({ count: 1 });
      expect(jar.header().cookie).toMatch(/^connect\.sid=/);
      expect(JSON.parse((await jar.get(`${url1}/count`)).body)).toEqual({ count: 2 });
      expect(await call<number>((cb) => first.length(cb))).toBe(1);
      const [sid] = (await call<string[]>((cb) => first.ids(cb))) ?? [];
      // The stored TTL follows the cookie: a browser-session cookie, so one day.
      expect(await cache.ttl(`web:${sid}`)).toBeGreaterThan(86_000);

      // A second app (a restart, or another server) on another connection, same keys.
      const second = createSessionStore({ cache: another(), prefix: 'web:' });
      const url2 = await listen(makeApp(second), closers);
      expect(JSON.parse((await jar.get(`${url2}/count`)).body)).toEqual({ count: 3 });
      expect(JSON.parse((await jar.get(`${url1}/peek`)).body)).toEqual({ count: 3 });

      expect((await jar.get(`${url2}/logout`)).status).toBe(200);
      expect(await call<number>((cb) => first.length(cb))).toBe(0);
      expect(JSON.parse((await jar.get(`${url1}/peek`)).body)).toEqual({ count: null });
    });

    it('through express-session: the cookie maxAge sets the TTL and touching (rolling) extends it', async () => {
      const { cache } = open();
      const store = createSessionStore({ cache, prefix: 'roll:' });
      const app = express();
      app.use(
        session({
          store,
          secret: 'test secret',
          resave: false,
          saveUninitialized: false,
          cookie: { maxAge: 20_000 },
        }),
      );
      app.get('/login', (req, res) => {
        req.session.user = 'ada';
        res.json({ ok: true });
      });
      app.get('/me', (req, res) => {
        res.json({ user: req.session.user ?? null });
      });
      const url = await listen(app, closers);
      const jar = new CookieJar();
      await jar.get(`${url}/login`);
      const [sid] = (await call<string[]>((cb) => store.ids(cb))) ?? [];
      const before = await cache.pttl(`roll:${sid}`);
      expect(before).toBeGreaterThan(18_000);
      expect(before).toBeLessThanOrEqual(20_000);
      await delay(1100);
      expect(JSON.parse((await jar.get(`${url}/me`)).body)).toEqual({ user: 'ada' });
      // express-session touched the session: its expiry moved forward.
      expect(await cache.pttl(`roll:${sid}`)).toBeGreaterThan(before - 1000 + 500);
    });
  });
}
