/**
 * Where the cache reports what it does not throw (failures swallowed with `ignoreExceptions`).
 * The shape is pino's (and bunyan's, and many others'): an object of fields first, then an
 * optional message, so a pino logger (or a child of one) can be passed as it is.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const cache = createCache({ transport, codec, ignoreExceptions: true, logIgnoredExceptions: true, logger: pino() });
 * ```
 */
export interface CacheLogger {
  /** A failure the cache recovered from (a swallowed connection or timeout error). */
  warn(obj: object, msg?: string): void;
  /** A failure of the reporting itself (an `onIgnoredError` hook that threw). */
  error(obj: object, msg?: string): void;
}

/**
 * The logger used when none is given: the message and the fields on `console.warn` /
 * `console.error`, which Node prints with `util.inspect` (cachex errors hold no credentials).
 */
export function createConsoleLogger(): CacheLogger {
  return {
    warn(obj, msg) {
      console.warn(msg ?? 'cachex', obj);
    },
    error(obj, msg) {
      console.error(msg ?? 'cachex', obj);
    },
  };
}

/** True when `value` can serve as a {@link CacheLogger}. */
export function isCacheLogger(value: unknown): value is CacheLogger {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CacheLogger).warn === 'function' &&
    typeof (value as CacheLogger).error === 'function'
  );
}
