import { createHash } from 'node:crypto';
import { type Cache, FactoryError, type GetOrSetResult, isCachexError } from '@cachex/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bufferResponse } from './capture.js';
import {
  appendVary,
  type Conditions,
  cacheControlDirectives,
  isNotModified,
  listMembers,
  requestHeader,
  requestNoCache,
  strongEtag,
  takeConditions,
} from './http.js';
import {
  DEFAULT_PREFIX,
  FACTORY,
  groupKey,
  type ResolvedOptions,
  type ResponseCacheOptions,
  resolveOptions,
} from './response-cache-options.js';
import {
  isStoredResponse,
  isSuccess,
  type Send,
  type StoredResponse,
  sendNotModified,
  serve,
  setCacheStatus,
  toEntry,
} from './stored-response.js';
import {
  checkCache,
  checkKnownOptions,
  checkOptionalString,
  checkOptionsObject,
  invalid,
} from './validate.js';

/**
 * The status of each handler run that just failed (its stale response served instead), per
 * cache and key, for the requests that waited for that run: they resume (in microtasks) before
 * the entry is dropped, at the next turn of the event loop.
 */
const failuresByCache = new WeakMap<Cache, Map<string, { status: number }>>();

function noteFailure(cache: Cache, key: string, status: number): void {
  const failures = failuresByCache.get(cache) ?? new Map<string, { status: number }>();
  failuresByCache.set(cache, failures);
  const failure = { status };
  failures.set(key, failure);
  setImmediate(() => {
    if (failures.get(key) === failure) failures.delete(key);
  });
}

function recentFailure(cache: Cache, key: string): number | undefined {
  return failuresByCache.get(cache)?.get(key)?.status;
}

function report(c: ResolvedOptions, error: unknown, req: Request): void {
  try {
    c.onError?.(error, req);
  } catch {
    // A failing error hook must not fail the request.
  }
}

/** A handler failure: a 5xx status that is not stored (a stale response may stand in for it). */
function isFailure(c: ResolvedOptions, status: number): boolean {
  return status >= 500 && !c.statuses.has(status);
}

/** The key of one response: method, absolute URL, the `vary` headers, the key part and group versions, hashed. */
function responseKey(
  c: ResolvedOptions,
  req: Request,
  custom: string | undefined,
  groups: readonly string[],
  versions: readonly string[],
): string {
  const url = `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl ?? req.url}`;
  const parts = [
    req.method,
    url,
    c.vary.map((name) => [name, requestHeader(req.headers, name) ?? null]),
    custom ?? null,
    groups.map((group, i) => [group, versions[i]]),
  ];
  const hash = createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
  return `${c.prefix}:${req.method}:${hash}`;
}

/** The current version of each group (`'0'` for a group never invalidated), in one round trip. */
async function groupVersions(c: ResolvedOptions, groups: readonly string[]): Promise<string[]> {
  if (groups.length === 0) return [];
  const keys = groups.map((group) => groupKey(c.prefix, group));
  const found = await c.cache.getMany(keys);
  return keys.map((key) => String(found.get(key) ?? 0));
}

/** Why a finished response may not be stored, or undefined when it may. */
function unstorableReason(c: ResolvedOptions, res: Response): string | undefined {
  if (!c.statuses.has(res.statusCode)) return 'status';
  if (res.hasHeader('set-cookie')) return 'set-cookie';
  const directives = cacheControlDirectives(
    res.getHeader('cache-control') as string | string[] | undefined,
  );
  if (directives.has('no-store')) return 'no-store';
  if (directives.has('private')) return 'private';
  const vary = listMembers(res.getHeader('vary') as string | string[] | undefined);
  // The key only tells apart the variants of the `vary` headers.
  if (vary.some((name) => name === '*' || !c.vary.includes(name.toLowerCase()))) return 'vary';
  return undefined;
}

/** The handler's response, complete and held back: nothing has been sent yet. */
interface Held {
  body: Buffer;
  /** Puts the response on the wire (the first call only). */
  send: Send;
}

