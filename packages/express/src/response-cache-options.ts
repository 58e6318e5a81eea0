import type { Cache } from '@cachex/core';
import type { Request } from 'express';
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

/** {@link ResponseCacheOptions} checked, with their defaults. */
export interface ResolvedOptions {
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

/** The middleware's name in messages. */
export const FACTORY = 'cacheResponse';
/** The first part of every key, by default. */
export const DEFAULT_PREFIX = 'page';
const DEFAULT_MAX_SIZE = 1024 * 1024;
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

/** The key of a group's version counter. */
export function groupKey(prefix: string, group: string): string {
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

export function resolveOptions(options: ResponseCacheOptions): ResolvedOptions {
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
