import { createServer } from 'node:net';
import { createCache } from '@cachex/all';
import { closeAfterEach, getTestServers, randomPrefix } from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import { request, start } from './helpers.js';
import { describeShop } from './shop-behaviour.js';

const closers = closeAfterEach();

// A prefix without a hash tag, as an application would have.
function open() {
  const cache = createCache({
    location: getTestServers().standalone.url,
    keyPrefix: randomPrefix({ spread: true }),
  });
  closers.add(() => cache.close());
  return cache;
}

describeShop('redis', open, closers);

/** A loopback port nothing listens on: connections to it are refused at once. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the shop when its cache server is down', () => {
  it('starts, answers 503 on /healthz, and serves products uncached', async () => {
    const cache = createCache({
      location: `redis://127.0.0.1:${await refusedPort()}/0`,
      socketConnectTimeout: 0.2,
      socketTimeout: 0.5,
    });
    closers.add(() => cache.close());
    const logged: string[] = [];
    const { shop, url } = await start(cache, closers, {
      backend: 'redis',
      healthTimeoutMs: 1000,
      logError: (message) => logged.push(message),
    });
    expect(logged).toEqual(['could not set the initial stock (PUT /products/:id/stock sets it):']);
    const health = await request(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', backend: 'redis' });
    for (let i = 1; i <= 2; i++) {
      const product = await request(`${url}/products/1`);
      expect(product.status).toBe(200);
      expect(product.headers.get('cache-status')).toBe('cachex; fwd=miss; detail=cache-error');
      expect(shop.stats.productLookups).toBe(i);
    }
  });
});
