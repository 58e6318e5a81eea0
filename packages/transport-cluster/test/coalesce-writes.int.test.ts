import { FIRST_KEY } from '@cachex/core';
import { randomPrefix } from '@cachex/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterTransport } from '../src/index.js';
import { clusterTransport } from './support.js';

// Commands to one node issued in one tick go to its socket in one write (one writev), on every
// node at once; single commands as well as batches.

interface NodeSocket {
  readonly options: { port?: number };
  readonly stream: Record<string, unknown>;
}

/** Counts the writes each primary's socket hands to the OS, by port. */
function countWrites(transport: ClusterTransport): Map<number, number[]> {
  const nodes = (transport.getClient() as unknown as { nodes(role: string): NodeSocket[] }).nodes(
    'master',
  );
  const writes = new Map<number, number[]>();
  for (const node of nodes) {
    const calls: number[] = [];
    writes.set(node.options.port ?? 0, calls);
    const { stream } = node;
    const single = stream._write as (...args: unknown[]) => unknown;
    const many = stream._writev as (...args: unknown[]) => unknown;
    stream._write = function (this: unknown, ...args: unknown[]) {
      calls.push(1);
      return single.apply(this, args);
    };
    stream._writev = function (this: unknown, chunks: unknown[], ...rest: unknown[]) {
      calls.push(chunks.length);
      return many.apply(this, [chunks, ...rest]);
    };
  }
  return writes;
}

for (const driver of ['ioredis', 'iovalkey'] as const) {
  describe(`write coalescing on a cluster (${driver})`, () => {
    let transport: ClusterTransport;
    let writes: Map<number, number[]>;

    beforeAll(async () => {
      transport = clusterTransport(driver);
      // Connect to every primary (one command per node), then watch their sockets.
      await transport.broadcast('PING', []);
      writes = countWrites(transport);
      expect(writes.size).toBe(3);
    });

    afterAll(async () => {
      await transport?.close();
    });

    const reset = () => {
      for (const calls of writes.values()) calls.length = 0;
    };

    it('300 commands over every node in one tick: one write per node', async () => {
      const prefix = randomPrefix({ spread: true });
      reset();
      const replies = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          transport.command('SET', [`${prefix}:${i}`, String(i)], { keys: FIRST_KEY }),
        ),
      );
      expect(replies.every((r) => String(r) === 'OK')).toBe(true);
      const perNode = [...writes.values()];
      expect(perNode.map((calls) => calls.length)).toEqual([1, 1, 1]);
      expect(perNode.reduce((sum, calls) => sum + (calls[0] ?? 0), 0)).toBe(300);
    });

    it('a batch over every node: one write per node', async () => {
      const prefix = randomPrefix({ spread: true });
      reset();
      const results = await transport.batch(
        Array.from({ length: 100 }, (_, i) => ({
          commands: [{ name: 'SET', args: [`${prefix}:${i}`, String(i)], keys: FIRST_KEY }],
        })),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect([...writes.values()].map((calls) => calls.length)).toEqual([1, 1, 1]);
    });
  });
}
