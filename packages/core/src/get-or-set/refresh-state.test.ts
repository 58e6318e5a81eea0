import { describe, expect, it } from 'vitest';
import { RefreshState } from './refresh-state.js';

describe('RefreshState', () => {
  it('backs off after a failure, doubling per failure in a row up to 16 times', () => {
    const state = new RefreshState();
    const waits = Array.from({ length: 7 }, () => state.failed('k', 100, 0));
    expect(waits).toEqual([100, 200, 400, 800, 1600, 1600, 1600]);
    expect(state.backingOff('k', 1599)).toBe(true);
    expect(state.backingOff('k', 1600)).toBe(false);
    expect(state.backingOff('other', 0)).toBe(false);
  });

  it('a success ends the backoff and records the duration', () => {
    const state = new RefreshState();
    state.failed('k', 1000, 0);
    state.succeeded('k', 42);
    expect(state.backingOff('k', 1)).toBe(false);
    expect(state.duration('k')).toBe(42);
    expect(state.failed('k', 1000, 0)).toBe(1000);
  });
});
