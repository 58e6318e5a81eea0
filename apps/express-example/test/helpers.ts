import type { CachexCache } from '@cachex/all';
import type { Closers } from '@cachex/testing';
import { createApp, type Shop, type ShopOptions } from '../src/app.js';

/** A shop listening on a free loopback port, closed after the test. */
export interface Running {
  shop: Shop;
  url: string;
}

/** Creates the shop on `cache` and starts it on port 0; closed (not the cache) after the test. */
export async function start(
  cache: CachexCache,
  closers: Closers,
  options: Omit<ShopOptions, 'cache'> = {},
): Promise<Running> {
  const shop = await createApp({ databaseLatencyMs: 5, ...options, cache });
  closers.add(() => shop.close());
  const { url } = await shop.listen(0);
  return { shop, url };
}

/** A response read whole, the body parsed as JSON when it is JSON. */
export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A request with Node's fetch; a `json` body is sent as JSON. */
export async function request<T = unknown>(
  url: string,
  init: { method?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.includes('application/json');
  return {
    status: response.status,
    headers: response.headers,
    body: (json && text !== '' ? JSON.parse(text) : text) as T,
  };
}

/** The `name=value` part of the response's cookie `name`, for a `Cookie` header. */
export function cookieOf(reply: Reply, name: string): string | undefined {
  return reply.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';', 1)[0]!)
    .find((pair) => pair.startsWith(`${name}=`));
}
