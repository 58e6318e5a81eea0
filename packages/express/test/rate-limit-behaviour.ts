import { setTimeout as delay } from 'node:timers/promises';
import type { Cache } from '@cachex/core';
import type { Closers } from '@cachex/testing';
import express, { type Express } from 'express';
import { describe, expect, it } from 'vitest';
import { type RateLimitOptions, rateLimit } from '../src/index.js';
import { get, listen } from './http-helpers.js';

/** The rate limiter through a real Express app, the same on every transport. */
export function describeRateLimit(
  name: string,
  open: () => { cache: Cache; another: () => Cache },
  closers: Closers,
): void {
  async function serve(setup: (app: Express) => void): Promise<string> {
    const app = express();
    setup(app);
    return listen(app, closers);
  }

  /** An app with one limited route, `/`, whose handler counts its runs. */
  async function limited(options: Omit<RateLimitOptions, 'cache'> & { cache: Cache }) {
    const state = { runs: 0 };
    const url = await serve((app) =>
      app.get('/', rateLimit(options), (_req, res) => {
        state.runs++;
        res.send('ok');
      }),
    );
    return { url, state };
  }

  describe(`rate limiter on ${name}`, () => {
    it('allows `limit` requests per window, then 429 with RateLimit-* and Retry-After', async () => {
      const { cache } = open();
      const { url, state } = await limited({ cache, limit: 3, window: 60 });
      for (const remaining of [2, 1, 0]) {
        const reply = await get(url);
        expect(reply.status).toBe(200);
        expect(reply.headers.get('ratelimit-limit')).toBe('3');
        expect(reply.headers.get('ratelimit-remaining')).toBe(String(remaining));
        expect(reply.headers.get('ratelimit-policy')).toBe('3;w=60');
        const reset = Number(reply.headers.get('ratelimit-reset'));
        expect(reset).toBeGreaterThanOrEqual(59);
        expect(reset).toBeLessThanOrEqual(60);
        expect(reply.headers.get('retry-after')).toBeNull();
      }
      const refused = await get(url);
      expect(refused.status).toBe(429);
      expect(refused.body).toBe('Too Many Requests');
      expect(refused.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
      expect(refused.headers.get('ratelimit-limit')).toBe('3');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
      expect(refused.headers.get('retry-after')).toBe(refused.headers.get('ratelimit-reset'));
      expect(state.runs).toBe(3);
      // The counter of the client (127.0.0.1) expires with the window.
      expect(await cache.get('ratelimit:127.0.0.1')).toBe(4);
      expect(await cache.ttl('ratelimit:127.0.0.1')).toBeGreaterThan(58);
    });

    it('a new window starts when the old one ends (1 s window)', async () => {
      const { cache } = open();
      const { url, state } = await limited({ cache, limit: 2, window: 1 });
      expect((await get(url)).status).toBe(200);
      expect((await get(url)).status).toBe(200);
      const refused = await get(url);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.headers.get('ratelimit-policy')).toBe('2;w=1');
      await delay(1100);
      const again = await get(url);
      expect(again.status).toBe(200);
      expect(again.headers.get('ratelimit-remaining')).toBe('1');
      expect(state.runs).toBe(3);
    });

    it('counts each key apart; undefined leaves a request unlimited; prefixes separate limiters', async () => {
      const { cache } = open();
      let runs = 0;
      const url = await serve((app) => {
        const byClient = rateLimit({
          cache,
          limit: 1,
          window: 60,
          key: (req) => req.get('x-client'),
        });
        app.get('/a', byClient, (_req, res) => {
          runs++;
          res.send('a');
        });
        app.get('/b', rateLimit({ cache, limit: 1, window: 60, prefix: 'other' }), (_req, res) => {
          runs++;
          res.send('b');
        });
      });
      expect((await get(`${url}/a`, { 'x-client': 'one' })).status).toBe(200);
      expect((await get(`${url}/a`, { 'x-client': 'one' })).status).toBe(429);
      expect((await get(`${url}/a`, { 'x-client': 'two' })).status).toBe(200);
      // A key with characters a cache key refuses is hashed, never a failure (fail open).
      expect((await get(`${url}/a`, { 'x-client': 'tab\there' })).status).toBe(200);
      expect((await get(`${url}/a`, { 'x-client': 'tab\there' })).status).toBe(429);
      for (let i = 0; i < 3; i++) {
        const unlimited = await get(`${url}/a`);
        expect(unlimited.status).toBe(200);
        expect(unlimited.headers.get('ratelimit-limit')).toBeNull();
      }
      expect((await get(`${url}/b`)).status).toBe(200);
      expect((await get(`${url}/b`)).status).toBe(429);
      expect(await cache.get('ratelimit:one')).toBe(2);
      expect(await cache.get('other:127.0.0.1')).toBe(2);
      expect(runs).toBe(7);
    });

    it('a custom status and JSON message', async () => {
      const { cache } = open();
      const { url } = await limited({
        cache,
        limit: 1,
        window: 60,
        statusCode: 503,
        message: { error: 'slow down' },
      });
      await get(url);
      const refused = await get(url);
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.body)).toEqual({ error: 'slow down' });
      expect(refused.headers.get('retry-after')).not.toBeNull();
    });

    it('is exact under concurrency, across processes: 5 of 20 concurrent requests pass', async () => {
      const { cache, another } = open();
      const first = await limited({ cache, limit: 5, window: 60 });
      const second = await limited({ cache: another(), limit: 5, window: 60 });
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) => get(i % 2 ? first.url : second.url)),
      );
      expect(replies.filter((r) => r.status === 200)).toHaveLength(5);
      expect(replies.filter((r) => r.status === 429)).toHaveLength(15);
      expect(first.state.runs + second.state.runs).toBe(5);
      const remaining = replies.map((r) => r.headers.get('ratelimit-remaining')).sort();
      expect(remaining.slice(-5)).toEqual(['0', '1', '2', '3', '4']);
    });

    it('repairs a counter found without expiry', async () => {
      const { cache } = open();
      await cache.set('ratelimit:127.0.0.1', 7, { timeout: null });
      const { url } = await limited({ cache, limit: 100, window: 30 });
      const reply = await get(url);
      expect(reply.headers.get('ratelimit-remaining')).toBe('92');
      expect(reply.headers.get('ratelimit-reset')).toBe('30');
      expect(await cache.ttl('ratelimit:127.0.0.1')).toBeGreaterThan(28);
    });
  });
}
