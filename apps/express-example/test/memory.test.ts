import { createCache } from '@cachex/all';
import { closeAfterEach } from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import type { Order } from '../src/checkout.js';
import { ENDPOINTS } from '../src/page.js';
import { cookieOf, request, start } from './helpers.js';
import { describeShop } from './shop-behaviour.js';

const closers = closeAfterEach();

// The embedded backend: what the demo runs on without configuration.
function open() {
  const cache = createCache({ backend: 'memory' });
  closers.add(() => cache.close());
  return cache;
}

describeShop('memory', open, closers);

describe('the shop factory (memory)', () => {
  it('serves a home page listing every endpoint, with live counters', async () => {
    const { url } = await start(open(), closers, { backend: 'memory' });
    const page = await request<string>(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    for (const { path } of ENDPOINTS) {
      expect(page.body).toContain(path.replace('&', '&amp;').replace('<', '&lt;'));
    }
    expect(page.body).toContain('backend <code>memory</code>');
    expect(page.body).toContain("fetch('/stats'");
    expect(page.body).toContain('id="hits"');
  });

  it('counts hits and misses from Cache-Status, and database queries', async () => {
    const { shop, url } = await start(open(), closers);
    await request(`${url}/products`);
    await request(`${url}/products`);
    await request(`${url}/products/1`);
    await request(`${url}/products/1`);
    await request(`${url}/products/1`);
    const stats = await request(`${url}/stats`);
    expect(stats.body).toEqual({
      backend: 'unknown',
      hits: 3,
      misses: 2,
      productLookups: 2,
      databaseQueries: 2,
    });
    expect(shop.stats.hits).toBe(3);
  });

  it('checks out a cart atomically and empties it; a short line sells nothing', async () => {
    const cache = open();
    const { url } = await start(cache, closers, { initialStock: 3 });
    const first = await request(`${url}/cart`, { json: { productId: '1', qty: 2 } });
    const cookie = cookieOf(first, 'shop.sid')!;
    await request(`${url}/cart`, { json: { productId: '3', qty: 1 }, headers: { cookie } });
    const order = await request<Order>(`${url}/checkout`, { method: 'POST', headers: { cookie } });
    expect(order.status).toBe(201);
    expect(order.body.lines).toEqual([
      { productId: '1', qty: 2, price: 2490 },
      { productId: '3', qty: 1, price: 8900 },
    ]);
    expect(order.body.total).toBe(2 * 2490 + 8900);
    expect(order.body.fencingToken).toBe(1);
    expect((await request(`${url}/cart`, { headers: { cookie } })).body).toEqual({
      lines: [],
      total: 0,
    });
    expect(await cache.getMany(['{shop}:stock:1', '{shop}:stock:3'])).toEqual(
      new Map([
        ['{shop}:stock:1', 1],
        ['{shop}:stock:3', 2],
      ]),
    );

    // 1 and 3 left: a cart wanting 2 of product 1 is refused whole.
    await request(`${url}/cart`, { json: { productId: '3', qty: 1 }, headers: { cookie } });
    await request(`${url}/cart`, { json: { productId: '1', qty: 2 }, headers: { cookie } });
    const refused = await request(`${url}/checkout`, { method: 'POST', headers: { cookie } });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ error: 'out-of-stock', productId: '1' });
    expect((await request<{ stock: number }>(`${url}/products/3/stock`)).body.stock).toBe(2);
    expect((await request<{ count: number }>(`${url}/orders`)).body.count).toBe(1);

    await request(`${url}/cart`, { method: 'DELETE', headers: { cookie } });
    const empty = await request(`${url}/checkout`, { method: 'POST', headers: { cookie } });
    expect(empty).toMatchObject({ status: 400, body: { error: 'the cart is empty' } });
  });

  it('keeps the stock it finds: a restart does not reset it', async () => {
    const cache = open();
    const before = await start(cache, closers, { initialStock: 5 });
    await request(`${before.url}/checkout`, { json: { productId: '2', qty: 3 } });
    await before.shop.close();
    const after = await start(cache, closers, { initialStock: 5 });
    expect((await request(`${after.url}/products/2/stock`)).body).toEqual({
      productId: '2',
      stock: 2,
    });
  });

  it('refuses bad input with 4xx and JSON', async () => {
    const { url } = await start(open(), closers);
    const cases: [string, Parameters<typeof request>[1], number][] = [
      ['/products/99', {}, 404],
      ['/nowhere', {}, 404],
      ['/cart', { json: { productId: '99' } }, 404],
      ['/cart', { json: { productId: '1', qty: 11 } }, 400],
      ['/checkout', { json: { productId: '1', qty: 0 } }, 400],
      ['/products/1/price', { json: { price: -5 } }, 400],
      ['/products/99/price', { json: { price: 5 } }, 404],
      ['/products/1/stock', { method: 'PUT', json: { stock: 1.5 } }, 400],
      ['/products/batch', { json: { ids: [] } }, 400],
      ['/search', {}, 400],
      ['/scores', { json: { player: '<script>', score: 1 } }, 400],
      ['/scores', { json: { player: 'ada', score: 'lots' } }, 400],
    ];
    for (const [path, init, status] of cases) {
      const reply = await request<{ error: string }>(`${url}${path}`, init);
      expect([path, reply.status]).toEqual([path, status]);
      expect(typeof reply.body.error).toBe('string');
    }
    const malformed = await fetch(`${url}/cart`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(malformed.status).toBe(400);
  });

  it('/healthz answers 503 when the cache is gone', async () => {
    const cache = open();
    const { url } = await start(cache, closers, { backend: 'memory' });
    expect((await request(`${url}/healthz`)).status).toBe(200);
    await cache.close();
    const health = await request(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'unavailable',
      backend: 'memory',
      error: 'E_CLOSED',
    });
  });

  it('checks a separate session cache too', async () => {
    const cache = open();
    const sessionCache = createCache({ backend: 'memory', keyPrefix: 'sessions', maxEntries: 100 });
    const { url } = await start(cache, closers, { sessionCache });
    const added = await request(`${url}/cart`, { json: { productId: '1' } });
    expect(await sessionCache.keys('sess:*')).toHaveLength(1);
    expect(await cache.keys('sess:*')).toHaveLength(0);
    expect(cookieOf(added, 'shop.sid')).toBeDefined();
    await sessionCache.close();
    expect((await request(`${url}/healthz`)).status).toBe(503);
  });

  it('listen and close: close stops the server, leaves the cache open, and is idempotent', async () => {
    const cache = open();
    const shop = await createApp({ cache });
    const { url, port } = await shop.listen(0);
    expect(port).toBeGreaterThan(0);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect((await request(`${url}/healthz`)).status).toBe(200);
    await Promise.all([shop.close(), shop.close()]);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await expect(shop.listen(0)).rejects.toThrow('closed');
    expect(await cache.set('still', 'open')).toBe(true);
  });
});
