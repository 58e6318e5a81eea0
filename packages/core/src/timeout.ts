import { ConfigError, InvalidArgumentError } from './errors.js';

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

/**
 * The longest timeout accepted, in milliseconds: the largest integer JavaScript holds exactly
 * (2^53 − 1 ms, about 285,000 years). Redis accepts up to about 2^63 ms, so anything within
 * this bound is sent as is; beyond it, the client refuses rather than send a rounded number.
 */
export const MAX_TIMEOUT_MS = Number.MAX_SAFE_INTEGER;

/** The longest timeout accepted, in seconds (see {@link MAX_TIMEOUT_MS}). */
export const MAX_TIMEOUT_SECONDS = Math.floor(MAX_TIMEOUT_MS / 1000);

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Checks a number of seconds or milliseconds for a TTL command: finite and within the bound.
 * Throws an {@link InvalidArgumentError} naming `what`.
 */
export function checkDuration(value: unknown, unit: 's' | 'ms', what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`${what} must be a finite number, got ${describe(value)}`);
  }
  const max = unit === 's' ? MAX_TIMEOUT_SECONDS : MAX_TIMEOUT_MS;
  if (value > max) {
    throw new InvalidArgumentError(
      `${what} ${value} ${unit} is too large (at most ${max} ${unit}, about 285,000 years; use null or persist() for no expiry)`,
    );
  }
  return value;
}

function checkTimeout(t: number | null): Expiry {
  if (t === null || t === Number.POSITIVE_INFINITY) return PERSIST;
  if (t <= 0) return DELETE;
  checkDuration(t, 's', 'timeout');
  if (Number.isInteger(t)) return { kind: 'expire', unit: 'EX', amount: t };
  return { kind: 'expire', unit: 'PX', amount: Math.max(1, Math.ceil(t * 1000)) };
}

/**
 * Resolves a timeout against the cache default. Whole seconds are sent as `EX n`; fractions as
 * `PX ms` (rounded up to at least 1 ms, so 0.5 s is never truncated to "delete"). `Infinity`
 * means no expiry, like `null`. Throws an {@link InvalidArgumentError} for anything that is not
 * a number or null, and for timeouts beyond {@link MAX_TIMEOUT_SECONDS}.
 */
export function resolveExpiry(timeout: Timeout, defaultTimeout: number | null): Expiry {
  const t = timeout === undefined ? defaultTimeout : timeout;
  if (t !== null && (typeof t !== 'number' || Number.isNaN(t))) {
    throw new InvalidArgumentError(
      `timeout must be a number of seconds or null, got ${describe(t)}`,
      { context: { option: 'timeout' } },
    );
  }
  return checkTimeout(t);
}

/** Checks a default timeout option when a cache is created (a `ConfigError` naming the field). */
export function validateDefaultTimeout(timeout: unknown): number | null {
  if (timeout === null) return null;
  if (typeof timeout !== 'number' || Number.isNaN(timeout)) {
    throw new ConfigError('timeout must be a number of seconds or null', {
      context: { field: 'timeout' },
    });
  }
  try {
    checkTimeout(timeout);
  } catch (error) {
    throw new ConfigError((error as Error).message, { context: { field: 'timeout' } });
  }
  return timeout;
}
