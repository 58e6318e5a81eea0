import { FIRST_KEY } from '@cachex/core';
import { getTestServers, randomPrefix } from '@cachex/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStandaloneTransport, type StandaloneTransport } from '../src/index.js';

// Commands issued in one tick reach the socket in one write (one writev of every command), as
// node-redis does; a lone command is not held back. Without it, each command is a write of its
// own: Node completes a socket write synchronously when it can, so the next one is not queued
// behind it. The socket's writes are counted where the stream hands them to the OS.

interface Writes {
  /** One entry per write handed to the OS: how many chunks it carried. */
  readonly calls: number[];
}

/** Counts the writes of the driver client's socket (`_write`: one chunk, `_writev`: many). */
function countWrites(transport: StandaloneTransport): Writes {
  const stream = (transport.getClient() as unknown as { stream: Record<string, unknown> }).stream;
  const writes: Writes = { calls: [] };
  const single = stream._write as (...args: unknown[]) => unknown;
  const many = stream._writev as (...args: unknown[]) => unknown;
  stream._write = function (this: unknown, ...args: unknown[]) {
    writes.calls.push(1);
    return single.apply(this, args);
  };
  stream._writev = function (this: unknown, chunks: unknown[], ...rest: unknown[]) {
    writes.calls.push(chunks.length);
    return many.apply(this, [chunks, ...rest]);
  };
  return writes;
}

for (const driver of ['ioredis', 'iovalkey'] as const) {
  describe(`write coalescing (${driver})`, () => {
    let transport: StandaloneTransport;
    let writes: Writes;

    beforeAll(async () => {
      transport = createStandaloneTransport({
        location: getTestServers().standalone.url,
        driver,
      });
      await transport.command('PING', []);
      writes = countWrites(transport);
    });

    afterAll(async () => {
      await transport?.close();
    });

    it('200 commands issued in one tick go to the socket in one write', async () => {
      const prefix = randomPrefix();
      writes.calls.length = 0;
      const replies = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          transport.command('SET', [`${prefix}:${i}`, String(i)], { keys: FIRST_KEY }),
        ),
      );
      expect(replies.every((r) => String(r) === 'OK')).toBe(true);
      expect(writes.calls).toEqual([200]);
      writes.calls.length = 0;
      const values = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          transport.command('GET', [`${prefix}:${i}`], { keys: FIRST_KEY, read: true }),
        ),
      );
      expect(values.map(String)).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
      expect(writes.calls).toEqual([200]);
    });

    it('batches issued in the same tick share the write', async () => {
      const prefix = randomPrefix();
      writes.calls.length = 0;
      const [a, b] = await Promise.all([
        transport.batch([
          { commands: [{ name: 'SET', args: [`${prefix}:a`, '1'], keys: FIRST_KEY }] },
        ]),
        transport.command('SET', [`${prefix}:b`, '2'], { keys: FIRST_KEY }),
      ]);
      expect(a?.[0]?.ok).toBe(true);
      expect(String(b)).toBe('OK');
      expect(writes.calls.length).toBe(1);
    });

    it('a lone command goes out on its own, one write per tick', async () => {
      writes.calls.length = 0;
      for (let i = 0; i < 20; i++) expect(String(await transport.command('PING', []))).toBe('PONG');
      expect(writes.calls).toEqual(Array.from({ length: 20 }, () => 1));
    });
  });
}
