import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { Cache } from '@cachex/core';
import type { Closers } from '@cachex/testing';
import express, { type Express } from 'express';
import { describe, expect, it } from 'vitest';
import { cacheResponse, invalidateCacheGroup, type ResponseCacheOptions } from '../src/index.js';
import { get, listen, rawGet } from './http-helpers.js';

/**
 * A conditional GET through node:http: fetch adds `Cache-Control: no-cache` to any request with
 * If-None-Match or If-Modified-Since (as the Fetch standard says), which asks for a refresh.
 */
async function conditional(url: string, headers: Record<string, string>) {
  const reply = await rawGet(url, headers);
  return {
    status: reply.status,
    body: reply.body,
    headers: new Headers(
      Object.entries(reply.headers).flatMap(([name, value]) =>
        value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
      ) as [string, string][],
    ),
  };
}

/**
 * The response cache through a real Express app, the same on every transport. `open()` gives
 * a cache with a fresh key prefix; `another()` a second cache on the same keys.
 */
export function describeResponseCache(
  name: string,
  open: () => { cache: Cache; another: () => Cache },
  closers: Closers,
): void {
  /** An app with `setup`'s routes, listening; resolves its URL. */
  async function serve(setup: (app: Express) => void): Promise<string> {
    const app = express();
    setup(app);
    return listen(app, closers);
  }

  describe(`response cache on ${name}`, () => {
    it('a miss is stored; the second GET is a hit with Age, the handler ran once', async () => {
      const { cache } = open();
      let runs = 0;
      const url = await serve((app) =>
        app.get('/page', cacheResponse({ cache, timeout: 60 }), (_req, res) => {
          runs++;
          res.set('X-Custom', 'kept').type('html').send(`<h1>page ${runs}</h1>`);
        }),
      );
      const first = await get(`${url}/page?x=1`);
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-status')).toBe('cachex; fwd=miss; stored');
      expect(first.body).toBe('<h1>page 1</h1>');
      const second = await get(`${url}/page?x=1`);
      expect(second.headers.get('cache-status')).toBe('cachex; hit');
      expect(second.body).toBe('<h1>page 1</h1>');
      expect(second.headers.get('age')).toMatch(/^\d+$/);
      expect(second.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(second.headers.get('x-custom')).toBe('kept');
      expect(second.headers.get('content-length')).toBe(String(Buffer.byteLength(first.body)));
      expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(runs).toBe(1);
      // Another query string is another page.
      expect((await get(`${url}/page?x=2`)).body).toBe('<h1>page 2</h1>');
      expect(runs).toBe(2);
    });

    it('ETag and If-None-Match: 304 on a hit and on a fresh response', async () => {
      const { cache } = open();
      let runs = 0;
      const url = await serve((app) => {
        app.get('/stream', cacheResponse({ cache, timeout: 60 }), (_req, res) => {
          runs++;
          res.setHeader('Content-Type', 'text/plain');
          res.write('chunk one, ');
          res.end('chunk two');
        });
        app.get('/send', cacheResponse({ cache, timeout: 60 }), (_req, res) => {
          runs++;
          res.send('sent');
        });
      });
      const first = await get(`${url}/stream`);
      const etag = first.headers.get('etag');
      // No ETag from the handler: a strong one, the body's hash.
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      const hit = await conditional(`${url}/stream`, { 'if-none-match': `"other", ${etag}` });
      expect(hit.status).toBe(304);
      expect(hit.body).toBe('');
      expect(hit.headers.get('cache-status')).toBe('cachex; hit');
      expect(hit.headers.get('etag')).toBe(etag);
      expect(hit.headers.get('content-type')).toBeNull();
      expect((await conditional(`${url}/stream`, { 'if-none-match': '"other"' })).status).toBe(200);
      expect((await conditional(`${url}/stream`, { 'if-none-match': '*' })).status).toBe(304);
      // A fresh response (the request asks for one) is answered with 304 too.
      const fresh = await get(`${url}/stream`, {
        'if-none-match': etag!,
        'cache-control': 'no-cache',
      });
      expect(fresh.status).toBe(304);
      expect(fresh.headers.get('cache-status')).toBe('cachex; fwd=request; stored');
      expect(runs).toBe(2);
      // Express's own (weak) ETag from res.send is kept and matched weakly; the handler
      // always produced the full response, which was stored.
      const sent = await get(`${url}/send`);
      const weak = sent.headers.get('etag');
      expect(weak).toMatch(/^W\//);
      const weakHit = await conditional(`${url}/send`, { 'if-none-match': weak! });
      expect(weakHit.status).toBe(304);
      expect(weakHit.headers.get('cache-status')).toBe('cachex; hit');
      const missConditional = await conditional(`${url}/send?new`, { 'if-none-match': weak! });
      expect(missConditional.status).toBe(304);
      expect(missConditional.headers.get('cache-status')).toBe('cachex; fwd=miss; stored');
      expect((await get(`${url}/send?new`)).body).toBe('sent');
    });

    it('If-Modified-Since is answered from Last-Modified', async () => {
      const { cache } = open();
      const modified = new Date('2024-01-02T03:04:05Z').toUTCString();
      const url = await serve((app) =>
        app.get('/doc', cacheResponse({ cache, timeout: 60 }), (_req, res) => {
          res.set('Last-Modified', modified).set('ETag', '"v1"').send('doc');
        }),
      );
      await get(`${url}/doc`);
      const later = new Date('2024-02-01T00:00:00Z').toUTCString();
      const earlier = new Date('2023-02-01T00:00:00Z').toUTCString();
      expect((await conditional(`${url}/doc`, { 'if-modified-since': later })).status).toBe(304);
      expect((await conditional(`${url}/doc`, { 'if-modified-since': earlier })).status).toBe(200);
      // If-None-Match wins over If-Modified-Since.
      const both = await conditional(`${url}/doc`, {
        'if-none-match': '"v2"',
        'if-modified-since': later,
      });
      expect(both.status).toBe(200);
      expect(both.headers.get('etag')).toBe('"v1"');
    });

    it('never stores a response that sets a cookie or says private or no-store', async () => {
      const { cache } = open();
      let runs = 0;
      const url = await serve((app) => {
        const mw = cacheResponse({ cache, timeout: 60 });
        app.get('/cookie', mw, (_req, res) => {
          runs++;
          res.cookie('sid', 'secret').send('with cookie');
        });
        app.get('/private', mw, (_req, res) => {
          runs++;
          res.set('Cache-Control', 'max-age=60, private').send('mine');
        });
        app.get('/no-store', mw, (_req, res) => {
          runs++;
          res.set('Cache-Control', 'No-Store').send('nothing');
        });
      });
      for (const [path, detail] of [
        ['/cookie', 'set-cookie'],
        ['/private', 'private'],
        ['/no-store', 'no-store'],
      ] as const) {
        for (let i = 0; i < 2; i++) {
          const reply = await get(`${url}${path}`);
          expect(reply.status).toBe(200);
          expect(reply.headers.get('cache-status')).toBe(`cachex; fwd=miss; detail=${detail}`);
        }
      }
      expect(runs).toBe(6);
      expect((await get(`${url}/cookie`)).headers.getSetCookie()).toEqual(['sid=secret; Path=/']);
      expect(await cache.keys('page:*')).toEqual([]);
    });

    it('request Cache-Control: no-cache refreshes the stored response; no-store stores nothing', async () => {
      const { cache } = open();
      let runs = 0;
      const url = await serve((app) =>
        app.get('/n', cacheResponse({ cache, timeout: 60 }), (_req, res) => {
          runs++;
          res.send(`version ${runs}`);
        }),
      );
      expect((await get(`${url}/n`)).body).toBe('version 1');
      expect((await get(`${url}/n`)).body).toBe('version 1');
      const refreshed = await get(`${url}/n`, { 'cache-control': 'no-cache' });
      expect(refreshed.body).toBe('version 2');
      expect(refreshed.headers.get('cache-status')).toBe('cachex; fwd=request; stored');
      const after = await get(`${url}/n`);
      expect(after.body).toBe('version 2');
      expect(after.headers.get('cache-status')).toBe('cachex; hit');
      // HTTP/1.0's Pragma: no-cache, without Cache-Control.
      expect((await get(`${url}/n`, { pragma: 'no-cache' })).body).toBe('version 3');
      const noStore = await get(`${url}/n`, { 'cache-control': 'no-store' });
      expect(noStore.body).toBe('version 4');
      expect(noStore.headers.get('cache-status')).toBe('cachex; fwd=request; detail=no-store');
      expect((await get(`${url}/n`)).body).toBe('version 3');
    });

    it('stores only the statuses asked for (default 200)', async () => {
      const { cache } = open();
      let runs = 0;
      const url = await serve((app) => {
        const handler = (_req: express.Request, res: express.Response) => {
          runs++;
          res.status(404).send('not here');
        };
        app.get('/default', cacheResponse({ cache, timeout: 60 }), handler);
        app.get('/with-404', cacheResponse({ cache, timeout: 60, statuses: [200, 404] }), handler);
        app.get('/error', cacheResponse({ cache, timeout: 60 }), () => {
          runs++;
          throw new Error('boom');
        });
      });
      const a = await get(`${url}/default`);
      expect(a.status).toBe(404);
      expect(a.headers.get('cache-status')).toBe('cachex; fwd=miss; detail=status');
      await get(`${url}/default`);
      expect(runs).toBe(2);
      await get(`${url}/with-404`);
      const b = await get(`${url}/with-404`);
      expect(b.status).toBe(404);
      expect(b.body).toBe('not here');
      expect(b.headers.get('cache-status')).toBe('cachex; hit');
      expect(runs).toBe(3);
      const failed = await get(`${url}/error`);
      expect(failed.status).toBe(500);
      expect(failed.headers.get('cache-status')).toBe('cachex; fwd=miss; detail=status');
      expect((await get(`${url}/error`)).status).toBe(500);
      expect(runs).toBe(5);
    });

    it('vary: each value of the header has its own entry; Vary is sent; other Vary is not stored', async () => {
      const { cache } = open();
      let runs = 0;
      const url = await serve((app) => {
        app.get(
          '/hello',
          cacheResponse({ cache, timeout: 60, vary: ['Accept-Language'] }),
          (req, res) => {
            runs++;
            res.send(req.get('accept-language') === 'fr' ? 'bonjour' : 'hello');
          },
        );
        app.get('/other-vary', cacheResponse({ cache, timeout: 60 }), (_req, res) => {
          runs++;
          res.vary('Accept-Encoding').send('varies');
        });
      });
      const en = await get(`${url}/hello`, { 'accept-language': 'en' });
      const fr = await get(`${url}/hello`, { 'accept-language': 'fr' });
      expect([en.body, fr.body]).toEqual(['hello', 'bonjour']);
      expect(en.headers.get('vary')).toBe('Accept-Language');
      const frHit = await get(`${url}/hello`, { 'accept-language': 'fr' });
      expect(frHit.body).toBe('bonjour');
      expect(frHit.headers.get('cache-status')).toBe('cachex; hit');
      expect(frHit.headers.get('vary')).toBe('Accept-Language');
      expect((await get(`${url}/hello`, { 'accept-language': 'en' })).body).toBe('hello');
      // Without the header: a third entry.
      expect((await get(`${url}/hello`)).headers.get('cache-status')).toBe(
        'cachex; fwd=miss; stored',
      );
      expect(runs).toBe(3);
      const other = await get(`${url}/other-vary`);
      expect(other.headers.get('cache-status')).toBe('cachex; fwd=miss; detail=vary');
    });

    it('the key function separates users; undefined skips caching; Authorization alone is never cached', async () => {
      const { cache } = open();
      let runs = 0;
      const url = await serve((app) => {
        app.get(
          '/me',
          cacheResponse({ cache, timeout: 60, key: (req) => req.get('x-user') }),
          (req, res) => {
            runs++;
            res.send(`hello ${req.get('x-user') ?? 'anonymous'} #${runs}`);
          },
        );
        app.get('/shared', cacheResponse({ cache, timeout: 60 }), (_req, res) => {
          runs++;
          res.send(`shared #${runs}`);
        });
      });
      expect((await get(`${url}/me`, { 'x-user': 'ada' })).body).toBe('hello ada #1');
      expect((await get(`${url}/me`, { 'x-user': 'bob' })).body).toBe('hello bob #2');
      expect((await get(`${url}/me`, { 'x-user': 'ada' })).body).toBe('hello ada #1');
      const anonymous = await get(`${url}/me`);
      expect(anonymous.body).toBe('hello anonymous #3');
      expect(anonymous.headers.get('cache-status')).toBe('cachex; fwd=bypass; detail=key');
      expect((await get(`${url}/me`)).body).toBe('hello anonymous #4');
      const withAuth = await get(`${url}/shared`, { authorization: 'Bearer secret' });
      expect(withAuth.body).toBe('shared #5');
      expect(withAuth.headers.get('cache-status')).toBe('cachex; fwd=bypass; detail=authorization');
      expect((await get(`${url}/shared`)).body).toBe('shared #6');
      expect((await get(`${url}/shared`)).body).toBe('shared #6');
    });

    it('single-flight: 10 concurrent misses run the handler once', async () => {
      const { cache } = open();
      let runs = 0;
      const url = await serve((app) =>
        app.get('/slow', cacheResponse({ cache, timeout: 60 }), async (_req, res) => {
          runs++;
          await delay(150);
          res.json({ run: runs });
        }),
      );
      const replies = await Promise.all(Array.from({ length: 10 }, () => get(`${url}/slow`)));
      expect(runs).toBe(1);
      expect(new Set(replies.map((r) => r.body))).toEqual(new Set(['{"run":1}']));
      const statuses = replies.map((r) => r.headers.get('cache-status')).sort();
      expect(statuses.filter((s) => s === 'cachex; fwd=miss; stored')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'cachex; fwd=miss; collapsed')).toHaveLength(9);
      expect(replies.every((r) => r.headers.get('etag') === replies[0]?.headers.get('etag'))).toBe(
        true,
      );
    });

    it('single-flight: a response that cannot be shared makes each waiter run its own', async () => {
      const { cache } = open();
      let runs = 0;
      const url = await serve((app) =>
        app.get('/cookie', cacheResponse({ cache, timeout: 60 }), async (_req, res) => {
          runs++;
          const run = runs;
          await delay(100);
          res.cookie('run', String(run)).send(`run ${run}`);
        }),
      );
      const replies = await Promise.all(Array.from({ length: 4 }, () => get(`${url}/cookie`)));
      expect(runs).toBe(4);
      // Each client got its own cookie, never another's.
      for (const reply of replies) {
        expect(reply.headers.getSetCookie()).toEqual([`${reply.body.replace(' ', '=')}; Path=/`]);
      }
    });

    it('groups: invalidateCacheGroup drops every response of the group, only those', async () => {
      const { cache, another } = open();
      let runs = 0;
      const url = await serve((app) => {
        app.get(
          '/products/:id',
          cacheResponse({
            cache,
            timeout: 60,
            groups: (req) => ['products', `product:${req.params.id}`],
          }),
          (req, res) => {
            runs++;
            res.send(`product ${req.params.id} run ${runs}`);
          },
        );
        app.get('/about', cacheResponse({ cache, timeout: 60, groups: ['pages'] }), (_req, res) => {
          runs++;
          res.send(`about run ${runs}`);
        });
      });
      expect((await get(`${url}/products/1`)).body).toBe('product 1 run 1');
      expect((await get(`${url}/products/2`)).body).toBe('product 2 run 2');
      expect((await get(`${url}/about`)).body).toBe('about run 3');
      expect((await get(`${url}/products/1`)).body).toBe('product 1 run 1');
      // One product: only its page.
      expect(await invalidateCacheGroup(cache, 'product:1')).toBe(1);
      expect((await get(`${url}/products/1`)).body).toBe('product 1 run 4');
      expect((await get(`${url}/products/2`)).body).toBe('product 2 run 2');
      // The whole group, from another connection (another process).
      expect(await invalidateCacheGroup(another(), 'products')).toBe(1);
      expect((await get(`${url}/products/1`)).body).toBe('product 1 run 5');
      expect((await get(`${url}/products/2`)).body).toBe('product 2 run 6');
      expect((await get(`${url}/products/2`)).headers.get('cache-status')).toBe('cachex; hit');
      expect((await get(`${url}/about`)).body).toBe('about run 3');
      expect(await invalidateCacheGroup(cache, 'products')).toBe(2);
      expect(await invalidateCacheGroup(cache, 'pages', { prefix: 'other' })).toBe(1);
      expect((await get(`${url}/about`)).body).toBe('about run 3');
    });

    it('captures res.write streams, piped streams, res.json and binary bodies', async () => {
      const { cache } = open();
      let runs = 0;
      const binary = Buffer.from([0, 255, 128, 10, 13, 0xc3, 0x28]);
      const url = await serve((app) => {
        const mw = cacheResponse({ cache, timeout: 60 });
        app.get('/chunks', mw, (_req, res) => {
          runs++;
          res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.write('a');
          res.write(Buffer.from('é'));
          res.write(new Uint8Array([0x62]), () => undefined);
          res.end('c');
        });
        app.get('/piped', mw, (_req, res) => {
          runs++;
          res.type('text');
          Readable.from(['one ', 'two ', 'three']).pipe(res);
        });
        app.get('/json', mw, (_req, res) => {
          runs++;
          res.json({ list: [1, 2, 3] });
        });
        app.get('/binary', mw, (_req, res) => {
          runs++;
          res.type('application/octet-stream').send(binary);
        });
      });
      for (let i = 0; i < 2; i++) {
        const chunks = await get(`${url}/chunks`);
        expect(chunks.body).toBe('aébc');
        expect(chunks.headers.get('content-type')).toBe('text/plain; charset=utf-8');
        expect(chunks.headers.get('content-length')).toBe('5');
        expect((await get(`${url}/piped`)).body).toBe('one two three');
        expect(JSON.parse((await get(`${url}/json`)).body)).toEqual({ list: [1, 2, 3] });
        const response = await fetch(`${url}/binary`);
        expect(Buffer.from(await response.arrayBuffer())).toEqual(binary);
        expect(response.headers.get('cache-status')).toBe(
          i === 0 ? 'cachex; fwd=miss; stored' : 'cachex; hit',
        );
      }
      expect(runs).toBe(4);
    });

    it('res.sendFile: the file is stored with its headers and answered conditionally', async () => {
      const { cache } = open();
      const dir = mkdtempSync(join(tmpdir(), 'cachex-express-'));
      closers.add(async () => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, 'notes.txt');
      writeFileSync(file, 'file contents\n');
      let runs = 0;
      const url = await serve((app) =>
        app.get('/file', cacheResponse({ cache, timeout: 60 }), (_req, res, next) => {
          runs++;
          res.sendFile(file, (error) => error && next(error));
        }),
      );
      const first = await get(`${url}/file`);
      expect(first.body).toBe('file contents\n');
      expect(first.headers.get('cache-status')).toBe('cachex; fwd=miss; stored');
      expect(first.headers.get('content-type')).toMatch(/^text\/plain/);
      const lastModified = first.headers.get('last-modified');
      expect(lastModified).not.toBeNull();
      const second = await get(`${url}/file`);
      expect(second.body).toBe('file contents\n');
      expect(second.headers.get('cache-status')).toBe('cachex; hit');
      const notModified = await conditional(`${url}/file`, { 'if-modified-since': lastModified! });
      expect(notModified.status).toBe(304);
      expect(runs).toBe(1);
    });

    it('a body larger than maxSize streams through, not stored', async () => {
      const { cache } = open();
      let runs = 0;
      const url = await serve((app) =>
        app.get('/big', cacheResponse({ cache, timeout: 60, maxSize: 10 }), (_req, res) => {
          runs++;
          res.type('text');
          res.write('0123456789');
          res.write('abcdef');
          res.end('!');
        }),
      );
      for (let i = 0; i < 2; i++) {
        const reply = await get(`${url}/big`);
        expect(reply.body).toBe('0123456789abcdef!');
        expect(reply.headers.get('cache-status')).toBe('cachex; fwd=miss; detail=too-large');
      }
      expect(runs).toBe(2);
    });

    it('HEAD has entries of its own; other methods pass through', async () => {
      const { cache } = open();
      let runs = 0;
      const url = await serve((app) => {
        const mw = cacheResponse({ cache, timeout: 60 });
        app.get('/h', mw, (_req, res) => {
          runs++;
          res.send('twelve bytes');
        });
        app.post('/h', mw, (_req, res) => {
          runs++;
          res.send('posted');
        });
      });
      const head = await get(`${url}/h`, {}, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      expect(head.headers.get('content-length')).toBe('12');
      expect(head.headers.get('cache-status')).toBe('cachex; fwd=miss; stored');
      const headHit = await get(`${url}/h`, {}, 'HEAD');
      expect(headHit.headers.get('cache-status')).toBe('cachex; hit');
      expect(headHit.headers.get('content-length')).toBe('12');
      expect(runs).toBe(1);
      const body = await get(`${url}/h`);
      expect(body.body).toBe('twelve bytes');
      expect(runs).toBe(2);
      for (let i = 0; i < 2; i++) {
        const post = await get(`${url}/h`, {}, 'POST');
        expect(post.body).toBe('posted');
        expect(post.headers.get('cache-status')).toBe('cachex; fwd=method');
      }
      expect(runs).toBe(4);
    });

    it('two app instances on the same cache share the stored responses', async () => {
      const { cache, another } = open();
      let runs = 0;
      const setup = (c: Cache) => (app: Express) =>
        app.get('/shared', cacheResponse({ cache: c, timeout: 60 }), (_req, res) => {
          runs++;
          res.send(`run ${runs}`);
        });
      const url1 = await serve(setup(cache));
      const url2 = await serve(setup(another()));
      // Behind one load balancer, both see the same Host.
      const host = { host: 'shop.example' };
      expect((await rawGet(`${url1}/shared`, host)).body).toBe('run 1');
      const fromSecond = await rawGet(`${url2}/shared`, host);
      expect(fromSecond.body).toBe('run 1');
      expect(fromSecond.headers['cache-status']).toBe('cachex; hit');
      expect(runs).toBe(1);
    });

    it('grace: when the handler throws or answers 5xx, the stale response is served in its place', async () => {
      const { cache } = open();
      const errors: unknown[] = [];
      let failing = false;
      let runs = 0;
      const url = await serve((app) => {
        const mw = cacheResponse({
          cache,
          timeout: 1,
          grace: 60,
          onError: (error) => errors.push(error),
        });
        app.get('/throws', mw, async (_req, res) => {
          runs++;
          await delay(100);
          if (failing) throw new Error('database down');
          res.type('text').send('throws v1');
        });
        app.get('/answers-503', mw, (_req, res) => {
          runs++;
          if (failing) res.status(503).set('Retry-After', '5').send('down for maintenance');
          else res.type('text').send('503 v1');
        });
      });
      expect((await get(`${url}/throws`)).headers.get('cache-status')).toBe(
        'cachex; fwd=miss; stored',
      );
      expect((await get(`${url}/answers-503`)).body).toBe('503 v1');
      await delay(1100);
      failing = true;
      // Concurrent requests for the stale page: one runs the handler, which throws (Express
      // answers 500); every one of them is served the stale page.
      const replies = await Promise.all(Array.from({ length: 5 }, () => get(`${url}/throws`)));
      expect(runs).toBe(3);
      for (const reply of replies) {
        expect(reply.status).toBe(200);
        expect(reply.body).toBe('throws v1');
        expect(reply.headers.get('content-type')).toBe('text/plain; charset=utf-8');
        // The 500's own headers are gone.
        expect(reply.headers.get('content-security-policy')).toBeNull();
        expect(Number(reply.headers.get('age'))).toBeGreaterThanOrEqual(1);
      }
      const statuses = replies.map((r) => r.headers.get('cache-status'));
      expect(statuses.filter((s) => s === 'cachex; fwd=stale; fwd-status=500')).toHaveLength(1);
      expect(
        statuses.filter((s) => s === 'cachex; fwd=stale; fwd-status=500; collapsed'),
      ).toHaveLength(4);
      // A 5xx answer: its body and headers are discarded.
      const replaced = await get(`${url}/answers-503`);
      expect(replaced.status).toBe(200);
      expect(replaced.body).toBe('503 v1');
      expect(replaced.headers.get('cache-status')).toBe('cachex; fwd=stale; fwd-status=503');
      expect(replaced.headers.get('retry-after')).toBeNull();
      expect(runs).toBe(4);
      expect(errors).toHaveLength(2);
      expect(errors).toEqual([
        expect.objectContaining({
          code: 'E_FACTORY',
          context: expect.objectContaining({ status: 500 }),
        }),
        expect.objectContaining({
          code: 'E_FACTORY',
          context: expect.objectContaining({ status: 503 }),
        }),
      ]);
      // Right after a failure, the stale page is served without running the handler (backoff).
      const backingOff = await get(`${url}/answers-503`);
      expect(backingOff.body).toBe('503 v1');
      expect(backingOff.headers.get('cache-status')).toMatch(/^cachex; hit; ttl=-\d+$/);
      expect(runs).toBe(4);
    });

    it('grace: without a stale response, a 5xx answer passes through, not stored', async () => {
      const { cache } = open();
      const errors: unknown[] = [];
      let runs = 0;
      const url = await serve((app) => {
        const mw = cacheResponse({ cache, timeout: 60, grace: 60, onError: (e) => errors.push(e) });
        app.get('/503', mw, (_req, res) => {
          runs++;
          res.status(503).send(`down ${runs}`);
        });
        app.get('/throws', mw, () => {
          runs++;
          throw new Error('boom');
        });
      });
      for (let i = 1; i <= 2; i++) {
        const reply = await get(`${url}/503`);
        expect(reply.status).toBe(503);
        expect(reply.body).toBe(`down ${runs}`);
        expect(reply.headers.get('cache-status')).toBe('cachex; fwd=miss; detail=status');
      }
      const thrown = await get(`${url}/throws`);
      expect(thrown.status).toBe(500);
      expect(thrown.headers.get('cache-status')).toBe('cachex; fwd=miss; detail=status');
      expect(runs).toBe(3);
      expect(errors).toEqual([]);
      expect(await cache.keys('page:*')).toEqual([]);
    });

    it('grace: a stale response is refreshed: the new one is stored and served', async () => {
      const { cache } = open();
      let runs = 0;
      let gone = false;
      const url = await serve((app) => {
        const mw = cacheResponse({ cache, timeout: 0.3, grace: 60 });
        app.get('/page', mw, (_req, res) => {
          runs++;
          res.send(`version ${runs}`);
        });
        app.get('/gone', mw, (_req, res) => {
          if (gone) res.status(404).send('gone');
          else res.send('here');
        });
      });
      expect((await get(`${url}/page`)).body).toBe('version 1');
      expect((await get(`${url}/gone`)).body).toBe('here');
      await delay(450);
      gone = true;
      const refreshed = await get(`${url}/page`);
      expect(refreshed.body).toBe('version 2');
      expect(refreshed.headers.get('cache-status')).toBe('cachex; fwd=stale; stored');
      const hit = await get(`${url}/page`);
      expect(hit.body).toBe('version 2');
      expect(hit.headers.get('cache-status')).toBe('cachex; hit');
      expect(runs).toBe(2);
      // Not a failure: a response that may not be stored is sent as it is.
      const missing = await get(`${url}/gone`);
      expect(missing.status).toBe(404);
      expect(missing.body).toBe('gone');
      expect(missing.headers.get('cache-status')).toBe('cachex; fwd=stale; detail=status');
    });

    it("singleFlight 'cluster': concurrent misses on two app instances run the handler once", async () => {
      const { cache, another } = open();
      let runs = 0;
      const setup = (c: Cache) => (app: Express) =>
        app.get(
          '/report',
          cacheResponse({ cache: c, timeout: 60, singleFlight: 'cluster' }),
          async (_req, res) => {
            runs++;
            await delay(200);
            res.send(`report ${runs}`);
          },
        );
      const url1 = await serve(setup(cache));
      const url2 = await serve(setup(another()));
      const host = { host: 'shop.example' };
      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, i) => rawGet(`${i % 2 ? url2 : url1}/report`, host)),
      );
      expect(runs).toBe(1);
      expect(new Set(replies.map((r) => r.body))).toEqual(new Set(['report 1']));
      const statuses = replies.map((r) => r.headers['cache-status']);
      expect(statuses.filter((s) => s === 'cachex; fwd=miss; stored')).toHaveLength(1);
      expect(
        statuses.every(
          (s) =>
            s === 'cachex; fwd=miss; stored' ||
            s === 'cachex; fwd=miss; collapsed' ||
            s === 'cachex; hit',
        ),
      ).toBe(true);
    });

    it('entries expire with the timeout', async () => {
      const { cache } = open();
      let runs = 0;
      const options: ResponseCacheOptions = { cache, timeout: 0.3 };
      const url = await serve((app) =>
        app.get('/short', cacheResponse(options), (_req, res) => {
          runs++;
          res.send(`run ${runs}`);
        }),
      );
      expect((await get(`${url}/short`)).body).toBe('run 1');
      expect((await get(`${url}/short`)).body).toBe('run 1');
      await delay(450);
      expect((await get(`${url}/short`)).body).toBe('run 2');
    });
  });
}
