import { describe, expect, it } from 'vitest';
import { defaultDeltaMs, refreshEarly } from './xfetch.js';

describe('refreshEarly (XFetch)', () => {
  it('refreshes when freshLeft <= delta * beta * -ln(U)', () => {
    // U = 1 - random(): random() = 1 - e^-1 gives -ln(U) = 1.
    const r = () => 1 - Math.exp(-1);
    expect(refreshEarly(900, 1000, 1, 60_000, r)).toBe(true);
    expect(refreshEarly(3100, 1000, 3, 60_000, r)).toBe(false);
    expect(refreshEarly(2900, 1000, 3, 60_000, r)).toBe(true);
  });

  it('random() = 0 never refreshes by the draw (no log(0) crash), only within the floor', () => {
    expect(refreshEarly(10_000, 1000, 1, 60_000, () => 0)).toBe(false);
    expect(refreshEarly(2_999, 1000, 1, 60_000, () => 0)).toBe(true);
  });

  it('always refreshes in the last max(3 delta, 100 ms), at most a quarter of the fresh period', () => {
    const never = () => 0;
    expect(refreshEarly(99, 1, 1, 60_000, never)).toBe(true);
    expect(refreshEarly(101, 1, 1, 60_000, never)).toBe(false);
    expect(refreshEarly(2_999, 1000, 1, 60_000, never)).toBe(true);
    // A quarter of 4 s caps the 3 s window at 1 s.
    expect(refreshEarly(1_001, 1000, 1, 4_000, never)).toBe(false);
    expect(refreshEarly(999, 1000, 1, 4_000, never)).toBe(true);
  });

  it('the chance rises as expiry nears', () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    const rate = (left: number) => {
      let n = 0;
      for (let i = 0; i < 10_000; i++) if (refreshEarly(left, 200, 1, 600_000, random)) n++;
      return n / 10_000;
    };
    // P = exp(-left / (delta * beta)).
    expect(rate(1000)).toBeCloseTo(Math.exp(-5), 2);
    expect(rate(700)).toBeGreaterThan(rate(1000));
  });

  it('defaultDeltaMs: a tenth of the fresh period, at most 1 s', () => {
    expect(defaultDeltaMs(500)).toBe(50);
    expect(defaultDeltaMs(300_000)).toBe(1000);
  });
});
