import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { createCodec } from '@cachex/codecs';
import { type CachexError, ConnectionError, createCache } from '@cachex/core';
import { findFreePort } from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import { createSentinelTransport } from '../src/index.js';

// A connection error says where the transport tried to connect (the master name and the
// sentinels) and why the sockets failed; never with a password (data node or sentinel).

const PASSWORD = `Sentinel-${randomBytes(8).toString('hex')}-Pw`;
const SENTINEL_PASSWORD = `SentinelAuth-${randomBytes(8).toString('hex')}-Pw`;

function renderings(error: unknown): string[] {
  return [
    String((error as Error).message),
    String(error),
    inspect(error, { showHidden: true, depth: 10 }),
    JSON.stringify(error),
    JSON.stringify((error as CachexError).context),
  ];
}

describe.each(['ioredis', 'iovalkey'] as const)('sentinel connection errors (%s)', (driver) => {
  it('sentinels on refused ports: the master name, the sentinels and ECONNREFUSED', async () => {
    const ports = [await findFreePort(), await findFreePort()];
    const transport = createSentinelTransport({
      location: `redis://:${PASSWORD}@mymaster/0`,
      sentinels: ports.map((port) => ['127.0.0.1', port] as [string, number]),
      sentinelPassword: SENTINEL_PASSWORD,
      driver,
      connectTimeoutMs: 2000,
      socketTimeoutMs: 2000,
    });
    const cache = createCache({ transport, codec: createCodec() });
    let error: CachexError | undefined;
    try {
      await cache.get('k');
    } catch (e) {
      error = e as CachexError;
    } finally {
      await cache.close();
    }
    expect(error).toBeInstanceOf(ConnectionError);
    const message = error!.message;
    expect(message).toContain('mymaster');
    for (const port of ports) expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toContain('ECONNREFUSED');
    expect(error!.context).toMatchObject({ key: 'k', socketError: 'ECONNREFUSED' });
    expect(String(error!.context.endpoint)).toContain('mymaster');
    for (const text of renderings(error)) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(SENTINEL_PASSWORD);
    }
  });
});
