import type { CachexCache } from '@cachex/all';
import type { Closers } from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import type { Order } from '../src/checkout.js';
import { cookieOf, request, start } from './helpers.js';

interface ProductBody {
  id: string;
  name: string;
  price: number;
}

/**
 * The shop end to end over HTTP, on the cache `open()` returns (a fresh key prefix each call).
 */
export function describeShop(label: string, open: () => CachexCache, closers: Closers): void {
  describe(`the shop on ${label}`, () => {
    it('a cached GET is a hit the second time, and its handler ran once', async () => {
      const { shop, url } = await start(open(), closers);
      const first = await request<ProductBody>(`${url}/products/1`);
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-status')).toMatch(/^cachex; fwd=miss; stored$/);
      const second = await request<ProductBody>(`${url}/products/1`);
      expect(second.status).toBe(200);
      expect(second.headers.get('cache-status')).toBe('cachex; hit');
      expect(second.body).toEqual(first.body);
      expect(second.body.name).toBe('Espresso beans, 1 kg');
      expect(shop.stats.productLookups).toBe(1);
      expect(shop.stats).toMatchObject({ hits: 1, misses: 1 });
      const stats = await request<{ hits: number; misses: number }>(`${url}/stats`);
      expect(stats.body).toMatchObject({ hits: 1, misses: 1, productLookups: 1 });
    });

    it('answers 304 to a matching If-None-Match, stored or fresh', async () => {
      const { shop, url } = await start(open(), closers);
      const first = await request(`${url}/products/2`);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^(W\/)?"[^"]+"$/); // Express's own; the middleware adds one when missing
      // As a browser revalidates (fetch alone would add `Cache-Control: no-cache` to a
      // conditional request, which asks for a fresh response).
      const notModified = await request(`${url}/products/2`, {
        headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' },
      });
      expect(notModified.status).toBe(304);
      expect(notModified.body).toBe('');
      expect(notModified.headers.get('etag')).toBe(etag);
      expect(notModified.headers.get('cache-status')).toBe('cachex; hit');
      expect(shop.stats.productLookups).toBe(1);
      // `no-cache`: the handler runs again, and its response is compared too.
      const refreshed = await request(`${url}/products/2`, {
        headers: { 'if-none-match': etag!, 'cache-control': 'no-cache' },
      });
      expect(refreshed.status).toBe(304);
      expect(refreshed.headers.get('cache-status')).toBe('cachex; fwd=request; stored');
      expect(shop.stats.productLookups).toBe(2);
      const other = await request(`${url}/products/2`, {
        headers: { 'if-none-match': '"other"', 'cache-control': 'max-age=0' },
      });
      expect(other.status).toBe(200);
      expect(other.headers.get('cache-status')).toBe('cachex; hit');
      expect(shop.stats.productLookups).toBe(2);
    });

    it('never stores a response that sets a cookie', async () => {
      const { shop, url } = await start(open(), closers);
      for (let i = 1; i <= 3; i++) {
        const reply = await request(`${url}/products/3?ref=spring-sale`);
        expect(reply.status).toBe(200);
        expect(cookieOf(reply, 'ref')).toBe('ref=spring-sale');
        expect(reply.headers.get('cache-status')).toBe('cachex; fwd=miss; detail=set-cookie');
        expect(shop.stats.productLookups).toBe(i);
      }
      // The same product without the campaign is stored as usual.
      await request(`${url}/products/3`);
      const hit = await request(`${url}/products/3`);
      expect(hit.headers.get('cache-status')).toBe('cachex; hit');
      expect(hit.headers.getSetCookie()).toEqual([]);
      expect(shop.stats.productLookups).toBe(4);
    });

    it('a price change invalidates the products group', async () => {
      const { shop, url } = await start(open(), closers);
      await request(`${url}/products/4`);
      await request(`${url}/products`);
      expect((await request(`${url}/products/4`)).headers.get('cache-status')).toBe('cachex; hit');
      const changed = await request<{ product: ProductBody }>(`${url}/products/4/price`, {
        json: { price: 650 },
      });
      expect(changed.status).toBe(200);
      expect(changed.body.product.price).toBe(650);
      const fresh = await request<ProductBody>(`${url}/products/4`);
      expect(fresh.headers.get('cache-status')).toMatch(/fwd=miss/);
      expect(fresh.body.price).toBe(650);
      const list = await request<{ products: ProductBody[] }>(`${url}/products`);
      expect(list.headers.get('cache-status')).toMatch(/fwd=miss/);
      expect(list.body.products.find((p) => p.id === '4')?.price).toBe(650);
      expect(shop.stats.productLookups).toBe(4);
    });

    it('a batch reads the cache with getMany and fills the misses from the database', async () => {
      const { shop, url } = await start(open(), closers);
      const ids = ['1', '2', '3', '4', '5', '6'];
      const first = await request<{ products: ProductBody[]; fromDatabase: number }>(
        `${url}/products/batch`,
        { json: { ids } },
      );
      expect(first.status).toBe(200);
      expect(first.body.products.map((p) => p.id)).toEqual(ids);
      expect(first.body).toMatchObject({ fromCache: 0, fromDatabase: 6 });
      const queries = shop.stats.databaseQueries;
      const second = await request(`${url}/products/batch`, { json: { ids: ['6', '1', 'x'] } });
      expect(second.body).toMatchObject({ fromCache: 2, fromDatabase: 0 });
      expect((second.body as { products: ProductBody[] }).products.map((p) => p.id)).toEqual([
        '6',
        '1',
      ]);
      expect(shop.stats.databaseQueries).toBe(queries + 1); // the unknown id 'x'
    });

    it('sessions survive a restart of the app on the same cache', async () => {
      const cache = open();
      const before = await start(cache, closers);
      const added = await request(`${before.url}/cart`, { json: { productId: '2', qty: 2 } });
      expect(added.status).toBe(201);
      const cookie = cookieOf(added, 'shop.sid');
      expect(cookie).toBeDefined();
      await request(`${before.url}/cart`, {
        json: { productId: '4', qty: 1 },
        headers: { cookie: cookie! },
      });
      const cart = await request(`${before.url}/cart`, { headers: { cookie: cookie! } });
      expect(cart.body).toMatchObject({
        lines: [
          { productId: '2', qty: 2 },
          { productId: '4', qty: 1 },
        ],
        total: 2 * 4900 + 590,
      });
      await before.shop.close();

      const after = await start(cache, closers);
      const again = await request(`${after.url}/cart`, { headers: { cookie: cookie! } });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(cart.body);
      // Without the cookie: another, empty cart.
      expect((await request(`${after.url}/cart`)).body).toEqual({ lines: [], total: 0 });
    });

    it('the rate limiter answers 429 after the limit, with its headers', async () => {
      const { url } = await start(open(), closers, { search: { limit: 3, window: 30 } });
      for (let i = 1; i <= 3; i++) {
        const reply = await request<{ results: ProductBody[] }>(`${url}/search?q=kettle`);
        expect(reply.status).toBe(200);
        expect(reply.body.results.map((p) => p.id)).toEqual(['2']);
        expect(reply.headers.get('ratelimit-limit')).toBe('3');
        expect(reply.headers.get('ratelimit-remaining')).toBe(String(3 - i));
        expect(reply.headers.get('retry-after')).toBeNull();
        // The first search computes the results; the next ones are served from the cache.
        expect(reply.headers.get('cache-status')).toBe(
          i === 1 ? 'cachex; fwd=miss' : 'cachex; hit',
        );
      }
      const refused = await request(`${url}/search?q=kettle`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('ratelimit-limit')).toBe('3');
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
      expect(refused.headers.get('ratelimit-policy')).toBe('3;w=30');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(30);
      expect(Number(refused.headers.get('ratelimit-reset'))).toBe(retryAfter);
      // Other endpoints are not limited.
      expect((await request(`${url}/products/1`)).status).toBe(200);
    });

    it('50 concurrent checkouts never oversell: fencing tokens rise in commit order', async () => {
      const { url } = await start(open(), closers, { paymentDelayMs: 2 });
      const set = await request(`${url}/products/5/stock`, { method: 'PUT', json: { stock: 20 } });
      expect(set.status).toBe(200);
      const replies = await Promise.all(
        Array.from({ length: 50 }, () =>
          request<Order & { error?: string }>(`${url}/checkout`, {
            json: { productId: '5', qty: 1 },
          }),
        ),
      );
      const statuses = replies.map((reply) => reply.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(20);
      expect(statuses.filter((s) => s === 409)).toHaveLength(30);
      for (const reply of replies.filter((r) => r.status === 409)) {
        expect(reply.body.error).toBe('out-of-stock');
      }
      const stock = await request<{ stock: number }>(`${url}/products/5/stock`);
      expect(stock.body.stock).toBe(0);
      const orders = await request<{ count: number; orders: Order[] }>(`${url}/orders`);
      expect(orders.body.count).toBe(20);
      const tokens = orders.body.orders.map((order) => order.fencingToken);
      for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!);
      const sold = replies.filter((r) => r.status === 201).map((r) => r.body.id);
      expect(new Set(sold)).toEqual(new Set(orders.body.orders.map((order) => order.id)));
      expect(orders.body.orders.every((order) => order.total === 1890)).toBe(true);
    });

    it('the commit script refuses a stale fencing token', async () => {
      const cache = open();
      const { url } = await start(cache, closers);
      const sold = await request<Order>(`${url}/checkout`, { json: { productId: '6', qty: 2 } });
      expect(sold.status).toBe(201);
      // A holder whose lease ran out, committing late with an older token.
      const stale = await cache.evalScript('shop_commit_order', {
        keys: ['{shop}:orders:fence', '{shop}:orders', '{shop}:stock:6'],
        args: [sold.body.fencingToken, { id: 'late' }, 1],
      });
      expect(stale).toBe(-1);
      const stock = await request<{ stock: number }>(`${url}/products/6/stock`);
      expect(stock.body.stock).toBe(18);
      expect((await request<{ count: number }>(`${url}/orders`)).body.count).toBe(1);
    });

    it('a leaderboard on a sorted set keeps each best score', async () => {
      const { url } = await start(open(), closers);
      for (const [player, score] of [
        ['ada', 120],
        ['bob', 90],
        ['cy', 150],
        ['ada', 100],
      ] as const) {
        expect((await request(`${url}/scores`, { json: { player, score } })).status).toBe(201);
      }
      const board = await request(`${url}/leaderboard?limit=2`);
      expect(board.body).toEqual({
        leaderboard: [
          { rank: 1, player: 'cy', score: 150 },
          { rank: 2, player: 'ada', score: 120 },
        ],
      });
    });

    it('/healthz answers 200 with the backend and the latency', async () => {
      const { url } = await start(open(), closers, { backend: label });
      const health = await request<{ status: string; backend: string; latencyMs: number }>(
        `${url}/healthz`,
      );
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', backend: label });
      expect(health.body.latencyMs).toBeGreaterThanOrEqual(0);
      expect(health.headers.get('cache-control')).toBe('no-store');
    });
  });
}
