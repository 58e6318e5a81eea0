import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Cache, type CachexCache, isCachexError } from '@cachex/all';
import { cacheResponse, invalidateCacheGroup, rateLimit } from '@cachex/express';
import { createSessionStore } from '@cachex/express/session';
import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import session from 'express-session';
import { Catalogue, type Product } from './catalogue.js';
import {
  checkout,
  ORDERS_KEY,
  type Order,
  type OrderLine,
  registerCheckoutScript,
  stockKey,
} from './checkout.js';
import { homePage } from './page.js';

declare module 'express-session' {
  interface SessionData {
    cart: OrderLine[];
  }
}

/** Options of {@link createApp}. Durations in seconds unless the name says otherwise. */
export interface ShopOptions {
  /** The cache of everything but the sessions (a cache of `@cachex/all`: locks and scripts). */
  cache: CachexCache;
  /** The cache of the sessions. Default: `cache`. */
  sessionCache?: Cache;
  /** The backend's name, shown by `/healthz` and the home page. */
  backend?: string;
  /** Signs the session cookie. Default: a fixed development secret. */
  sessionSecret?: string;
  /** The rate limit of `/search`. Default 5 requests per 10 s per client. */
  search?: { limit: number; window: number };
  /** How long product responses and product records stay cached. Default 60. */
  productTimeout?: number;
  /** Latency of the stand-in database, per query. Default 30 ms. */
  databaseLatencyMs?: number;
  /** How long "charging the card" takes during a checkout, lock held. Default 5 ms. */
  paymentDelayMs?: number;
  /** Stock of each product when the cache has none yet. Default 20. */
  initialStock?: number;
  /** `/healthz` answers 503 when the round trip takes longer. Default 2000 ms. */
  healthTimeoutMs?: number;
  /** `close()` cuts connections still open after this long. Default 10000 ms. */
  shutdownGraceMs?: number;
  /** Where errors are logged. Default `console.error`. */
  logError?: (message: string, error: unknown) => void;
}

/** Counters, also served by `/stats`. */
export interface ShopStats {
  /** Responses served from the response cache (`Cache-Status: cachex; hit`). */
  hits: number;
  /** Responses the response cache had to compute (`fwd=miss` or `fwd=request`). */
  misses: number;
  /** Runs of the product handlers (`GET /products`, `GET /products/:id`). */
  productLookups: number;
  /** Queries the stand-in database answered. */
  readonly databaseQueries: number;
}

/** A running shop: the Express app, its counters, and its HTTP servers. */
export interface Shop {
  app: Express;
  stats: ShopStats;
  /** Starts an HTTP server (port 0: any free port). */
  listen(port?: number, host?: string): Promise<{ server: Server; port: number; url: string }>;
  /**
   * Stops the HTTP servers started by `listen`: no new connections, requests in progress
   * finish. The caches are left open (they belong to the caller).
   */
  close(): Promise<void>;
}

const DEV_SECRET = 'cachex-example-development-secret';
const LEADERBOARD_KEY = 'leaderboard';
const SEARCH_TIMEOUT = 30;
/** Search results are kept 5 more minutes past their timeout, served if the search fails. */
const SEARCH_GRACE = 300;
const MAX_QTY = 10;

