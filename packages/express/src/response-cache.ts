import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { Cache } from '@cachex/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bufferResponse } from './capture.js';
import {
  appendVary,
  type Conditions,
  cacheControlDirectives,
  isNotModified,
  listMembers,
  NOT_MODIFIED_DROPS,
  requestHeader,
  requestNoCache,
  storableHeaders,
  strongEtag,
  takeConditions,
} from './http.js';
import {
  checkCache,
  checkKnownOptions,
  checkOptionalFunction,
  checkOptionalString,
  checkOptionsObject,
  checkPositive,
  invalid,
  isStatusCode,
} from './validate.js';

/** Options of {@link cacheResponse}. */
export interface ResponseCacheOptions {
  /** The cachex cache that stores the responses (any transport: memory, standalone, sentinel, cluster). */
  cache: Cache;
  /** How long a stored response is served, in seconds (fractions allowed). */
  timeout: number;
  /**
   * Request header names whose values become part of the key, so that each combination gets
   * its own stored response (e.g. `['accept-language']`). They are also added to the
   * response's `Vary` header. Default: none.
   */
  vary?: string[];
  /**
   * A key part of your own, computed from the request: e.g. the user id for per-user pages.
   * Return `undefined` to leave this request uncached. When given, requests with an
   * `Authorization` header are cached too (under the key you return).
   */
  key?: (req: Request) => string | undefined;
  /** Response status codes that are stored. Default `[200]`. */
  statuses?: number[];
  /**
   * Groups (tags) of the stored response, for {@link invalidateCacheGroup}: a list, or a
   * function of the request (e.g. `(req) => [`product:${req.params.id}`]`). Default: none.
   */
  groups?: string[] | ((req: Request) => string[]);
  /** First part of every key this middleware writes (`<prefix>:GET:<hash>`). Default `'page'`. */
  prefix?: string;
  /**
   * Bodies up to this many bytes are held and stored; a larger body is streamed out as it is
   * written and not stored (`detail=too-large`). Default 1 MiB.
   */
  maxSize?: number;
  /**
   * Called when the cache fails (server down, timeout, undecodable entry): the request is then
   * served by its handler, uncached, and does not fail. An exception thrown here is ignored.
   */
  onError?: (error: unknown, req: Request) => void;
}

/** A response as stored: status, headers and body (text when it is UTF-8, else base64). */
interface StoredResponse {
  v: 1;
  status: number;
  headers: [string, string | string[]][];
  body: string;
  encoding: 'utf8' | 'base64';
  /** When it was stored, unix milliseconds (for `Age`). */
  storedAt: number;
}

/** A response shared with the requests that waited for it (single-flight). */
interface Shared {
  entry: StoredResponse;
  body: Buffer;
  /** Whether it came from the cache (else the handler just produced it). */
  hit: boolean;
}

interface ResolvedOptions {
  cache: Cache;
  timeout: number;
  /** The `vary` header names, lower-case (keys, comparisons). */
  vary: string[];
  /** The `vary` header names as given (the `Vary` header sent). */
  varyNames: string[];
  key: ((req: Request) => string | undefined) | undefined;
  statuses: Set<number>;
  groups: (req: Request) => string[];
  prefix: string;
  maxSize: number;
  onError: ((error: unknown, req: Request) => void) | undefined;
}

const FACTORY = 'cacheResponse';
/** The cache's name in `Cache-Status` (RFC 9211). */
const CACHE_NAME = 'cachex';
const DEFAULT_PREFIX = 'page';
const DEFAULT_MAX_SIZE = 1024 * 1024;
const OPTION_NAMES = [
  'cache',
  'timeout',
  'vary',
  'key',
  'statuses',
  'groups',
  'prefix',
  'maxSize',
  'onError',
] as const;
// RFC 9110 token: what a header name may contain.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Computations in progress, per cache and key: concurrent misses share the first one's response. */
const flightsByCache = new WeakMap<object, Map<string, Promise<Shared | undefined>>>();

function flightsOf(cache: Cache): Map<string, Promise<Shared | undefined>> {
  let flights = flightsByCache.get(cache);
  if (flights === undefined) {
    flights = new Map();
    flightsByCache.set(cache, flights);
  }
  return flights;
}

/** The key of a group's version counter. */
function groupKey(prefix: string, group: string): string {
  return `${prefix}:group:${group}`;
}