/** How a run of the handler ended, for the middleware. */
type RunEnd =
  | { kind: 'complete'; held: Held }
  /** Its body passed `maxSize`: it is being streamed out, not stored. */
  | { kind: 'overflow' }
  /** The client went away before it was complete: nobody waits for it. */
  | { kind: 'closed' };

/**
 * Runs the request's handler (`next()`) with its response held back, and resolves when the
 * response is complete (a 2xx without an `ETag` gets a strong one), when its body passes
 * `maxSize` (it then streams out, said `detail=too-large`), or when the client went away.
 */
function runHandler(
  c: ResolvedOptions,
  req: Request,
  res: Response,
  next: NextFunction,
  fwd: string,
): Promise<RunEnd> {
  return new Promise<RunEnd>((resolve) => {
    let ended = false;
    const end = (how: RunEnd): boolean => {
      if (ended) return false;
      ended = true;
      resolve(how);
      return true;
    };
    res.once('close', () => end({ kind: 'closed' }));
    bufferResponse(res, c.maxSize, {
      overflow() {
        setCacheStatus(res, `fwd=${fwd}; detail=too-large`);
        end({ kind: 'overflow' });
      },
      complete(body, send) {
        if (
          isSuccess(res.statusCode) &&
          !res.hasHeader('etag') &&
          (req.method !== 'HEAD' || body.length > 0)
        ) {
          res.setHeader('ETag', strongEtag(body));
        }
        // Complete after its client went away: nobody decides any more, let it go.
        if (!end({ kind: 'complete', held: { body, send } })) send(body);
      },
    });
    next();
  });
}

/** Sends the handler's own (held) response, answering the request's conditions. */
function sendHeld(res: Response, held: Held, conditions: Conditions, cacheStatus: string): void {
  setCacheStatus(res, cacheStatus);
  const { body, send } = held;
  const etag = res.getHeader('etag');
  const lastModified = res.getHeader('last-modified');
  if (
    isSuccess(res.statusCode) &&
    isNotModified(
      conditions,
      typeof etag === 'string' ? etag : undefined,
      typeof lastModified === 'string' ? lastModified : undefined,
    )
  ) {
    sendNotModified(res, send);
    return;
  }
  if (body.length > 0) {
    res.setHeader('Content-Length', String(body.length));
    res.removeHeader('transfer-encoding');
  }
  send(body);
}

/**
 * Runs the handler for this request alone (it asked for a fresh response, or the response it
 * waited for could not be shared), stores its response when it may be stored, and sends it.
 */
async function computeAlone(
  c: ResolvedOptions,
  req: Request,
  res: Response,
  next: NextFunction,
  key: string,
  fwd: 'miss' | 'stale' | 'request',
  store: boolean,
  conditions: Conditions,
): Promise<void> {
  const end = await runHandler(c, req, res, next, fwd);
  if (end.kind !== 'complete') return;
  const { held } = end;
  try {
    const reason = store ? unstorableReason(c, res) : 'no-store';
    let status = `fwd=${fwd}; detail=${reason}`;
    if (reason === undefined) {
      let ok = false;
      try {
        ok = await c.cache.set(key, toEntry(req, res, held.body), {
          timeout: c.timeout + c.grace,
        });
      } catch (error) {
        report(c, error, req);
      }
      status = ok ? `fwd=${fwd}; stored` : `fwd=${fwd}; detail=cache-error`;
    }
    sendHeld(res, held, conditions, status);
  } catch (error) {
    // Whatever went wrong, the client still gets the handler's response.
    report(c, error, req);
    held.send(held.body);
  }
}

/** Puts the conditional headers back, for a request its handler answers on its own. */
function restoreConditions(req: Request, conditions: Conditions): void {
  if (conditions.ifNoneMatch !== undefined) req.headers['if-none-match'] = conditions.ifNoneMatch;
  if (conditions.ifModifiedSince !== undefined) {
    req.headers['if-modified-since'] = conditions.ifModifiedSince;
  }
}

