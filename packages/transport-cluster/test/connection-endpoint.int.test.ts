import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { createCodec } from '@cachex/codecs';
import { type CachexError, ConnectionError, createCache, FIRST_KEY } from '@cachex/core';
import { findFreePort } from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import { createClusterTransport } from '../src/index.js';

// A connection error says where the transport tried to connect (the startup nodes, and the node
// whose socket failed) and why; never with the password.

const PASSWORD = `Cluster-${randomBytes(8).toString('hex')}-Pw`;

function renderings(error: unknown): string[] {
  return [
    String((error as Error).message),
    String(error),
    inspect(error, { showHidden: true, depth: 10 }),
    JSON.stringify(error),
    JSON.stringify((error as CachexError).context),
  ];
}

describe.each(['ioredis', 'iovalkey'] as const)('cluster connection errors (%s)', (driver) => {
  it('refused startup nodes: the nodes and ECONNREFUSED, for a get and a batch', async () => {
    const ports = [await findFreePort(), await findFreePort()];
    const transport = createClusterTransport({
      location: ports.map((port) => `redis://:${PASSWORD}@127.0.0.1:${port}`),
      driver,
      connectTimeoutMs: 2000,
      socketTimeoutMs: 2000,
    });
    const cache = createCache({ transport, codec: createCodec() });
    const errors: CachexError[] = [];
    try {
      await cache.get('k').catch((e: unknown) => errors.push(e as CachexError));
      const results = await transport.batch([
        { commands: [{ name: 'GET', keys: FIRST_KEY, args: ['a'] }] },
      ]);
      for (const result of results) if (!result.ok) errors.push(result.error);
    } finally {
      await cache.close();
    }
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toBeInstanceOf(ConnectionError);
      for (const port of ports) expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.context).toMatchObject({ socketError: 'ECONNREFUSED' });
      expect(String(error.context.endpoint)).toContain(`127.0.0.1:${ports[0]}`);
      for (const text of renderings(error)) expect(text).not.toContain(PASSWORD);
    }
    expect(errors[0]!.context.key).toBe('k');
  });
});