function checkGroupList(groups: unknown, where: string): string[] {
  if (
    !Array.isArray(groups) ||
    !groups.every((group) => typeof group === 'string' && group !== '')
  ) {
    throw invalid(FACTORY, 'groups', `${where} must be an array of non-empty strings`);
  }
  return [...new Set(groups as string[])];
}

function resolveOptions(options: ResponseCacheOptions): ResolvedOptions {
  const o = checkOptionsObject(FACTORY, options);
  checkKnownOptions(FACTORY, o, OPTION_NAMES);
  checkCache(FACTORY, o.cache, ['get', 'set', 'getMany']);
  checkPositive(FACTORY, 'timeout', o.timeout, { unit: 'seconds' });
  if (
    o.vary !== undefined &&
    (!Array.isArray(o.vary) ||
      !o.vary.every((name) => typeof name === 'string' && HEADER_NAME.test(name)))
  ) {
    throw invalid(FACTORY, 'vary', 'must be an array of request header names');
  }
  checkOptionalFunction(FACTORY, 'key', o.key);
  if (
    o.statuses !== undefined &&
    (!Array.isArray(o.statuses) || o.statuses.length === 0 || !o.statuses.every(isStatusCode))
  ) {
    throw invalid(FACTORY, 'statuses', 'must be a non-empty array of HTTP status codes (100-599)');
  }
  let groups: (req: Request) => string[] = () => [];
  if (typeof o.groups === 'function') {
    const fn = o.groups as (req: Request) => unknown;
    groups = (req) => checkGroupList(fn(req), 'the result of groups(req)');
  } else if (o.groups !== undefined) {
    const list = checkGroupList(o.groups, 'groups');
    groups = () => list;
  }
  checkOptionalString(FACTORY, 'prefix', o.prefix);
  if (o.maxSize !== undefined) checkPositive(FACTORY, 'maxSize', o.maxSize, { integer: true });
  checkOptionalFunction(FACTORY, 'onError', o.onError);
  return {
    cache: options.cache,
    timeout: options.timeout,
    vary: [...new Set((options.vary ?? []).map((name) => name.toLowerCase()))],
    varyNames: options.vary ?? [],
    key: options.key,
    statuses: new Set(options.statuses ?? [200]),
    groups,
    prefix: options.prefix ?? DEFAULT_PREFIX,
    maxSize: options.maxSize ?? DEFAULT_MAX_SIZE,
    onError: options.onError,
  };
}

function report(c: ResolvedOptions, error: unknown, req: Request): void {
  try {
    c.onError?.(error, req);
  } catch {
    // A failing error hook must not fail the request.
  }
}

