import { isUtf8 } from 'node:buffer';
import type { Request, Response } from 'express';
import { type Conditions, isNotModified, NOT_MODIFIED_DROPS, storableHeaders } from './http.js';

/** The cache's name in `Cache-Status` (RFC 9211). */
const CACHE_NAME = 'cachex';
const EMPTY = Buffer.alloc(0);

/** A response as stored: status, headers and body (text when it is UTF-8, else base64). */
export interface StoredResponse {
  v: 1;
  status: number;
  headers: [string, string | string[]][];
  body: string;
  encoding: 'utf8' | 'base64';
  /** When it was stored, unix milliseconds (for `Age`). */
  storedAt: number;
}

/** Sets `Cache-Status: cachex; <value>`. */
export function setCacheStatus(res: Response, value: string): void {
  res.setHeader('Cache-Status', `${CACHE_NAME}; ${value}`);
}

/** A 2xx status. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Whether a cached value is a response this middleware stored (not something else under the key). */
export function isStoredResponse(value: unknown): value is StoredResponse {
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
export function toEntry(req: Request, res: Response, body: Buffer): StoredResponse {
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
export type Send = (body?: Buffer) => void;

/** Answers 304 Not Modified: the headers stay, the representation's metadata and body go. */
export function sendNotModified(res: Response, send: Send): void {
  res.statusCode = 304;
  for (const name of NOT_MODIFIED_DROPS) res.removeHeader(name);
  send();
}

/** Sends a stored response, with `Age` from when it was stored. */
export function serve(
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
