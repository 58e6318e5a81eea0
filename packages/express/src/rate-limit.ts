import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { type Cache, isCachexError } from '@cachex/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
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

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** The cachex cache that holds the counters (any transport: memory, standalone, sentinel, cluster). */
  cache: Cache;
  /** Requests allowed per client and window (a positive integer). */
  limit: number;
  /** Length of the window in seconds (a positive integer). */
  window: number;
  /**
   * Who is limited: a string per client. Default: the client's IP address (`req.ip`, so set
   * Express's `trust proxy` behind a proxy), an IPv6 client by its /64 network. Return
   * `undefined` to leave a request unlimited.
   */
  key?: (req: Request) => string | undefined;
  /** First part of every counter's key (`<prefix>:<client>`). Default `'ratelimit'`. */
  prefix?: string;
  /** Body of a refused request: a string is sent as text, anything else as JSON. Default `'Too Many Requests'`. */
  message?: string | object;
  /** Status of a refused request. Default 429. */
  statusCode?: number;
  /**
   * Called when the cache fails (server down, timeout): the request is then let through
   * (fail open). An exception thrown here is ignored.
   */
  onError?: (error: unknown, req: Request) => void;
}

const FACTORY = 'rateLimit';
const DEFAULT_PREFIX = 'ratelimit';
const DEFAULT_MESSAGE = 'Too Many Requests';
const OPTION_NAMES = [
  'cache',
  'limit',
  'window',
  'key',
  'prefix',
  'message',
  'statusCode',
  'onError',
] as const;
// Client keys that go into the cache key as they are; anything else is hashed, so that no
// client-controlled value can make an invalid cache key (and fail open).
const PLAIN_KEY = /^[\x21-\x7e]{1,200}$/;

/** The 16-bit groups of an IPv6 address, as lower-case hex without leading zeros. */
function ipv6Groups(ip: string): string[] {
  const address = ip.split('%', 1)[0]!;
  const parse = (part: string): string[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [group];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
        });
  const [head = '', tail] = address.split('::');
  const first = parse(head);
  const last = tail === undefined ? [] : parse(tail);
  const zeros = tail === undefined ? [] : Array(8 - first.length - last.length).fill('0');
  return [...first, ...zeros, ...last].map((group) => Number.parseInt(group, 16).toString(16));
}

/**
 * The default client key: an IPv4 address as it is (also when IPv4-mapped: `::ffff:1.2.3.4`),
 * an IPv6 address by its /64 network, since one subscriber is usually given a whole /64 and
 * could otherwise pick a new address for every request.
 */
export function clientAddressKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  return `${ipv6Groups(ip).slice(0, 4).join(':')}::/64`;
}

function defaultKey(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress;
  return ip === undefined ? 'unknown' : clientAddressKey(ip);
}

function counterKey(prefix: string, client: string): string {
  if (PLAIN_KEY.test(client)) return `${prefix}:${client}`;
  return `${prefix}:sha256:${createHash('sha256').update(client).digest('base64url')}`;
}

interface ResolvedOptions {
  cache: Cache;
  limit: number;
  window: number;
  key: (req: Request) => string | undefined;
  prefix: string;
  message: string | object;
  statusCode: number;
  onError: ((error: unknown, req: Request) => void) | undefined;
}

