import type { TimeoutOptions } from '../commands/options.js';
import { InvalidArgumentError } from '../errors.js';
import { MAX_TIMEOUT_SECONDS, resolveExpiry, type Timeout } from '../timeout.js';

/**
 * Who shares one factory call: `'process'` (concurrent calls in this process; each process
 * computes once) or `'cluster'` (every process on the same server: one computes under a lock,
 * the others wait for its value).
 */
export type SingleFlightMode = 'process' | 'cluster';

/**
 * Early refresh (XFetch, "optimal probabilistic cache stampede prevention"): while a value is
 * still fresh, each read starts a background refresh with a probability that rises as its
 * expiry nears, so that one reader refreshes it before it expires and nobody sees a miss.
 */
export interface EarlyRefreshOptions {
  /** Above 1 refreshes earlier, below 1 later (XFetch's beta). Default 1. */
  beta?: number;
  /**
   * Seconds a refresh is expected to take (XFetch's delta). Default: how long this key's
   * factory last took in this process, else a tenth of the timeout (at most 1 s).
   */
  delta?: number;
}

/** Limits on how long a caller waits for the factory. Seconds, fractions allowed. */
export interface FactoryTimeoutOptions {
  /**
   * When a stale value exists (see `grace`), a factory slower than this is not waited for: the
   * stale value is returned and the factory goes on in the background, storing its value.
   */
  soft?: number;
  /**
   * A factory slower than this is not waited for: the stale value is returned when one exists,
   * else the call rejects with a `FactoryTimeoutError`. The factory goes on and stores its value.
   */
  hard?: number;
}

/** Options of `getOrSet` (durations in seconds, fractions allowed). */
export interface GetOrSetOptions extends TimeoutOptions {
  /**
   * Seconds a value is kept beyond its timeout, to be served stale when the factory fails or
   * is slow (and right away with `staleWhileRevalidate`). The key's TTL on the server is
   * `timeout + grace`, as django-cachex's `stampede_prevention` buffer. Default 0.
   */
  grace?: number;
  /**
   * Within the grace period, return the stale value at once and refresh it in the background
   * (one refresh at a time). Default false: the caller waits for the refresh, and gets the
   * stale value only when the factory fails or passes `factoryTimeout.soft`.
   */
  staleWhileRevalidate?: boolean;
  /** Refresh values before they expire (XFetch), in the background. Default off. */
  earlyRefresh?: boolean | EarlyRefreshOptions;
  /** How long to wait for the factory: a number is the hard limit. Default: no limit. */
  factoryTimeout?: number | FactoryTimeoutOptions;
  /** Who shares one factory call (see {@link SingleFlightMode}). Default `'process'`. */
  singleFlight?: SingleFlightMode;
  /**
   * With `singleFlight: 'cluster'`: the lease of the lock the computing process holds, so a
   * process that died does not stall the others longer. Default: `factoryTimeout.hard`, else 10.
   */
  lockTimeout?: number;
  /**
   * After a failed refresh whose stale value was served, seconds before this process tries
   * the factory again for that key (doubling on each further failure, up to 16 times this);
   * meanwhile the stale value is served. Default 5.
   */
  graceBackoff?: number;
}

/** What `getOrSet` did to produce its value (see {@link GetOrSetResult}). */
export type GetOrSetStatus = 'hit' | 'miss' | 'stale' | 'refreshed';

/**
 * `getOrSet` with `{ meta: true }`: the value and how it was obtained, for HTTP layers
 * (`Cache-Status`, `Age`) and metrics.
 */
export interface GetOrSetResult<T> {
  value: T;
  /**
   * `hit`: fresh from the cache. `miss`: nothing usable was stored; the value was computed
   * (here, or by the call or process it waited for). `stale`: past its timeout, served within
   * the grace period (a refresh runs or failed). `refreshed`: a stale value was there and a
   * newly computed one replaced it before this call returned.
   */
  status: GetOrSetStatus;
  /**
   * When the value was computed (unix ms): exact for a value computed by this call, else
   * derived from the key's TTL and this call's `timeout`. `undefined` when it cannot be known
   * (a key without expiry).
   */
  createdAt: number | undefined;
  /**
   * When the value stops being fresh (unix ms); `null` for a key that never expires;
   * `undefined` when it was not stored (timeout 0, an unreachable cache, or `undefined`).
   */
  expiresAt: number | null | undefined;
}

/** {@link GetOrSetOptions} checked, in milliseconds. */
export interface ResolvedGetOrSet {
  version: number | undefined;
  /** The call's timeout as given (resolved against the default when writing). */
  timeout: Timeout;
  /** The fresh period in ms; `null` never expires, `0` not stored. */
  freshMs: number | null;
  graceMs: number;
  swr: boolean;
  early: { beta: number; deltaMs: number | undefined } | undefined;
  softMs: number | undefined;
  hardMs: number | undefined;
  cluster: boolean;
  lockMs: number;
  backoffMs: number;
  meta: boolean;
}

const NAMES = new Set([
  'version',
  'timeout',
  'grace',
  'staleWhileRevalidate',
  'earlyRefresh',
  'factoryTimeout',
  'singleFlight',
  'lockTimeout',
  'graceBackoff',
  'meta',
]);
/** The options `getManyOrSet` takes. */
const MANY_NAMES = new Set([
  'version',
  'timeout',
  'grace',
  'staleWhileRevalidate',
  'graceBackoff',
  'singleFlight',
  'lockTimeout',
]);
const DEFAULT_LOCK_SECONDS = 10;
const DEFAULT_BACKOFF_SECONDS = 5;

/** The call whose options are checked: named in messages (with its key, when it has one). */
interface Where {
  readonly method: 'getOrSet' | 'getManyOrSet';
  readonly key?: string;
}

