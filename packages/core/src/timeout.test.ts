import { describe, expect, it } from 'vitest';
import { isCachexError } from './errors.js';
import { resolveExpiry } from './timeout.js';

describe('resolveExpiry', () => {
  it('undefined takes the default', () => {
    expect(resolveExpiry(undefined, 300)).toEqual({ kind: 'expire', unit: 'EX', amount: 300 });
    expect(resolveExpiry(undefined, null)).toEqual({ kind: 'persist' });
  });
  it('null never expires', () => {
    expect(resolveExpiry(null, 300)).toEqual({ kind: 'persist' });
  });
  it('0 and negative delete', () => {
    expect(resolveExpiry(0, 300)).toEqual({ kind: 'delete' });
    expect(resolveExpiry(-5, 300)).toEqual({ kind: 'delete' });
  });
  it('fractions become milliseconds and are never truncated to delete', () => {
    expect(resolveExpiry(0.5, 300)).toEqual({ kind: 'expire', unit: 'PX', amount: 500 });
    expect(resolveExpiry(0.0001, 300)).toEqual({ kind: 'expire', unit: 'PX', amount: 1 });
    expect(resolveExpiry(5.25, 300)).toEqual({ kind: 'expire', unit: 'PX', amount: 5250 });
  });
  it('rejects NaN with a typed error', () => {
    try {
      resolveExpiry(Number.NaN, 300);
      expect.unreachable();
    } catch (error) {
      expect(isCachexError(error) && error.code).toBe('E_CONFIG');
    }
  });
});
