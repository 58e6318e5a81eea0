import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { createCodec } from '@cachex/codecs';
import { createCache, isCachexError } from '@cachex/core';
import { closeAfterEach, getTestServers, randomPrefix } from '@cachex/testing';
import { createStandaloneTransport } from '@cachex/transport-standalone';
import express from 'express';
import session from 'express-session';
import { describe, expect, it } from 'vitest';
import { cacheResponse, invalidateCacheGroup, rateLimit } from '../src/index.js';
import { createSessionStore } from '../src/session/index.js';
import { CookieJar, get, listen, rawGet } from './http-helpers.js';
import { describeRateLimit } from './rate-limit-behaviour.js';
import { describeResponseCache } from './response-cache-behaviour.js';
import { describeSessionStoreContract } from './session-contract.js';

const closers = closeAfterEach();

function open() {
  const prefix = randomPrefix({ spread: true });
  const make = () =>
    closers.cache(createStandaloneTransport({ location: getTestServers().standalone.url }), prefix)
      .cache;
  return { cache: make(), another: make };
}

describeSessionStoreContract('standalone', open, closers);
describeResponseCache('standalone', open, closers);
describeRateLimit('standalone', open, closers);

/** A loopback port nothing listens on: connections to it are refused at once. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('when the cache server is down', () => {
  async function downCache() {
    const port = await refusedPort();
    return closers.cache(
      createStandaloneTransport({
        location: `redis://127.0.0.1:${port}`,
        connectTimeoutMs: 200,
        socketTimeoutMs: 500,
      }),
    ).cache;
  }

  it('the response cache serves the handler uncached, reports to onError; so do groups', async () => {
    const cache = await downCache();
    const errors: unknown[] = [];
    let runs = 0;
    const app = express();
    const onError = (error: unknown) => errors.push(error);
    app.get('/page', cacheResponse({ cache, timeout: 60, onError }), (_req, res) => {
      runs++;
      res.send(`run ${runs}`);
    });
    app.get(
      '/grouped',
      cacheResponse({
        cache,
        timeout: 60,
        groups: ['g'],
        onError: () => {
          throw new Error('a failing hook changes nothing');
        },
      }),
      (_req, res) => {
        runs++;
        res.set('ETag', '"g1"').send(`grouped ${runs}`);
      },
    );
    const url = await listen(app, closers);
    for (let i = 1; i <= 2; i++) {
      const reply = await get(`${url}/page`);
      expect(reply.status).toBe(200);
      expect(reply.body).toBe(`run ${i * 2 - 1}`);
      expect(reply.headers.get('cache-status')).toBe('cachex; fwd=miss; detail=cache-error');
      expect((await get(`${url}/grouped`)).body).toBe(`grouped ${i * 2}`);
    }
    expect(errors).toHaveLength(2);
    const outage = expect.objectContaining({
      code: expect.stringMatching(/^E_(CONNECTION|TIMEOUT)$/),
    });
    expect(errors).toEqual([outage, outage]);
    // The handler answers conditional requests itself (Express's freshness check).
    const conditional = await rawGet(`${url}/grouped`, { 'if-none-match': '"g1"' });
    expect(conditional.status).toBe(304);
    await expect(invalidateCacheGroup(cache, 'g')).rejects.toEqual(outage);
  });

  it('the rate limiter lets requests through (fail open) and reports to onError', async () => {
    const cache = await downCache();
    const errors: unknown[] = [];
    const app = express();
    app.get(
      '/',
      rateLimit({ cache, limit: 1, window: 60, onError: (error) => errors.push(error) }),
      (_req, res) => {
        res.send('ok');
      },
    );
    const url = await listen(app, closers);
    for (let i = 0; i < 3; i++) {
      const reply = await get(url);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('ratelimit-limit')).toBeNull();
    }
    expect(errors).toHaveLength(3);
    expect(errors.every((error) => isCachexError(error))).toBe(true);
  });

  it('with a fail-open cache (ignoreExceptions), pages are served and said not stored', async () => {
    const port = await refusedPort();
    const transport = createStandaloneTransport({
      location: `redis://127.0.0.1:${port}`,
      connectTimeoutMs: 200,
      socketTimeoutMs: 500,
    });
    closers.add(() => transport.close());
    const cache = createCache({ transport, codec: createCodec(), ignoreExceptions: true });
    const app = express();
    app.get('/page', cacheResponse({ cache, timeout: 60 }), (_req, res) => {
      res.send('still here');
    });
    const url = await listen(app, closers);
    const reply = await get(`${url}/page`);
    expect(reply.body).toBe('still here');
    expect(reply.headers.get('cache-status')).toBe('cachex; fwd=miss; detail=cache-error');
  });
});

describe('response cache and express-session together', () => {
  it('a stored page never carries a session cookie: each client gets only its own', async () => {
    const { cache } = open();
    const app = express();
    app.use(
      session({
        store: createSessionStore({ cache }),
        secret: 's',
        resave: false,
        saveUninitialized: true,
      }),
    );
    app.get('/home', cacheResponse({ cache, timeout: 60 }), (_req, res) => {
      res.send('home');
    });
    const url = await listen(app, closers);
    const a = new CookieJar();
    const b = new CookieJar();
    const first = await a.get(`${url}/home`);
    expect(first.headers.get('cache-status')).toBe('cachex; fwd=miss; stored');
    const second = await b.get(`${url}/home`);
    expect(second.headers.get('cache-status')).toBe('cachex; hit');
    expect(a.header().cookie).toMatch(/^connect\.sid=/);
    expect(b.header().cookie).toMatch(/^connect\.sid=/);
    expect(a.header().cookie).not.toBe(b.header().cookie);
  });
});