/** An error with an HTTP status, answered as `{ error }`. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function productKey(id: string): string {
  return `product:${id}`;
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}

/** `{ productId, qty }` from a request body; qty defaults to 1. */
function parseLine(body: unknown, catalogue: Catalogue): OrderLine {
  const { productId, qty = 1 } = (body ?? {}) as { productId?: unknown; qty?: unknown };
  if (typeof productId !== 'string' || !catalogue.has(productId)) {
    throw new HttpError(404, 'no such product');
  }
  if (!isInteger(qty, 1, MAX_QTY)) {
    throw new HttpError(400, `qty must be an integer from 1 to ${MAX_QTY}`);
  }
  return { productId, qty };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A write and a read: the cache answers. */
async function roundTrip(cache: Cache): Promise<void> {
  const written = await cache.set('healthz', Date.now(), { timeout: 60 });
  if (!written || (await cache.get('healthz')) === undefined) {
    throw new Error('the value written was not read back');
  }
}

/**
 * Builds the shop: an Express app on `options.cache` (see the README for the endpoints), with
 * the stock of every product set to `initialStock` where the cache has none yet. A cache that
 * cannot be reached does not stop it: `/healthz` then answers 503.
 */
export async function createApp(options: ShopOptions): Promise<Shop> {
  const { cache } = options;
  const sessionCache = options.sessionCache ?? cache;
  const backend = options.backend ?? 'unknown';
  const productTimeout = options.productTimeout ?? 60;
  const paymentDelayMs = options.paymentDelayMs ?? 5;
  const healthTimeoutMs = options.healthTimeoutMs ?? 2000;
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  const catalogue = new Catalogue(options.databaseLatencyMs ?? 30);
  const counters = { hits: 0, misses: 0, productLookups: 0 };
  const stats: ShopStats = Object.defineProperty(counters, 'databaseQueries', {
    get: () => catalogue.queries,
    enumerable: true,
  }) as ShopStats;

  registerCheckoutScript(cache);
  const initialStock = options.initialStock ?? 20;
  try {
    await Promise.all(
      catalogue.ids().map((id) => cache.add(stockKey(id), initialStock, { timeout: null })),
    );
  } catch (error) {
    // The shop still starts: /healthz tells what is wrong, cached pages fall back to the handlers.
    logError('could not set the initial stock (PUT /products/:id/stock sets it):', error);
  }

  /** Products by id through the cache: one getMany, the misses in one query, then setMany. */
  async function loadProducts(ids: readonly string[]) {
    const keys = ids.map(productKey);
    const found = await cache.getMany<Product>(keys);
    const missing = ids.filter((_, i) => !found.has(keys[i]!));
    const loaded = missing.length === 0 ? [] : await catalogue.find(missing);
    if (loaded.length > 0) {
      await cache.setMany(
        loaded.map((product) => [productKey(product.id), product] as const),
        { timeout: productTimeout },
      );
    }
    const byId = new Map([...found.values(), ...loaded].map((product) => [product.id, product]));
    return {
      products: ids.flatMap((id) => byId.get(id) ?? []),
      fromCache: found.size,
      fromDatabase: loaded.length,
    };
  }

  async function cartView(cart: readonly OrderLine[]) {
    const { products } = await loadProducts(cart.map((line) => line.productId));
    const byId = new Map(products.map((product) => [product.id, product]));
    const lines = cart.map((line) => ({
      ...line,
      name: byId.get(line.productId)?.name,
      price: byId.get(line.productId)?.price ?? 0,
    }));
    return { lines, total: lines.reduce((sum, line) => sum + line.price * line.qty, 0) };
  }

  const app = express();
  app.disable('x-powered-by');

  // Counts what the response cache did, from the Cache-Status header it sets (RFC 9211).
  app.use((_req, res, next) => {
    res.on('finish', () => {
      const status = res.getHeader('cache-status');
      if (typeof status !== 'string') return;
      if (/;\s*hit\b/.test(status)) stats.hits += 1;
      else if (/;\s*fwd=(miss|request)\b/.test(status)) stats.misses += 1;
    });
    next();
  });
  app.use(express.json({ limit: '16kb' }));

  const productPages = cacheResponse({ cache, timeout: productTimeout, groups: ['products'] });
  const sessions: RequestHandler = session({
    store: createSessionStore({ cache: sessionCache, prefix: 'sess:' }),
    secret: options.sessionSecret ?? DEV_SECRET,
    name: 'shop.sid',
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', maxAge: 7 * 24 * 3600 * 1000 },
  });
  const searchLimit = rateLimit({
    cache,
    limit: options.search?.limit ?? 5,
    window: options.search?.window ?? 10,
    prefix: 'ratelimit:search',
  });

  app.get('/', (_req, res) => {
    res.type('html').send(homePage(backend));
  });

  app.get('/stats', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ backend, ...stats });
  });

  app.get('/healthz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    const caches = sessionCache === cache ? [cache] : [cache, sessionCache];
    const started = performance.now();
    try {
      await withTimeout(Promise.all(caches.map(roundTrip)), healthTimeoutMs);
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      res.json({ status: 'ok', backend, latencyMs });
    } catch (error) {
      res.status(503).json({
        status: 'unavailable',
        backend,
        error: isCachexError(error) ? error.code : 'E_HEALTH',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  });

  // Products: whole responses cached by the middleware, invalidated as a group.
  app.get('/products', productPages, async (_req, res) => {
    stats.productLookups += 1;
    const { products } = await loadProducts(catalogue.ids());
    res.json({ products });
  });

  app.get('/products/:id', productPages, async (req, res) => {
    stats.productLookups += 1;
    const [product] = await catalogue.find([req.params.id as string]);
    if (product === undefined) throw new HttpError(404, 'no such product');
    // A campaign link sets an attribution cookie: such a response is never stored.
    const ref = req.query.ref;
    if (typeof ref === 'string' && /^[\w-]{1,64}$/.test(ref)) {
      res.cookie('ref', ref, { httpOnly: true, sameSite: 'lax', maxAge: 30 * 24 * 3600 * 1000 });
    }
    res.json(product);
  });

  app.post('/products/batch', async (req, res) => {
    const ids = (req.body as { ids?: unknown } | undefined)?.ids;
    if (
      !Array.isArray(ids) ||
      ids.length === 0 ||
      ids.length > 100 ||
      !ids.every((id) => typeof id === 'string' && id.length <= 64)
    ) {
      throw new HttpError(400, 'ids must be an array of 1 to 100 product ids');
    }
    res.json(await loadProducts([...new Set(ids as string[])]));
  });

  app.post('/products/:id/price', async (req, res) => {
    const price = (req.body as { price?: unknown } | undefined)?.price;
    if (!isInteger(price, 1, 10_000_000)) {
      throw new HttpError(400, 'price must be an integer number of cents');
    }
    const product = await catalogue.setPrice(req.params.id as string, price);
    if (product === undefined) throw new HttpError(404, 'no such product');
    await cache.delete(productKey(product.id));
    const version = await invalidateCacheGroup(cache, 'products');
    res.json({ product, productsGroupVersion: version });
  });

  app.get('/products/:id/stock', async (req, res) => {
    const id = req.params.id as string;
    if (!catalogue.has(id)) throw new HttpError(404, 'no such product');
    res.json({ productId: id, stock: (await cache.get<number>(stockKey(id))) ?? 0 });
  });

  app.put('/products/:id/stock', async (req, res) => {
    const id = req.params.id as string;
    if (!catalogue.has(id)) throw new HttpError(404, 'no such product');
    const stock = (req.body as { stock?: unknown } | undefined)?.stock;
    if (!isInteger(stock, 0, 1_000_000)) throw new HttpError(400, 'stock must be an integer ≥ 0');
    await cache.set(stockKey(id), stock, { timeout: null });
    res.json({ productId: id, stock });
  });

  // Search: limited per client; results kept for a while with getOrSet: one search across
  // every instance of the service for a query (singleFlight 'cluster'), the previous results
  // served for SEARCH_GRACE seconds if the search fails, and Cache-Status / Age from the
  // metadata.
  app.get('/search', searchLimit, async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim() : '';
    if (q === '' || q.length > 100) throw new HttpError(400, 'q must be 1 to 100 characters');
    const digest = createHash('sha256').update(q.toLowerCase()).digest('base64url');
    const found = await cache.getOrSet(`search:${digest}`, () => catalogue.search(q), {
      timeout: SEARCH_TIMEOUT,
      grace: SEARCH_GRACE,
      singleFlight: 'cluster',
      meta: true,
    });
    const forwarded = found.status === 'stale' ? 'stale' : 'miss';
    res.set('Cache-Status', found.status === 'hit' ? 'cachex; hit' : `cachex; fwd=${forwarded}`);
    if (found.createdAt !== undefined) {
      res.set('Age', String(Math.max(0, Math.floor((Date.now() - found.createdAt) / 1000))));
    }
    res.json({ q, results: found.value });
  });

  // The cart lives in the session (express-session, stored in the cache).
  app.get('/cart', sessions, async (req, res) => {
    res.json(await cartView(req.session.cart ?? []));
  });

  app.post('/cart', sessions, async (req, res) => {
    const line = parseLine(req.body, catalogue);
    const cart = req.session.cart ?? [];
    const existing = cart.find((item) => item.productId === line.productId);
    if (existing === undefined) cart.push(line);
    else existing.qty = Math.min(MAX_QTY, existing.qty + line.qty);
    req.session.cart = cart;
    res.status(201).json(await cartView(cart));
  });

  app.delete('/cart', sessions, (req, res) => {
    req.session.cart = [];
    res.status(204).end();
  });

  // Checkout: `{ productId, qty }` buys that, an empty body buys the cart.
  app.post('/checkout', sessions, async (req, res) => {
    const fromBody = (req.body as { productId?: unknown } | undefined)?.productId !== undefined;
    const lines = fromBody ? [parseLine(req.body, catalogue)] : (req.session.cart ?? []);
    if (lines.length === 0) throw new HttpError(400, 'the cart is empty');
    const { products } = await loadProducts(lines.map((line) => line.productId));
    const prices = new Map(products.map((product) => [product.id, product.price]));
    const result = await checkout(cache, lines, { prices, paymentDelayMs });
    if (result.ok) {
      if (!fromBody) req.session.cart = [];
      res.status(201).json(result.order);
      return;
    }
    if (result.reason === 'busy' || result.reason === 'lock-lost') {
      res.set('Retry-After', '1').status(503).json({ error: result.reason });
      return;
    }
    const productId = 'productId' in result ? result.productId : undefined;
    res.status(409).json({ error: result.reason, productId });
  });

  app.get('/orders', async (_req, res) => {
    const [count, orders] = await Promise.all([
      cache.llen(ORDERS_KEY),
      cache.lrange<Order>(ORDERS_KEY, -100, -1),
    ]);
    res.json({ count, orders });
  });

  // Leaderboard: a sorted set, each player's best score.
  app.post('/scores', async (req, res) => {
    const { player, score } = (req.body ?? {}) as { player?: unknown; score?: unknown };
    if (typeof player !== 'string' || !/^[\w .-]{1,32}$/.test(player)) {
      throw new HttpError(400, 'player must be 1 to 32 letters, digits, spaces, . _ or -');
    }
    if (!isInteger(score, 0, 1_000_000_000)) {
      throw new HttpError(400, 'score must be an integer from 0 to 1e9');
    }
    await cache.zadd(LEADERBOARD_KEY, { [player]: score }, { gt: true });
    const [best, rank] = await Promise.all([
      cache.zscore(LEADERBOARD_KEY, player),
      cache.zrevrank(LEADERBOARD_KEY, player),
    ]);
    res.status(201).json({ player, best, rank: rank === undefined ? undefined : rank + 1 });
  });

  app.get('/leaderboard', async (req, res) => {
    const asked = Number(req.query.limit ?? 10);
    const limit = isInteger(asked, 1, 100) ? asked : 10;
    const top = await cache.zrevrange<string>(LEADERBOARD_KEY, 0, limit - 1, {
      withScores: true,
    });
    res.json({
      leaderboard: top.map(([player, score], i) => ({ rank: i + 1, player, score })),
    });
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status =
      error instanceof HttpError
        ? error.status
        : Number((error as { status?: unknown } | null)?.status) || 500;
    if (status >= 500) logError(`${req.method} ${req.originalUrl} failed:`, error);
    const message = status >= 500 ? 'internal error' : (error as Error).message;
    res.status(status).json({ error: message });
  });

  const servers = new Set<Server>();
  let closing: Promise<void> | undefined;
  const graceMs = options.shutdownGraceMs ?? 10_000;

  return {
    app,
    stats,
    async listen(port = 0, host = '127.0.0.1') {
      if (closing !== undefined) throw new Error('the shop is closed');
      const server = app.listen(port, host);
      await once(server, 'listening');
      servers.add(server);
      const actual = (server.address() as AddressInfo).port;
      const shown = host.includes(':') ? `[${host}]` : host;
      return { server, port: actual, url: `http://${shown}:${actual}` };
    },
    close() {
      closing ??= Promise.all(
        [...servers].map(
          (server) =>
            new Promise<void>((resolve) => {
              const cut = setTimeout(() => server.closeAllConnections(), graceMs).unref();
              server.close(() => {
                clearTimeout(cut);
                resolve();
              });
              server.closeIdleConnections();
            }),
        ),
      ).then(() => {});
      return closing;
    },
  };
}
