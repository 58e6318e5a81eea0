import { describe, expect, it } from 'vitest';
import { SortedSet } from './sorted-set.js';

/** The obvious implementation, to compare the chunked one against. */
function model(entries: Map<string, number>): [string, number][] {
  return [...entries].sort(([m1, s1], [m2, s2]) =>
    s1 !== s2 ? s1 - s2 : m1 < m2 ? -1 : m1 > m2 ? 1 : 0,
  );
}

describe('SortedSet', () => {
  it('orders by score, then by member bytes', () => {
    const z = new SortedSet();
    z.set('b', 1);
    z.set('a', 1);
    z.set('c', 0);
    z.set('\xff', 1);
    z.set('-inf', Number.NEGATIVE_INFINITY);
    expect(z.slice(0, z.length).map(([m]) => m)).toEqual(['-inf', 'c', 'a', 'b', '\xff']);
    expect(z.rank('b')).toBe(3);
    expect(z.set('b', 1)).toBe(false);
    expect(z.set('b', -0)).toBe(false);
    expect(Object.is(z.score('b'), 0)).toBe(true);
  });

  it('agrees with a plain sorted array through thousands of random operations', () => {
    const z = new SortedSet();
    const entries = new Map<string, number>();
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let step = 0; step < 6000; step++) {
      const member = `m${Math.floor(random() * 3000)}`;
      const score = Math.floor(random() * 50);
      if (random() < 0.75) {
        expect(z.set(member, score)).toBe(!entries.has(member));
        entries.set(member, score);
      } else {
        expect(z.delete(member)).toBe(entries.delete(member));
      }
      if (step % 500 === 0 && entries.size > 10) {
        const start = Math.floor(random() * 10);
        const removed = z.removeRange(start, start + 5);
        expect(removed).toEqual(
          model(entries)
            .slice(start, start + 5)
            .map(([m]) => m),
        );
        for (const m of removed) entries.delete(m);
      }
    }
    const sorted = model(entries);
    expect(z.length).toBe(sorted.length);
    expect(z.slice(0, z.length)).toEqual(sorted);
    expect(z.slice(100, 700)).toEqual(sorted.slice(100, 700));
    for (const [i, [member]] of sorted.entries()) {
      if (i % 37 === 0) expect(z.rank(member)).toBe(i);
    }
    for (const score of [-1, 0, 10, 25, 49, 50]) {
      expect(z.lowerBound(score, false)).toBe(sorted.filter(([, s]) => s < score).length);
      expect(z.lowerBound(score, true)).toBe(sorted.filter(([, s]) => s <= score).length);
      expect(z.upperBound(score, false)).toBe(sorted.filter(([, s]) => s <= score).length);
      expect(z.upperBound(score, true)).toBe(sorted.filter(([, s]) => s < score).length);
    }
  });
});