function invalid(option: string, message: string, where: Where): InvalidArgumentError {
  return new InvalidArgumentError(`${where.method}: ${option} ${message}`, {
    context: where.key === undefined ? { option } : { key: where.key, option },
  });
}

/** A number option: finite and > 0 (or ≥ 0 with `zero`); `unit` is named in the message. */
function positive(
  value: unknown,
  option: string,
  where: Where,
  { zero = false, unit = ' of seconds' }: { zero?: boolean; unit?: string } = {},
): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (value === 0 && !zero) ||
    value > MAX_TIMEOUT_SECONDS
  ) {
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw invalid(
      option,
      `must be a ${zero ? 'non-negative' : 'positive'} number${unit}, got ${shown}`,
      where,
    );
  }
  return value;
}

/** A duration option in seconds, as milliseconds. */
function seconds(value: unknown, option: string, where: Where, zero = false): number | undefined {
  const s = positive(value, option, where, { zero });
  return s === undefined ? undefined : s * 1000;
}

function bool(value: unknown, option: string, where: Where): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw invalid(option, `must be a boolean, got ${String(value)}`, where);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveEarly(value: unknown, where: Where): ResolvedGetOrSet['early'] {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { beta: 1, deltaMs: undefined };
  if (!isObject(value)) {
    throw invalid('earlyRefresh', 'must be a boolean or { beta, delta }', where);
  }
  for (const name of Object.keys(value)) {
    if (name !== 'beta' && name !== 'delta')
      throw invalid(`earlyRefresh.${name}`, 'is not an option (beta, delta)', where);
  }
  return {
    beta: positive(value.beta, 'earlyRefresh.beta', where, { unit: '' }) ?? 1,
    deltaMs: seconds(value.delta, 'earlyRefresh.delta', where),
  };
}

function resolveFactoryTimeout(
  value: unknown,
  where: Where,
): [number | undefined, number | undefined] {
  if (value === undefined) return [undefined, undefined];
  if (typeof value === 'number') return [undefined, seconds(value, 'factoryTimeout', where)];
  if (!isObject(value)) {
    throw invalid('factoryTimeout', 'must be a number of seconds or { soft, hard }', where);
  }
  for (const name of Object.keys(value)) {
    if (name !== 'soft' && name !== 'hard')
      throw invalid(`factoryTimeout.${name}`, 'is not an option (soft, hard)', where);
  }
  const soft = seconds(value.soft, 'factoryTimeout.soft', where);
  const hard = seconds(value.hard, 'factoryTimeout.hard', where);
  if (soft !== undefined && hard !== undefined && soft > hard) {
    throw invalid('factoryTimeout.soft', 'must not be longer than factoryTimeout.hard', where);
  }
  return [soft, hard];
}

/**
 * Checks `getOrSet`'s options: each bad one is an `InvalidArgumentError` naming it, before
 * anything is sent. `defaultTimeout` is the cache's.
 */
export function resolveGetOrSetOptions(
  options: GetOrSetOptions & { meta?: boolean },
  key: string,
  defaultTimeout: number | null,
): ResolvedGetOrSet {
  return resolveOptions(options, { method: 'getOrSet', key }, NAMES, defaultTimeout);
}

function resolveOptions(
  options: GetOrSetOptions & { meta?: boolean },
  where: Where,
  names: ReadonlySet<string>,
  defaultTimeout: number | null,
): ResolvedGetOrSet {
  for (const name of Object.keys(options)) {
    if (!names.has(name)) {
      throw invalid(name, `is not an option of ${where.method} (${[...names].join(', ')})`, where);
    }
  }
  const expiry = resolveExpiry(options.timeout, defaultTimeout);
  const freshMs =
    expiry.kind === 'persist'
      ? null
      : expiry.kind === 'delete'
        ? 0
        : expiry.unit === 'EX'
          ? expiry.amount * 1000
          : expiry.amount;
  const graceMs = seconds(options.grace, 'grace', where, true) ?? 0;
  const [softMs, hardMs] = resolveFactoryTimeout(options.factoryTimeout, where);
  const mode = options.singleFlight ?? 'process';
  if (mode !== 'process' && mode !== 'cluster') {
    throw invalid('singleFlight', `must be 'process' or 'cluster', got ${String(mode)}`, where);
  }
  return {
    version: options.version,
    timeout: options.timeout,
    freshMs,
    // A key that never expires has nothing to be stale after.
    graceMs: freshMs === null ? 0 : graceMs,
    swr: bool(options.staleWhileRevalidate, 'staleWhileRevalidate', where),
    early: resolveEarly(options.earlyRefresh, where),
    softMs,
    hardMs,
    cluster: mode === 'cluster',
    lockMs:
      seconds(options.lockTimeout, 'lockTimeout', where) ?? hardMs ?? DEFAULT_LOCK_SECONDS * 1000,
    backoffMs:
      seconds(options.graceBackoff, 'graceBackoff', where, true) ?? DEFAULT_BACKOFF_SECONDS * 1000,
    meta: bool(options.meta, 'meta', where),
  };
}

/** Options of `getManyOrSet`: those of `getOrSet` that make sense for a batch. */
export type GetManyOrSetOptions = Pick<
  GetOrSetOptions,
  | 'version'
  | 'timeout'
  | 'grace'
  | 'staleWhileRevalidate'
  | 'graceBackoff'
  | 'singleFlight'
  | 'lockTimeout'
>;

/** Checks `getManyOrSet`'s options (see {@link resolveGetOrSetOptions}). */
export function resolveGetManyOrSetOptions(
  options: GetManyOrSetOptions,
  defaultTimeout: number | null,
): ResolvedGetOrSet {
  return resolveOptions(options, { method: 'getManyOrSet' }, MANY_NAMES, defaultTimeout);
}
