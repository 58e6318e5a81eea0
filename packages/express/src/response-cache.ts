import { isUtf8 } from 'node:buffer';
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
   * Seconds a stored response is kept past `timeout` (fractions allowed; default 0; the key's
   * TTL is `timeout + grace`). A request that finds it stale runs the handler: a response that
   * may be stored replaces it (`fwd=stale; stored`); when the handler fails (throws, or answers
   * a 5xx status that is not in `statuses`), the stale response is served instead, with
   * `Cache-Status: cachex; fwd=stale; fwd-status=<status>`, the handler's response is discarded
   * and `onError` is told. After a failure, this process serves the stale response without
   * running the handler for 5 s (doubling with each failure in a row, up to 80 s): `hit` with a
   * negative `ttl`. A failing response larger than `maxSize` has already started to stream out:
   * it is sent as it is.
   *
   * No stale-while-revalidate: a refresh in the background would have no request to run the
   * handler with, so a request that finds a stale response waits for the handler, as on a miss.
   * Nor is there a soft timeout: a slow handler is waited for.
   */
  grace?: number;
  /**
   * Who shares one run of the handler when a response is missing or stale. `'process'`
   * (default): concurrent requests for one key in this process run it once, the others are
   * served its response. `'cluster'`: every app instance on the same cache server runs it
   * once: the first takes a lease (`SET NX PX`, 10 s) and the others poll the cache for its
   * response (up to the lease, then they run the handler themselves); one more round trip per
   * miss. A response that may not be stored cannot be shared: instances then take turns.
   */
  singleFlight?: 'process' | 'cluster';
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
   * served by its handler, uncached, and does not fail. Also called, with a `FactoryError`
   * (`context.status`: the handler's status), when a handler failed and a stale response was
   * served in its place (see `grace`). An exception thrown here is ignored.
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

interface ResolvedOptions {
  cache: Cache;
  timeout: number;
  grace: number;
  singleFlight: 'process' | 'cluster';
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
const EMPTY = Buffer.alloc(0);
const OPTION_NAMES = [
  'cache',
  'timeout',
  'grace',
  'singleFlight',
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

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function resolveOptions(options: ResponseCacheOptions): ResolvedOptions {
  const o = checkOptionsObject(FACTORY, options);
  checkKnownOptions(FACTORY, o, OPTION_NAMES);
  checkCache(FACTORY, o.cache, ['getOrSet', 'set', 'getMany']);
  checkPositive(FACTORY, 'timeout', o.timeout, { unit: 'seconds' });
  if (
    o.grace !== undefined &&
    (typeof o.grace !== 'number' || !Number.isFinite(o.grace) || o.grace < 0)
  ) {
    throw invalid(
      FACTORY,
      'grace',
      `must be a non-negative number of seconds, got ${shown(o.grace)}`,
    );
  }
  if (
    o.singleFlight !== undefined &&
    o.singleFlight !== 'process' &&
    o.singleFlight !== 'cluster'
  ) {
    throw invalid(
      FACTORY,
      'singleFlight',
      `must be 'process' or 'cluster', got ${shown(o.singleFlight)}`,
    );
  }
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
    grace: options.grace ?? 0,
    singleFlight: options.singleFlight ?? 'process',
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

/** The response as stored (a HEAD response without its body). */
function toEntry(req: Request, res: Response, body: Buffer): StoredResponse {
  const stored = req.method === 'HEAD' ? EMPTY : body;
  const utf8 = isUtf8(stored);
  return {
    v: 1,
    status: res.statusCode,
    headers: storableHeaders(res),
    body: stored.toString(utf8 ? 'utf8' : 'base64'),
    encoding: utf8 ? 'utf8' : 'base64',
    storedAt: Date.now(),
  };
}

function headerOf(entry: StoredResponse, name: string): string | undefined {
  const value = entry.headers.find(([n]) => n === name)?.[1];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Sends the response (a body, or none): the end of a held response, or `res.end`. */
type Send = (body?: Buffer) => void;

/** Answers 304 Not Modified: the headers stay, the representation's metadata and body go. */
function sendNotModified(res: Response, send: Send): void {
  res.statusCode = 304;
  for (const name of NOT_MODIFIED_DROPS) res.removeHeader(name);
  send();
}

/** Sends a stored response, with `Age` from when it was stored. */
function serve(
  req: Request,
  res: Response,
  entry: StoredResponse,
  conditions: Conditions,
  cacheStatus: string,
  send: Send = (body) => (body ? res.end(body) : res.end()),
): void {
  const body = Buffer.from(entry.body, entry.encoding);
  res.statusCode = entry.status;
  for (const [name, value] of entry.headers) res.setHeader(name, value);
  res.setHeader('Age', String(Math.max(0, Math.floor((Date.now() - entry.storedAt) / 1000))));
  setCacheStatus(res, cacheStatus);
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