function resolveOptions(options: RateLimitOptions): ResolvedOptions {
  const o = checkOptionsObject(FACTORY, options);
  checkKnownOptions(FACTORY, o, OPTION_NAMES);
  checkCache(FACTORY, o.cache, ['pipeline', 'expire']);
  checkPositive(FACTORY, 'limit', o.limit, { integer: true });
  checkPositive(FACTORY, 'window', o.window, { integer: true, unit: 'seconds' });
  checkOptionalFunction(FACTORY, 'key', o.key);
  checkOptionalString(FACTORY, 'prefix', o.prefix);
  if (
    o.message !== undefined &&
    typeof o.message !== 'string' &&
    (typeof o.message !== 'object' || o.message === null)
  ) {
    throw invalid(FACTORY, 'message', 'must be a string or an object (sent as JSON)');
  }
  if (o.statusCode !== undefined && !(isStatusCode(o.statusCode) && o.statusCode >= 400)) {
    throw invalid(FACTORY, 'statusCode', 'must be an HTTP error status code (400-599)');
  }
  checkOptionalFunction(FACTORY, 'onError', o.onError);
  return {
    cache: options.cache,
    limit: options.limit,
    window: options.window,
    key: options.key ?? defaultKey,
    prefix: options.prefix ?? DEFAULT_PREFIX,
    message: options.message ?? DEFAULT_MESSAGE,
    statusCode: options.statusCode ?? 429,
    onError: options.onError,
  };
}

/**
 * Counts one request in the client's window and returns the count and the milliseconds left.
 * One MULTI/EXEC block on the one key: `SET key 0 NX EX window` starts a window (with its
 * expiry) only when none is running, `INCR` counts, `PTTL` reads what is left. A counter
 * can never exist without its expiry, even when a window ends between the commands.
 */
async function count(c: ResolvedOptions, key: string): Promise<{ n: number; ms: number }> {
  const results = await c.cache
    .pipeline({ transaction: true })
    .set(key, 0, { nx: true, timeout: c.window })
    .incr(key)
    .pttl(key)
    .exec();
  for (const result of results) if (isCachexError(result)) throw result;
  const [, n, ms] = results as [boolean, number, number];
  if (ms < 0) {
    // A counter written without expiry by someone else: give it this window.
    await c.cache.expire(key, c.window);
    return { n, ms: c.window * 1000 };
  }
  return { n, ms };
}

/**
 * Express middleware that limits each client to `limit` requests per `window` seconds (a
 * fixed window that starts with the client's first request), counted in a cachex cache, so
 * every process and server behind a load balancer shares the counts.
 *
 * Every limited response carries the headers of the IETF draft "RateLimit header fields for
 * HTTP": `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds until the
 * window ends) and `RateLimit-Policy` (`<limit>;w=<window>`). A request over the limit is
 * answered with `statusCode` (429) and `Retry-After`, and its handler does not run.
 *
 * A cache that fails lets the request through (fail open) and calls `onError`.
 *
 * @throws InvalidArgumentError (from `@cachex/core`) when an option is invalid;
 *   `context.option` names it.
 *
 * @example
 * ```ts
 * app.post('/login', rateLimit({ cache, limit: 5, window: 60 }), login);
 * ```
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const c = resolveOptions(options);
  async function limit(req: Request, res: Response, next: NextFunction): Promise<void> {
    const client = c.key(req);
    if (client === undefined) {
      next();
      return;
    }
    if (typeof client !== 'string') {
      throw invalid(FACTORY, 'key', `must return a string or undefined, got ${typeof client}`);
    }
    let counted: { n: number; ms: number };
    try {
      counted = await count(c, counterKey(c.prefix, client));
    } catch (error) {
      try {
        c.onError?.(error, req);
      } catch {
        // A failing error hook must not fail the request.
      }
      next();
      return;
    }
    const reset = Math.max(1, Math.ceil(counted.ms / 1000));
    res.setHeader('RateLimit-Limit', String(c.limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, c.limit - counted.n)));
    res.setHeader('RateLimit-Reset', String(reset));
    res.setHeader('RateLimit-Policy', `${c.limit};w=${c.window}`);
    if (counted.n <= c.limit) {
      next();
      return;
    }
    res.setHeader('Retry-After', String(reset));
    res.status(c.statusCode);
    if (typeof c.message === 'string') res.type('text/plain').send(c.message);
    else res.json(c.message);
  }
  return function cachexRateLimit(req: Request, res: Response, next: NextFunction): void {
    limit(req, res, next).catch(next);
  };
}
