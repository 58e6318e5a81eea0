import { describe, expect, it } from 'vitest';
import { mapMaybe } from './encoding.js';

describe('mapMaybe', () => {
  it('stays synchronous when no result is a promise: an array comes back, not a promise', () => {
    const out = mapMaybe([1, 2, 3], (n, i) => n * 10 + i);
    expect(out).toEqual([10, 21, 32]);
    expect(out).not.toBeInstanceOf(Promise);
  });

  it('goes asynchronous from the first promise on, keeping the order', async () => {
    const calls: number[] = [];
    const out = mapMaybe([1, 2, 3, 4], (n) => {
      calls.push(n);
      return n % 2 === 0 ? Promise.resolve(n * 100) : n;
    });
    expect(out).toBeInstanceOf(Promise);
    // Items before the first promise were mapped at once; later ones wait for it (in order).
    expect(calls).toEqual([1, 2]);
    await expect(out).resolves.toEqual([1, 200, 3, 400]);
    expect(calls).toEqual([1, 2, 3, 4]);
  });

  it('a rejected item rejects the whole map and later items are not mapped', async () => {
    const calls: number[] = [];
    const out = mapMaybe([1, 2, 3], (n) => {
      calls.push(n);
      return n === 2 ? Promise.reject(new Error('bad 2')) : n;
    });
    await expect(out).rejects.toThrow('bad 2');
    expect(calls).toEqual([1, 2]);
  });

  it('a synchronous throw propagates as a throw (the step turns it into a rejection)', () => {
    expect(() =>
      mapMaybe([1], () => {
        throw new Error('sync');
      }),
    ).toThrow('sync');
  });

  it('an empty list gives an empty array', () => {
    expect(mapMaybe([], () => 1)).toEqual([]);
  });
});
