import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Closers } from '@cachex/testing';
import type { Express } from 'express';

/** Starts `app` on a free loopback port, closed after the test; resolves its base URL. */
export async function listen(app: Express, closers: Closers): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.add(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** A response read whole. */
export interface Reply {
  status: number;
  headers: Headers;
  body: string;
}

/** GET (or another method) with Node's fetch; the body read as text. */
export async function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  const response = await fetch(url, { method, headers });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/**
 * A request through `node:http`, which (unlike fetch) lets the test choose the `Host` header:
 * two servers on two ports then see the same absolute URL.
 */
export function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A cookie jar for one client: keeps `name=value` of every Set-Cookie, sends them back. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Records the cookies a response sets. */
  take(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const pair = line.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  /** The Cookie header to send, or none. */
  header(): Record<string, string> {
    if (this.#cookies.size === 0) return {};
    return {
      cookie: [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    };
  }

  /** A request with the jar's cookies; the response's cookies are kept. */
  async get(url: string, method = 'GET'): Promise<Reply> {
    const reply = await get(url, this.header(), method);
    this.take(reply.headers);
    return reply;
  }
}
