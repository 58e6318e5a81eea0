import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { ConfigError, NotSupportedError } from '@cachex/core';
import { getTestServers, randomPrefix } from '@cachex/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type CachexCache, createCache } from '../src/index.js';

const opened: CachexCache[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((cache) => cache.close()));
});

/** A loopback port nothing listens on: connections to it are refused at once. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

function open(...args: Parameters<typeof createCache>): CachexCache {
  const cache = createCache(...args);
  opened.push(cache);
  return cache;
}

/** The options the driver client was built with. */
interface ClientWithOptions {
  options: Record<string, unknown>;
  getBuffer(key: string): Promise<Buffer | null>;
}

describe('createCache maps the configuration onto the transport and the cache', () => {
  it('nearCache from the configuration: values are held in process and kept coherent', async () => {
    const cache = open({
      location: getTestServers().standalone.url,
      keyPrefix: randomPrefix(),
      nearCache: { maxEntries: 100, ttl: 30 },
    });
    await cache.get('warm-up');
    for (let i = 0; i < 100 && cache.nearCacheStats()?.tracking !== true; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(cache.nearCacheStats()?.tracking).toBe(true);
    await cache.set('k', { v: 1 });
    expect(await cache.get('k')).toEqual({ v: 1 });
    expect(await cache.get('k')).toEqual({ v: 1 });
    expect(cache.nearCacheStats()?.hits).toBe(1);
    await cache.set('k', { v: 2 });
    expect(await cache.get('k')).toEqual({ v: 2 });
  });

  it('turns seconds into milliseconds, and passes db and clientOptions on', () => {
    const connectionName = `cx-all-${randomBytes(4).toString('hex')}`;
    const cache = open({
      location: getTestServers().standalone.url,
      socketConnectTimeout: 2.5,
      socketTimeout: 1.5,
      db: 3,
      clientOptions: { connectionName },
    });
    const { options } = cache.getClient<ClientWithOptions>();
    expect(options.connectTimeout).toBe(2500);
    expect(options.commandTimeout).toBe(1500);
    expect(options.db).toBe(3);
    expect(options.connectionName).toBe(connectionName);
  });

  it('passes maxConnections on: with 1, blocking commands cannot run', async () => {
    const cache = open({ location: getTestServers().standalone.url, maxConnections: 1 });
    await expect(cache.blpop([`${randomPrefix()}:q`], { timeout: 0.1 })).rejects.toBeInstanceOf(
      NotSupportedError,
    );
  });

  it('sends the credentials given as options (not in the URL)', async () => {
    const { acl } = getTestServers();
    const cache = open({
      location: `redis://${acl.host}:${acl.port}`,
      username: acl.username,
      password: acl.password,
      keyPrefix: randomPrefix(),
    });
    await expect(cache.set('k', 1)).resolves.toBe(true);
    await expect(cache.get('k')).resolves.toBe(1);
    await cache.delete('k');
  });

  it('builds the codec: serializer, compressor and minLength', async () => {
    const keyPrefix = randomPrefix();
    const cache = open({
      location: getTestServers().standalone.url,
      keyPrefix,
      version: 7,
      serializer: 'msgpack',
      compressor: 'zlib',
      minLength: 0,
    });
    await cache.set('doc', { text: 'x'.repeat(100) });
    const stored = await cache.getClient<ClientWithOptions>().getBuffer(cache.makeKey('doc'));
    expect(cache.makeKey('doc')).toBe(`${keyPrefix}:7:doc`);
    // zlib's header byte: the value went through the compressor.
    expect(stored?.[0]).toBe(0x78);
    await expect(cache.get('doc')).resolves.toEqual({ text: 'x'.repeat(100) });
    await cache.delete('doc');
  });

  it('reads TLS files (caFile, certFile, keyFile) when the cache is created', async () => {
    const { tls } = getTestServers();
    const cache = open({
      location: tls.url,
      tls: { caFile: tls.caFile, certFile: tls.certFile, keyFile: tls.keyFile },
      keyPrefix: randomPrefix(),
    });
    const client = cache.getClient<{ options: { tls: { ca: Buffer; cert: Buffer } } }>();
    expect(client.options.tls.ca.toString()).toBe(tls.ca);
    expect(client.options.tls.cert.toString()).toBe(tls.cert);
    await expect(cache.set('k', 'v')).resolves.toBe(true);
    await expect(cache.get('k')).resolves.toBe('v');
    await cache.delete('k');
  });

  it('names the field of an unreadable TLS file in a ConfigError', () => {
    const missing = `/nonexistent/${randomBytes(4).toString('hex')}/ca.pem`;
    const attempt = () =>
      createCache({ location: getTestServers().tls.url, tls: { caFile: missing } });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/tls\.caFile/);
    expect(attempt).toThrow(missing);
  });

  it('uses an already resolved configuration as it is', async () => {
    const { resolveCacheConfig } = await import('../src/index.js');
    const keyPrefix = randomPrefix();
    const resolved = resolveCacheConfig({ backend: 'memory', keyPrefix, timeout: 42 });
    const cache = open(resolved);
    expect(cache.keyPrefix).toBe(keyPrefix);
    expect(cache.context.defaultTimeout).toBe(42);
  });

  it('refuses an invalid configuration with a ConfigError naming the field', () => {
    const attempt = () => createCache({ location: getTestServers().standalone.url, timeout: -1 });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/timeout/);
  });

  it('hands the fail-open options to the cache: a server that is down reads as a miss, logged', async () => {
    const port = await refusedPort();
    const warnings: Array<{ obj: object; msg: string | undefined }> = [];
    const logger = {
      warn: (obj: object, msg?: string) => warnings.push({ obj, msg }),
      error: () => {},
    };
    const cache = open({
      location: `redis://127.0.0.1:${port}`,
      ignoreExceptions: true,
      logIgnoredExceptions: true,
      logger,
      socketConnectTimeout: 0.5,
    });
    await expect(cache.get('k')).resolves.toBeUndefined();
    await expect(cache.get('k', { default: 'fallback' })).resolves.toBe('fallback');
    await expect(cache.set('k', 1)).resolves.toBe(false);
    expect(warnings.length).toBeGreaterThanOrEqual(3);
    expect(warnings[0]?.msg).toMatch(/cachex: ignored E_\w+ in get/);
  });

  it('without ignoreExceptions, a server that is down is a ConnectionError', async () => {
    const port = await refusedPort();
    const cache = open({ location: `redis://127.0.0.1:${port}`, socketConnectTimeout: 0.5 });
    await expect(cache.get('k')).rejects.toMatchObject({ code: 'E_CONNECTION' });
  });
});
