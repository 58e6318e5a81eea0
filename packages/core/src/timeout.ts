import { ConfigError } from './errors.js';

/**
 * A timeout in seconds as the API takes it: `undefined` = the cache default, `null` = never
 * expires, `0` or negative = expire now (the key is removed), fractions allowed.
 */
export type Timeout = number | null | undefined;

/** What a resolved timeout means for a write. */
export type Expiry =
  | { readonly kind: 'persist' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'expire'; readonly unit: 'EX' | 'PX'; readonly amount: number };

const PERSIST: Expiry = { kind: 'persist' };
const DELETE: Expiry = { kind: 'delete' };
// Redis rejects expirations beyond 2^63 ms; this is far below that and far beyond any real TTL.
const MAX_SECONDS = 100 * 365 * 24 * 3600;

/**
 * Resolves a timeout against the cache default. Whole seconds are sent as `EX n`; fractions as
 * `PX ms` (rounded up to at least 1 ms, so 0.5 s is never truncated to "delete").
 */
export function resolveExpiry(timeout: Timeout, defaultTimeout: number | null): Expiry {
  const t = timeout === undefined ? defaultTimeout : timeout;
  if (t === null) return PERSIST;
  if (typeof t !== 'number' || Number.isNaN(t)) {
    throw new ConfigError(`timeout must be a number of seconds or null, got ${String(t)}`, {
      context: { field: 'timeout' },
    });
  }
  if (t <= 0) return DELETE;
  if (t === Number.POSITIVE_INFINITY) return PERSIST;
  if (t > MAX_SECONDS) {
    throw new ConfigError(
      `timeout ${t} s is too large (max ${MAX_SECONDS} s; use null for no expiry)`,
      { context: { field: 'timeout' } },
    );
  }
  if (Number.isInteger(t)) return { kind: 'expire', unit: 'EX', amount: t };
  return { kind: 'expire', unit: 'PX', amount: Math.max(1, Math.ceil(t * 1000)) };
}

/** Checks a default timeout option when a cache is created. */
export function validateDefaultTimeout(timeout: unknown): number | null {
  if (timeout === null) return null;
  if (typeof timeout !== 'number' || Number.isNaN(timeout)) {
    throw new ConfigError('timeout must be a number of seconds or null', {
      context: { field: 'timeout' },
    });
  }
  return timeout;
}
