import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cache } from '@cachex/core';
import { getTestServers, randomPrefix } from '@cachex/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, get } from './http-helpers.js';

// The README's ```ts examples run as they are written, against the test server: together they
// make one app, in the README's order, written to a module next to this file and imported (so
// vitest resolves @cachex/* to the sources). Three substitutions: the test server's address for
// `redis://127.0.0.1:6379/0`, a fresh key prefix for `'myapp'`, and a free port (with the server
// exported) for `app.listen(3000, …)`.

const testDir = fileURLToPath(new URL('.', import.meta.url));
const readme = readFileSync(join(testDir, '..', 'README.md'), 'utf8');
const README_ADDRESS = 'redis://127.0.0.1:6379/0';
const README_PREFIX = "keyPrefix: 'myapp'";
const README_LISTEN = "app.listen(3000, () => console.log('listening on http://localhost:3000'));";

/** Every ```ts block of the README, each after its `<!-- example: name -->` marker, in order. */
function readmeExamples(text: string): { name: string; code: string }[] {
  const marked = /<!-- example: ([\w-]+) -->\s*```ts\n([\s\S]*?)\n```/g;
  const examples = [...text.matchAll(marked)].map(([, name, code]) => ({
    name: name ?? '',
    code: code ?? '',
  }));
  expect(examples.length, 'a ```ts block of the README without an example marker').toBe(
    text.match(/^```ts$/gm)?.length,
  );
  return examples;
}

/** One module of all the examples: their imports first (named imports of a module merged). */
function appModule(examples: { code: string }[], address: string, prefix: string): string {
  const defaults = new Map<string, string>();
  const named = new Map<string, Set<string>>();
  const body: string[] = [];
  for (const line of examples.flatMap((example) => example.code.split('\n'))) {
    const asDefault = /^import (\w+) from '([^']+)';$/.exec(line);
    const asNamed = /^import \{([^}]+)\} from '([^']+)';$/.exec(line);
    if (asDefault) defaults.set(asDefault[2]!, asDefault[1]!);
    else if (asNamed) {
      const set = named.get(asNamed[2]!) ?? new Set<string>();
      for (const name of asNamed[1]!.split(',')) if (name.trim()) set.add(name.trim());
      named.set(asNamed[2]!, set);
    } else if (line.startsWith('import ')) {
      throw new Error(`an import this test cannot merge: ${line}`);
    } else body.push(line);
  }
  const code = body.join('\n');
  for (const [needle, what] of [
    [README_ADDRESS, 'address'],
    [README_PREFIX, 'prefix'],
    [README_LISTEN, 'listen'],
  ]) {
    expect(code.includes(needle ?? ''), `the README's ${what}`).toBe(true);
  }
  return [
    ...[...defaults].map(([from, name]) => `import ${name} from '${from}';`),
    ...[...named].map(([from, set]) => `import { ${[...set].join(', ')} } from '${from}';`),
    code
      .replace(README_ADDRESS, address)
      .replace(README_PREFIX, `keyPrefix: '${prefix}'`)
      .replace(README_LISTEN, "export const server = app.listen(0, '127.0.0.1');"),
    'export { app, cache };',
  ].join('\n');
}

let dir: string;
let server: Server;
let cache: Cache;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(testDir, '.readme-'));
  const file = join(dir, 'app.ts');
  writeFileSync(
    file,
    appModule(readmeExamples(readme), getTestServers().standalone.url, randomPrefix()),
  );
  const loaded = (await import(file)) as { server: Server; cache: Cache };
  server = loaded.server;
  cache = loaded.cache;
  if (!server.listening) await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await cache?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('README examples, run as one app', () => {
  it('response caching: a hit the second time, a 404 never stored, invalidation by group', async () => {
    const first = await get(`${url}/products/1`);
    expect(JSON.parse(first.body)).toEqual({ id: '1', name: 'Teapot', price: 25 });
    expect(first.headers.get('cache-status')).toBe('cachex; fwd=miss; stored');
    const second = await get(`${url}/products/1`);
    expect(second.headers.get('cache-status')).toBe('cachex; hit');
    expect(second.headers.get('age')).not.toBeNull();
    const put = await fetch(`${url}/products/1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Kettle', price: 30 }),
    });
    expect(put.status).toBe(204);
    const updated = await get(`${url}/products/1`);
    expect(JSON.parse(updated.body)).toEqual({ id: '1', name: 'Kettle', price: 30 });
    expect(updated.headers.get('cache-status')).toBe('cachex; fwd=miss; stored');
    const missing = await get(`${url}/products/2`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-status')).toBe('cachex; fwd=miss; detail=status');
  });

  it('sessions and per-user pages', async () => {
    const jar = new CookieJar();
    expect(JSON.parse((await jar.get(`${url}/visits`)).body)).toEqual({ visits: 1 });
    expect(JSON.parse((await jar.get(`${url}/visits`)).body)).toEqual({ visits: 2 });
    const anonymous = await get(`${url}/account`);
    expect(anonymous.headers.get('cache-status')).toBe('cachex; fwd=bypass; detail=key');
    const login = await fetch(`${url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...jar.header() },
      body: JSON.stringify({ user: 'ada' }),
    });
    expect(login.status).toBe(200);
    jar.take(login.headers);
    const page = await jar.get(`${url}/account`);
    expect(JSON.parse(page.body).user).toBe('ada');
    expect(page.headers.get('cache-status')).toBe('cachex; fwd=miss; stored');
    const again = await jar.get(`${url}/account`);
    expect(again.body).toBe(page.body);
    expect(again.headers.get('cache-status')).toBe('cachex; hit');
    // The session is in the cache, with the cookie's lifetime (7 days).
    const [key] = await cache.keys('sess:*');
    expect(await cache.ttl(key!)).toBeGreaterThan(7 * 24 * 3600 - 60);
  });

  it('rate limiting: 5 checkouts a minute, then 429', async () => {
    for (let i = 4; i >= 0; i--) {
      const reply = await get(`${url}/checkout`, {}, 'POST');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('ratelimit-remaining')).toBe(String(i));
      expect(reply.headers.get('ratelimit-policy')).toBe('5;w=60');
    }
    const refused = await get(`${url}/checkout`, {}, 'POST');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