/** The cache failed: the handler answers, nothing is stored. */
function passThrough(
  c: ResolvedOptions,
  req: Request,
  res: Response,
  next: NextFunction,
  error: unknown,
  conditions: Conditions,
): void {
  report(c, error, req);
  restoreConditions(req, conditions);
  setCacheStatus(res, 'fwd=miss; detail=cache-error');
  next();
}

/** This request's own run of the handler, when `getOrSet` called the factory. */
interface OwnRun {
  /** The response headers before the handler ran (set by earlier middlewares). */
  before: ReturnType<Response['getHeaders']>;
  ended: Promise<RunEnd>;
  /** The response the factory resolved, to be stored. */
  entry?: StoredResponse;
  /** Why the response could not be stored (the factory resolved `undefined`). */
  reason?: string;
  /** What the factory rejected with: the handler failed. */
  failure?: FactoryError;
}

/**
 * Serves a stale response in place of the handler's failed one, which is discarded: its
 * status and headers go, those set before the handler ran come back.
 */
function serveInstead(
  c: ResolvedOptions,
  req: Request,
  res: Response,
  own: OwnRun & { failure: FactoryError },
  held: Held,
  stale: StoredResponse,
  conditions: Conditions,
): void {
  const failed = res.statusCode;
  report(c, own.failure, req);
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  for (const [name, value] of Object.entries(own.before)) {
    if (value !== undefined) res.setHeader(name, value);
  }
  // Node fills in the reason phrase of the new status.
  res.statusMessage = '';
  serve(req, res, stale, conditions, `fwd=stale; fwd-status=${failed}`, held.send);
}

/**
 * A GET or HEAD that may be served from the cache, through `getOrSet`: a fresh stored response
 * is served; otherwise one request (per process, or per cluster with `singleFlight: 'cluster'`)
 * runs its handler as the factory, and the others are served its response. The factory resolves
 * the response to store, `undefined` for one that may not be stored (then each request runs its
 * own handler), and rejects when the handler failed (a stale response is then served instead).
 */
