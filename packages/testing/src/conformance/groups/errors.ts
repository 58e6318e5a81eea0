import { ClosedError, InvalidKeyError, NotIntegerError, WrongTypeError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.js';

export function errorGroup(h: Harness): void {
  describe('errors', () => {
    it('WRONGTYPE replies are WrongTypeErrors; set overwrites a collection', async () => {
      const cache = await h.cache();
      await h.raw(cache, 'LPUSH', cache.makeKey('list'), 'x');
      const error = await cache.get('list').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongTypeError);
      expect((error as WrongTypeError).code).toBe('E_WRONGTYPE');
      expect((error as WrongTypeError).key).toBe('list');
      expect(await cache.set('list', 'now a string')).toBe(true);
      expect(await cache.get('list')).toBe('now a string');
    });

    it('incr on a non-integer value is a NotIntegerError and the value is unchanged', async () => {
      const cache = await h.cache();
      await cache.set('s', 'text');
      await expect(cache.incr('s')).rejects.toBeInstanceOf(NotIntegerError);
      await cache.set('f', 1.5);
      await expect(cache.incr('f')).rejects.toBeInstanceOf(NotIntegerError);
      expect(await cache.get('s')).toBe('text');
    });

    it('invalid keys are rejected before any I/O', async () => {
      const cache = await h.cache();
      await expect(cache.set('bad\nkey', 1)).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(cache.get(42 as unknown as string)).rejects.toBeInstanceOf(InvalidKeyError);
    });

    it('calls after close reject with a ClosedError', async () => {
      const cache = await h.cache();
      await cache.set('k', 1);
      await cache.close();
      const error = await cache.get('k').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClosedError);
      expect((error as ClosedError).code).toBe('E_CLOSED');
    });
  });
}
