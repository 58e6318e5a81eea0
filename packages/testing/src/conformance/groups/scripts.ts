import { createScript, type Script } from '@cachex/core';
import { scriptCommand, step } from '@cachex/core/internal';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';

// The transport's script primitive: a command carrying its script runs by SHA (EVALSHA), is
// loaded where the node does not have it, and runs in process on the memory transport.

const INCRBY = createScript("return redis.call('INCRBY', KEYS[1], ARGV[1])", {
  local: ({ keys, args, call }) => call('INCRBY', keys[0]!, args[0]!),
});
const ANSWER = createScript('return 42', { local: () => 42 });

function run(script: Script, keys: string[], args: (string | number)[]) {
  return step(scriptCommand(script, keys, args), (reply) => reply);
}

export function scriptGroup(h: Harness): void {
  describe('scripts (the transport primitive)', () => {
    it('runs by SHA, with keys and args, on the node owning the key', async () => {
      const cache = await h.cache();
      expect(await cache.run(() => run(ANSWER, [], []))).toBe(42);
      const key = cache.makeKey('n');
      expect(await cache.run(() => run(INCRBY, [key], [10]))).toBe(10);
      expect(await cache.run(() => run(INCRBY, [key], [5]))).toBe(15);
      expect(await cache.get('n')).toBe(15);
    });

    it('survives SCRIPT FLUSH: the script is loaded again where it is missing', async () => {
      const cache = await h.cache();
      const key = cache.makeKey('n');
      expect(await cache.run(() => run(INCRBY, [key], [1]))).toBe(1);
      await cache.context.transport.broadcast('SCRIPT', ['FLUSH']).catch(() => []);
      expect(await cache.run(() => run(INCRBY, [key], [1]))).toBe(2);
      await cache.context.transport.broadcast('SCRIPT', ['FLUSH']).catch(() => []);
      const results = await cache
        .pipeline()
        .queue(() => run(INCRBY, [key], [1]))
        .get('n')
        .exec();
      expect(results).toEqual([3, 3]);
    });

    it('runs inside a transaction after a flush too (loaded before the block)', async () => {
      const cache = await h.cache();
      const key = cache.makeKey('n');
      await cache.context.transport.broadcast('SCRIPT', ['FLUSH']).catch(() => []);
      const results = await cache
        .pipeline({ transaction: true })
        .set('n', 5)
        .queue(() => run(INCRBY, [key], [2]))
        .get('n')
        .exec();
      expect(results).toEqual([true, 7, 7]);
    });
  });
}