async function lookUp(
  c: ResolvedOptions,
  req: Request,
  res: Response,
  next: NextFunction,
  key: string,
  conditions: Conditions,
): Promise<void> {
  const runs: OwnRun[] = [];
  const factory = async (): Promise<StoredResponse | undefined> => {
    const own: OwnRun = {
      before: res.getHeaders(),
      ended: runHandler(c, req, res, next, 'miss'),
    };
    runs.push(own);
    const end = await own.ended;
    if (end.kind !== 'complete') return undefined;
    const status = res.statusCode;
    if (isFailure(c, status)) {
      own.failure = new FactoryError(
        `cacheResponse: the handler of ${req.method} ${req.path} answered ${status}`,
        { context: { key, status } },
      );
      noteFailure(c.cache, key, status);
      throw own.failure;
    }
    own.reason = unstorableReason(c, res);
    if (own.reason !== undefined) return undefined;
    own.entry = toEntry(req, res, end.held.body);
    return own.entry;
  };

  let outcome: GetOrSetResult<unknown>;
  try {
    outcome = await c.cache.getOrSet<unknown>(key, factory, {
      timeout: c.timeout,
      grace: c.grace,
      singleFlight: c.singleFlight,
      meta: true,
    });
  } catch (error) {
    const own = runs[0];
    if (own === undefined) {
      // The request this one waited for failed, with no stale response: run this one's own.
      if (isCachexError(error, 'E_FACTORY')) {
        await computeAlone(c, req, res, next, key, 'miss', true, conditions);
      } else {
        passThrough(c, req, res, next, error, conditions);
      }
      return;
    }
    const end = await own.ended;
    // Not the handler's failure: storing its response failed.
    if (error !== own.failure) report(c, error, req);
    if (end.kind !== 'complete') return;
    const detail = error === own.failure ? 'status' : 'cache-error';
    sendHeld(res, end.held, conditions, `fwd=miss; detail=${detail}`);
    return;
  }

  const { value, status } = outcome;
  // A stale response was there and the handler ran for it (RFC 9211 `fwd=stale`).
  const fwd = status === 'refreshed' ? 'stale' : 'miss';
  const own = runs[0];
  if (own !== undefined) {
    const end = await own.ended;
    if (end.kind !== 'complete') return;
    if (own.failure !== undefined) {
      if (isStoredResponse(value)) {
        serveInstead(c, req, res, { ...own, failure: own.failure }, end.held, value, conditions);
      } else {
        sendHeld(res, end.held, conditions, 'fwd=miss; detail=status');
      }
      return;
    }
    let cacheStatus: string;
    if (value === undefined) cacheStatus = `fwd=${fwd}; detail=${own.reason ?? 'status'}`;
    // Another writer stored its response first (cache.add lost): this one is sent, not stored.
    else if (value !== own.entry) cacheStatus = `fwd=${fwd}`;
    // Stored, unless the cache could not be reached (ignoreExceptions).
    else if (outcome.expiresAt === undefined) cacheStatus = `fwd=${fwd}; detail=cache-error`;
    else cacheStatus = `fwd=${fwd}; stored`;
    sendHeld(res, end.held, conditions, cacheStatus);
    return;
  }

  if (!isStoredResponse(value)) {
    // The response this one waited for could not be stored (or the key holds something that is
    // not a response): this request gets its own.
    await computeAlone(c, req, res, next, key, fwd, true, conditions);
    return;
  }
  let cacheStatus: string;
  if (status === 'hit') cacheStatus = 'hit';
  else if (status === 'stale') {
    const failed = recentFailure(c.cache, key);
    if (failed !== undefined) {
      // Collapsed onto a run of the handler that failed.
      cacheStatus = `fwd=stale; fwd-status=${failed}; collapsed`;
    } else {
      // A recent failure: the stale response is served without running the handler (backoff).
      const ttl = typeof outcome.expiresAt === 'number' ? outcome.expiresAt - Date.now() : 0;
      cacheStatus = `hit; ttl=${Math.min(-1, Math.floor(ttl / 1000))}`;
    }
  } else cacheStatus = `fwd=${fwd}; collapsed`;
  serve(req, res, value, conditions, cacheStatus);
}

async function handle(
  c: ResolvedOptions,
  req: Request,
  res: Response,
  next: NextFunction,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    setCacheStatus(res, 'fwd=method');
    next();
    return;
  }
  appendVary(res, c.varyNames);
  let custom: string | undefined;
  if (c.key !== undefined) {
    custom = c.key(req);
    if (custom === undefined) {
      setCacheStatus(res, 'fwd=bypass; detail=key');
      next();
      return;
    }
    if (typeof custom !== 'string') {
      throw invalid(FACTORY, 'key', `must return a string or undefined, got ${typeof custom}`);
    }
  } else if (req.headers.authorization !== undefined && !c.vary.includes('authorization')) {
    // Credentials without a key function: the response may be this user's alone.
    setCacheStatus(res, 'fwd=bypass; detail=authorization');
    next();
    return;
  }
  const groups = c.groups(req);
  const conditions = takeConditions(req.headers);
  const requestDirectives = cacheControlDirectives(req.headers['cache-control']);
  const noStore = requestDirectives.has('no-store');
  const refresh = noStore || requestNoCache(req.headers);

  let key: string;
  try {
    key = responseKey(c, req, custom, groups, await groupVersions(c, groups));
  } catch (error) {
    passThrough(c, req, res, next, error, conditions);
    return;
  }
  if (refresh) {
    await computeAlone(c, req, res, next, key, 'request', !noStore, conditions);
    return;
  }
  await lookUp(c, req, res, next, key, conditions);
}

