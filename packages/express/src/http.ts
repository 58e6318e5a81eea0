import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, never a stored response. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Headers the cache writes or the server generates afresh on every response. */
const NEVER_STORED = new Set(['age', 'cache-status', 'date', 'set-cookie']);

/** The comma-separated members of a header (`a, b,c` → `['a', 'b', 'c']`), trimmed, non-empty. */
export function listMembers(value: string | number | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return text
    .split(',')
    .map((member) => member.trim())
    .filter((member) => member !== '');
}

/** The directive names of a Cache-Control header, lower-case (`max-age=0, No-Cache` → both). */
export function cacheControlDirectives(
  value: string | number | readonly string[] | undefined,
): Set<string> {
  return new Set(listMembers(value).map((member) => member.split('=', 1)[0]!.trim().toLowerCase()));
}

/** One request header as a single string (repeated headers joined with `, `), or undefined. */
export function requestHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Whether the request asks to skip stored responses (`Cache-Control: no-cache`, or `Pragma: no-cache` without Cache-Control). */
export function requestNoCache(headers: IncomingHttpHeaders): boolean {
  if (headers['cache-control'] !== undefined) {
    return cacheControlDirectives(headers['cache-control']).has('no-cache');
  }
  return cacheControlDirectives(headers.pragma).has('no-cache');
}

/** Adds `names` to the response's Vary header (once each, case-insensitively). */
export function appendVary(res: ServerResponse, names: readonly string[]): void {
  if (names.length === 0) return;
  const current = listMembers(res.getHeader('vary') as string | string[] | undefined);
  if (current.includes('*')) return;
  const seen = new Set(current.map((name) => name.toLowerCase()));
  const added = names.filter((name) => !seen.has(name.toLowerCase()));
  if (added.length > 0) res.setHeader('Vary', [...current, ...added].join(', '));
}

/** A strong entity tag for `body`: its SHA-256, base64url, quoted. */
export function strongEtag(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/** The request's conditional headers, taken off the request so that its handler never answers 304. */
export interface Conditions {
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

/**
 * Removes If-None-Match and If-Modified-Since from the request and returns them: the handler
 * then always produces the full response (which can be stored), and the middleware answers the
 * conditions itself, on fresh and stored responses alike.
 */
export function takeConditions(headers: IncomingHttpHeaders): Conditions {
  const conditions: Conditions = {};
  const ifNoneMatch = requestHeader(headers, 'if-none-match');
  const ifModifiedSince = requestHeader(headers, 'if-modified-since');
  if (ifNoneMatch !== undefined) conditions.ifNoneMatch = ifNoneMatch;
  if (ifModifiedSince !== undefined) conditions.ifModifiedSince = ifModifiedSince;
  delete headers['if-none-match'];
  delete headers['if-modified-since'];
  return conditions;
}

/** The opaque part of an entity tag (`W/"x"` and `"x"` compare equal: weak comparison). */
function opaqueTag(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

/**
 * Whether a 2xx response with these headers is "not modified" for the request's conditions
 * (RFC 9110 §13.1.2 and §13.1.3): If-None-Match by weak comparison (`*` matches any tag), else
 * If-Modified-Since against Last-Modified.
 */
export function isNotModified(
  conditions: Conditions,
  etag: string | undefined,
  lastModified: string | undefined,
): boolean {
  if (conditions.ifNoneMatch !== undefined) {
    if (etag === undefined) return false;
    const members = listMembers(conditions.ifNoneMatch);
    if (members.includes('*')) return true;
    const target = opaqueTag(etag.trim());
    return members.some((member) => opaqueTag(member) === target);
  }
  if (conditions.ifModifiedSince !== undefined && lastModified !== undefined) {
    const since = Date.parse(conditions.ifModifiedSince);
    const modified = Date.parse(lastModified);
    return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
  }
  return false;
}

/** Headers a 304 response must not carry (the representation's own metadata). */
export const NOT_MODIFIED_DROPS = ['content-type', 'content-length', 'transfer-encoding'] as const;

/** The response's headers as stored: names lower-case, numbers as text, hop-by-hop and per-response headers left out. */
export function storableHeaders(res: ServerResponse): [string, string | string[]][] {
  const headers: OutgoingHttpHeaders = res.getHeaders();
  const perConnection = new Set(
    listMembers(headers.connection as string | undefined).map((name) => name.toLowerCase()),
  );
  const kept: [string, string | string[]][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || NEVER_STORED.has(name) || perConnection.has(name)) continue;
    kept.push([name, Array.isArray(value) ? value.map(String) : String(value)]);
  }
  return kept;
}

/** Applies the headers given to `writeHead` (an object, a flat raw list, or a list of pairs) with `setHeader`. */
export function applyHeaders(res: ServerResponse, headers: unknown): void {
  if (headers === undefined || headers === null) return;
  if (Array.isArray(headers)) {
    if (headers.every((item) => Array.isArray(item))) {
      for (const [name, value] of headers as [string, string][]) res.appendHeader(name, value);
      return;
    }
    for (let i = 0; i + 1 < headers.length; i += 2) {
      res.appendHeader(String(headers[i]), headers[i + 1] as string);
    }
    return;
  }
  if (typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
      if (value !== undefined) res.setHeader(name, value);
    }
  }
}