function setCacheStatus(res: Response, value: string): void {
  res.setHeader('Cache-Status', `${CACHE_NAME}; ${value}`);
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
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

function isStoredResponse(value: unknown): value is StoredResponse {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StoredResponse>;
  return (
    v.v === 1 &&
    typeof v.status === 'number' &&
    Array.isArray(v.headers) &&
    typeof v.body === 'string' &&
    (v.encoding === 'utf8' || v.encoding === 'base64') &&
    typeof v.storedAt === 'number'
  );
}

function toEntry(res: Response, body: Buffer): StoredResponse {
  const utf8 = isUtf8(body);
  return {
    v: 1,
    status: res.statusCode,
    headers: storableHeaders(res),
    body: body.toString(utf8 ? 'utf8' : 'base64'),
    encoding: utf8 ? 'utf8' : 'base64',
    storedAt: Date.now(),
  };
}

function headerOf(entry: StoredResponse, name: string): string | undefined {
  const value = entry.headers.find(([n]) => n === name)?.[1];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Answers 304 Not Modified: the headers stay, the representation's metadata and body go. */
function sendNotModified(res: Response, send: (body?: Buffer) => void): void {
  res.statusCode = 304;
  for (const name of NOT_MODIFIED_DROPS) res.removeHeader(name);
  send();
}

/** Sends a stored (or shared) response. */
function serve(
  req: Request,
  res: Response,
  shared: Shared,
  conditions: Conditions,
  cacheStatus: string,
): void {
  const { entry, body } = shared;
  res.statusCode = entry.status;
  for (const [name, value] of entry.headers) res.setHeader(name, value);
  const age = shared.hit ? Math.max(0, Math.floor((Date.now() - entry.storedAt) / 1000)) : 0;
  res.setHeader('Age', String(age));
  setCacheStatus(res, cacheStatus);
  const send = (toSend?: Buffer) => (toSend ? res.end(toSend) : res.end());
  if (
    isSuccess(entry.status) &&
    isNotModified(conditions, headerOf(entry, 'etag'), headerOf(entry, 'last-modified'))
  ) {
    sendNotModified(res, send);
    return;
  }
  if (req.method === 'HEAD') {
    send();
    return;
  }
  res.setHeader('Content-Length', String(body.length));
  res.removeHeader('transfer-encoding');
  send(body);
}

interface Computation {
  key: string;
  /** `miss`, or `request` when the request asked for a fresh response. */
  fwd: 'miss' | 'request';
  /** Whether the response may be stored (the request did not say `no-store`). */
  store: boolean;
  conditions: Conditions;
  /** Hands the outcome to the requests waiting for it (single-flight). */
  share?: (shared: Shared | undefined) => void;
}

/** Runs the handler with its response held back, then stores it when it may be stored, and sends it. */
function compute(
  c: ResolvedOptions,
  req: Request,
  res: Response,
  next: NextFunction,
  job: Computation,
): void {
  const share = (shared: Shared | undefined) => {
    const s = job.share;
    job.share = undefined;
    s?.(shared);
  };
  // A client that went away before the handler finished: nobody waits on this one.
  res.once('close', () => share(undefined));
  bufferResponse(res, c.maxSize, {
    overflow() {
      setCacheStatus(res, `fwd=${job.fwd}; detail=too-large`);
      share(undefined);
    },
    complete(body, send) {
      (async () => {
        const head = req.method === 'HEAD';
        const success = isSuccess(res.statusCode);
        if (success && !res.hasHeader('etag') && (!head || body.length > 0)) {
          res.setHeader('ETag', strongEtag(body));
        }
        const reason = job.store ? unstorableReason(c, res) : 'no-store';
        let status: string;
        if (reason === undefined) {
          const stored = head ? Buffer.alloc(0) : body;
          const entry = toEntry(res, stored);
          share({ entry, body: stored, hit: false });
          let ok = false;
          try {
            ok = await c.cache.set(job.key, entry, { timeout: c.timeout });
          } catch (error) {
            report(c, error, req);
          }
          status = ok ? `fwd=${job.fwd}; stored` : `fwd=${job.fwd}; detail=cache-error`;
        } else {
          share(undefined);
          status = `fwd=${job.fwd}; detail=${reason}`;
        }
        setCacheStatus(res, status);
        const etag = res.getHeader('etag');
        const lastModified = res.getHeader('last-modified');
        if (
          success &&
          isNotModified(
            job.conditions,
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
      })().catch((error: unknown) => {
        // Whatever went wrong, the client still gets the handler's response.
        report(c, error, req);
        send(body);
      });
    },
  });
  next();
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
    compute(c, req, res, next, { key, fwd: 'request', store: !noStore, conditions });
    return;
  }

  const flights = flightsOf(c.cache);
  const pending = flights.get(key);
  if (pending !== undefined) {
    const shared = await pending;
    if (shared !== undefined) {
      serve(req, res, shared, conditions, shared.hit ? 'hit' : 'fwd=miss; collapsed');
    } else {
      // The first request's response could not be shared: this one gets its own.
      compute(c, req, res, next, { key, fwd: 'miss', store: true, conditions });
    }
    return;
  }

  let settle!: (shared: Shared | undefined) => void;
  const flight = new Promise<Shared | undefined>((resolve) => {
    settle = resolve;
  });
  flights.set(key, flight);
  const share = (shared: Shared | undefined) => {
    if (flights.get(key) === flight) flights.delete(key);
    settle(shared);
  };

  let found: unknown;
  try {
    found = await c.cache.get(key);
  } catch (error) {
    share(undefined);
    passThrough(c, req, res, next, error, conditions);
    return;
  }
  if (isStoredResponse(found)) {
    const shared: Shared = {
      entry: found,
      body: Buffer.from(found.body, found.encoding),
      hit: true,
    };
    share(shared);
    serve(req, res, shared, conditions, 'hit');
    return;
  }
  compute(c, req, res, next, { key, fwd: 'miss', store: true, conditions, share });
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
 * - Every response gets `Cache-Status` (RFC 9211); hits get `Age`. 2xx responses without an
 *   `ETag` get a strong one (a hash of the body), and `If-None-Match` / `If-Modified-Since` are
 *   answered with 304, on stored and fresh responses alike.
 * - Concurrent misses of one key in this process run the handler once; the others are served
 *   its response.
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
 * app.get('/products/:id', cacheResponse({ cache, timeout: 60, groups: ['products'] }), handler);
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
