import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createCodec } from '@cachex/codecs';
import { type CachexError, ConnectionError, createCache, FIRST_KEY } from '@cachex/core';
import { findFreePort } from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import { createStandaloneTransport } from '../src/index.js';

// A connection error says where the transport tried to connect, and why the socket failed, in
// its message and its context; never with the password.

const PASSWORD = `Endpoint-${randomBytes(8).toString('hex')}-Pw`;

/** Every way an error can be printed or logged. */
function renderings(error: unknown): string[] {
  return [
    String((error as Error).message),
    String(error),
    inspect(error, { showHidden: true, depth: 10 }),
    JSON.stringify(error),
    JSON.stringify((error as CachexError).context),
  ];
}

/** `get` on a cache over `location`: the error it rejects with. */
async function getFails(location: string, driver: 'ioredis' | 'iovalkey'): Promise<CachexError> {
  const transport = createStandaloneTransport({
    location,
    driver,
    connectTimeoutMs: 2000,
    socketTimeoutMs: 2000,
  });
  const cache = createCache({ transport, codec: createCodec() });
  try {
    await cache.get('k');
  } catch (error) {
    return error as CachexError;
  } finally {
    await cache.close();
  }
  throw new Error('get succeeded');
}

describe.each(['ioredis', 'iovalkey'] as const)(
  'connection errors name the endpoint (%s)',
  (driver) => {
    it('a refused TCP port: host:port and ECONNREFUSED, not the password', async () => {
      // A port that was free a moment ago, closed again: nothing listens on it.
      const port = await findFreePort();
      const error = await getFails(`redis://cachex:${PASSWORD}@127.0.0.1:${port}/0`, driver);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.code).toBe('E_CONNECTION');
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.context).toMatchObject({
        key: 'k',
        endpoint: `127.0.0.1:${port}`,
        socketError: 'ECONNREFUSED',
        syscall: 'connect',
      });
      for (const text of renderings(error)) expect(text).not.toContain(PASSWORD);
      // The user name is no secret, and helps no one here: the endpoint is the host and port.
      expect(String(error.context.endpoint)).not.toContain('cachex@');
    });

    it('a unix socket path that does not exist: the path and ENOENT', async () => {
      const path = join(tmpdir(), `cachex-missing-${randomBytes(6).toString('hex')}.sock`);
      const error = await getFails(`unix://:${PASSWORD}@${path}?db=0`, driver);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.message).toContain(path);
      expect(error.message).toContain('ENOENT');
      expect(error.context).toMatchObject({ endpoint: path, socketError: 'ENOENT' });
      for (const text of renderings(error)) expect(text).not.toContain(PASSWORD);
    });

    it('raw commands and batch slots carry the endpoint too', async () => {
      const port = await findFreePort();
      const transport = createStandaloneTransport({
        location: `redis://:${PASSWORD}@127.0.0.1:${port}`,
        driver,
      });
      try {
        const command = await transport.command('GET', ['k']).then(
          () => undefined,
          (e: unknown) => e as CachexError,
        );
        expect(command?.message).toContain(`127.0.0.1:${port}`);
        expect(command?.context).toMatchObject({ endpoint: `127.0.0.1:${port}` });
        const results = await transport.batch([
          { commands: [{ name: 'GET', keys: FIRST_KEY, args: ['a'] }] },
          {
            commands: [
              { name: 'SET', keys: FIRST_KEY, args: ['b', '1'] },
              { name: 'GET', keys: FIRST_KEY, args: ['b'] },
            ],
            atomic: true,
          },
        ]);
        for (const result of results) {
          expect(result.ok).toBe(false);
          if (result.ok) continue;
          expect(result.error.code).toBe('E_CONNECTION');
          expect(result.error.message).toContain(`127.0.0.1:${port}`);
          expect(result.error.context.endpoint).toBe(`127.0.0.1:${port}`);
          for (const text of renderings(result.error)) expect(text).not.toContain(PASSWORD);
        }
      } finally {
        await transport.close();
      }
    });
  },
);
