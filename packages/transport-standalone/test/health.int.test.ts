import { createCodec } from '@cachex/codecs';
import {
  type CachexError,
  createCache,
  isCachexError,
  type ReconnectingInfo,
  type TransportStatus,
} from '@cachex/core';
import { randomPrefix, startRedisServer, until } from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import { createStandaloneTransport } from '../src/index.js';

// The health contract on a private server: status, and the typed events through the cache.

describe('health: status and events', () => {
  it('connecting → ready → reconnecting → ready → closed, with typed events', async () => {
    const server = await startRedisServer({
      name: 'health',
      users: [{ username: 'app', password: 'health-secret-pw' }],
    });
    const transport = createStandaloneTransport({ location: server.url, socketTimeoutMs: 1000 });
    const cache = createCache({
      transport,
      codec: createCodec(),
      keyPrefix: randomPrefix(),
      ignoreExceptions: true,
    });
    const seen: string[] = [];
    const errors: CachexError[] = [];
    const reconnecting: ReconnectingInfo[] = [];
    const ignored: [CachexError, { method: string; key?: string }][] = [];
    const statuses: TransportStatus[] = [];
    cache
      .on('ready', () => seen.push('ready'))
      .on('close', () => seen.push('close'))
      .on('error', (error) => errors.push(error))
      .on('reconnecting', (info) => reconnecting.push(info))
      .on('ignoredError', (error, info) => ignored.push([error, info]));
    try {
      expect(cache.status).toBe('connecting');
      await cache.set('k', 1);
      expect(cache.status).toBe('ready');
      expect(seen).toEqual(['ready']);

      await server.kill();
      await until(() => cache.status === 'reconnecting');
      statuses.push(cache.status);
      await expect(cache.get('k', { default: 'fallback' })).resolves.toBe('fallback');
      expect(ignored.length).toBeGreaterThan(0);
      expect(ignored[0]![1]).toEqual({ method: 'get', key: 'k' });
      await until(() => reconnecting.length >= 2 && errors.length > 0);
      expect(reconnecting[0]).toMatchObject({ attempt: 1 });
      expect(typeof reconnecting[0]!.delayMs).toBe('number');
      expect(isCachexError(errors[0])).toBe(true);
      expect(errors[0]!.code).toBe('E_CONNECTION');
      const printed = JSON.stringify([errors, reconnecting, ignored.map(([e]) => e.message)]);
      expect(printed).not.toContain('health-secret-pw');

      await server.restart();
      await until(() => cache.status === 'ready', 5000);
      expect(seen).toEqual(['ready', 'ready']);
      // SIGKILL lost the data (no persistence): write and read again.
      await expect(cache.set('k', 2)).resolves.toBe(true);
      await expect(cache.get('k')).resolves.toBe(2);
    } finally {
      await cache.close();
      await server.stop();
    }
    expect(cache.status).toBe('closed');
    expect(seen.at(-1)).toBe('close');
    expect(statuses).toEqual(['reconnecting']);
  }, 30_000);

  it('off removes a listener', async () => {
    const transport = createStandaloneTransport({ location: 'redis://127.0.0.1:1/0' });
    const cache = createCache({ transport, codec: createCodec() });
    const calls: string[] = [];
    const listener = () => calls.push('close');
    cache.on('close', listener).off('close', listener);
    await cache.close();
    expect(calls).toEqual([]);
    expect(cache.status).toBe('closed');
  });
});