/**
 * Express middleware that caches whole responses in a cachex cache, like Django's
 * `cache_page`, the way HTTP wants it.
 *
 * - Only GET and HEAD requests are cached. The key is made of the method, the absolute URL
 *   (protocol, host, path and query), the values of the `vary` request headers, the `key`
 *   function's result and the versions of the response's groups.
 * - A response is stored when its status is in `statuses` (default 200) and it sets no
 *   cookie, has no `Cache-Control: private` or `no-store`, and no `Vary` beyond the `vary`
 *   option. Requests with `Authorization` are not cached unless `key` (or `vary`) tells users
 *   apart.
 * - A request with `Cache-Control: no-cache` runs the handler and stores the fresh response;
 *   with `no-store`, nothing is stored.
 * - Every response gets `Cache-Status` (RFC 9211); responses from the cache get `Age`. 2xx
 *   responses without an `ETag` get a strong one (a hash of the body), and `If-None-Match` /
 *   `If-Modified-Since` are answered with 304, on stored and fresh responses alike.
 * - Reads and stores go through `cache.getOrSet`: concurrent misses of one key run the handler
 *   once, in this process (`singleFlight: 'process'`, the default) or on every instance sharing
 *   the cache server (`'cluster'`); the others are served its response (`fwd=miss; collapsed`).
 * - With `grace`, a response is kept that long past `timeout`; a request that finds it stale
 *   runs the handler and stores its response (`fwd=stale; stored`), or, when the handler throws
 *   or answers 5xx, is served the stale response (`fwd=stale; fwd-status=<status>`) and
 *   `onError` is told. No stale-while-revalidate: a background refresh would have no request to
 *   run the handler with. A 5xx that is not in `statuses` is a failed factory to `getOrSet`, so
 *   the cache's `factoryError` event reports it too.
 * - The handler's response is held until it ends (up to `maxSize` bytes), whatever it uses:
 *   `res.send`, `res.json`, `res.write`/`res.end`, a piped stream.
 * - A cache that fails (server down) never fails the request: the handler answers, uncached,
 *   and `onError` is told.
 *
 * @throws InvalidArgumentError (from `@cachex/core`) when an option is invalid;
 *   `context.option` names it.
 *
 * @example
 * ```ts
 * app.get('/products/:id', cacheResponse({ cache, timeout: 60, grace: 600, groups: ['products'] }), handler);
 * // later, after a product changed:
 * await invalidateCacheGroup(cache, 'products');
 * ```
 */
export function cacheResponse(options: ResponseCacheOptions): RequestHandler {
  const c = resolveOptions(options);
  return function cachexResponseCache(req: Request, res: Response, next: NextFunction): void {
    handle(c, req, res, next).catch(next);
  };
}

/**
 * Invalidates every response cached with `group` among its groups (see
 * {@link ResponseCacheOptions.groups}), on every process and cluster node at once: the
 * group's version, part of the key of each response in it, is incremented (one `INCR`).
 * Responses stored under the old version are no longer found and expire with their timeout.
 * Resolves the group's new version.
 *
 * Use the `prefix` the middleware was given (default `'page'`). A cache that cannot be reached
 * rejects (so does an invalid argument, with an `InvalidArgumentError`): an invalidation must
 * not be lost silently.
 *
 * @example
 * ```ts
 * await invalidateCacheGroup(cache, `product:${id}`);
 * ```
 */
export async function invalidateCacheGroup(
  cache: Cache,
  group: string,
  options: { prefix?: string } = {},
): Promise<number> {
  const factory = 'invalidateCacheGroup';
  checkCache(factory, cache, ['incr']);
  if (typeof group !== 'string' || group === '') {
    throw invalid(factory, 'group', 'must be a non-empty string');
  }
  const o = checkOptionsObject(factory, options);
  checkKnownOptions(factory, o, ['prefix']);
  checkOptionalString(factory, 'prefix', o.prefix);
  return cache.incr(groupKey(options.prefix ?? DEFAULT_PREFIX, group));
}
