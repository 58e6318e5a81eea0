import { describe, expect, it } from 'vitest';
import { isCachexError } from './errors.js';
import { MAX_TIMEOUT_SECONDS, resolveExpiry, validateDefaultTimeout } from './timeout.js';

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
  it('rejects NaN and non-numbers with an InvalidArgumentError', () => {
    for (const bad of [Number.NaN, '60', {}]) {
      try {
        resolveExpiry(bad as number, 300);
        expect.unreachable();
      } catch (error) {
        expect(isCachexError(error) && error.code).toBe('E_INVALID_ARGUMENT');
      }
    }
  });
  it('accepts up to 2^53 - 1 ms, refuses beyond; Infinity never expires', () => {
    expect(resolveExpiry(MAX_TIMEOUT_SECONDS, 300)).toEqual({
      kind: 'expire',
      unit: 'EX',
      amount: MAX_TIMEOUT_SECONDS,
    });
    expect(() => resolveExpiry(MAX_TIMEOUT_SECONDS + 1, 300)).toThrow(/too large/);
    expect(resolveExpiry(Number.POSITIVE_INFINITY, 300)).toEqual({ kind: 'persist' });
  });
  it('a default timeout out of bounds is a ConfigError at creation', () => {
    expect(() => validateDefaultTimeout(1e20)).toThrow(/too large/);
    expect(validateDefaultTimeout(null)).toBeNull();
  });
});
