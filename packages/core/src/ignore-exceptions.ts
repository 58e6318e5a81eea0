import { type CachexError, ConfigError, isCachexError } from './errors.js';
import {
  type CacheMethodName,
  IGNORED_CODES,
  IGNORED_RESULTS,
  type IgnoredResult,
} from './ignored-results.js';
import { type CacheLogger, createConsoleLogger, isCacheLogger } from './logger.js';

/** What `onIgnoredError` (and the log line) is told about a swallowed failure. */
export interface IgnoredErrorInfo {
  /** The Cache method that failed, e.g. `get`. */
  method: string;
  /** The user key, when the failure concerns one. */
  key?: string;
}

/** The failure-handling options of a cache, as `createCache` takes them. */
export interface FailurePolicyOptions {
  ignoreExceptions?: boolean;
  logIgnoredExceptions?: boolean;
  logger?: CacheLogger;
  onIgnoredError?: (error: CachexError, info: IgnoredErrorInfo) => void;
  retryOnTimeout?: boolean;
}

/** How one cache treats failed calls: which it swallows, how it reports them, what it resends. */
export interface FailurePolicy {
  /** Resend a read-only step once when it timed out. */
  readonly retryOnTimeout: boolean;
  /** Whether any failure may be swallowed (`ignoreExceptions`); when false, `recover` rethrows. */
  readonly ignoreExceptions: boolean;
  /**
   * Swallows `error` if the cache ignores it (a connection or timeout failure with
   * `ignoreExceptions`): reports it and returns; otherwise throws it again.
   */
  swallow(error: unknown, method: string): asserts error is CachexError;
  /**
   * The result `method` resolves instead of failing with `error` (see {@link IGNORED_RESULTS}),
   * or `error` thrown again when it is not ignored or the method has no neutral result.
   */
  recover(method: string, args: readonly unknown[], error: unknown): unknown;
}

/** True for the failures `ignoreExceptions` swallows: E_CONNECTION and E_TIMEOUT. */
export function isIgnorableError(error: unknown): error is CachexError {
  return isCachexError(error) && IGNORED_CODES.has(error.code);
}

function booleanOption(options: FailurePolicyOptions, field: keyof FailurePolicyOptions): boolean {
  const value = options[field];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new ConfigError(`${field} must be a boolean`, { context: { field } });
  }
  return value;
}

function resultOf(method: string): IgnoredResult | undefined {
  return Object.hasOwn(IGNORED_RESULTS, method)
    ? IGNORED_RESULTS[method as CacheMethodName]
    : undefined;
}

/**
 * Builds a cache's failure policy from its options, checking them (a `ConfigError` naming the
 * field for a non-boolean flag, a logger without `warn`/`error`, a hook that is no function).
 * `onIgnored`, when given, is told of every swallowed failure too (the cache's `ignoredError`
 * event).
 */
export function createFailurePolicy(
  options: FailurePolicyOptions,
  onIgnored?: (error: CachexError, info: IgnoredErrorInfo) => void,
): FailurePolicy {
  const ignoreExceptions = booleanOption(options, 'ignoreExceptions');
  const logIgnored = booleanOption(options, 'logIgnoredExceptions');
  const retryOnTimeout = booleanOption(options, 'retryOnTimeout');
  if (options.logger !== undefined && !isCacheLogger(options.logger)) {
    throw new ConfigError('logger must have warn(obj, msg) and error(obj, msg) methods', {
      context: { field: 'logger' },
    });
  }
  const hook = options.onIgnoredError;
  if (hook !== undefined && typeof hook !== 'function') {
    throw new ConfigError('onIgnoredError must be a function', {
      context: { field: 'onIgnoredError' },
    });
  }
  const logger = options.logger ?? createConsoleLogger();

  // Reporting never turns a swallowed failure back into a rejection: a logger or hook that
  // throws is itself reported (hook) or dropped (logger), and the call still resolves.
  const report = (error: CachexError, method: string): void => {
    const key = error.context.key;
    const info: IgnoredErrorInfo = key === undefined ? { method } : { method, key };
    if (logIgnored) {
      try {
        logger.warn(
          { err: error, ...info, code: error.code },
          `cachex: ignored ${error.code} in ${method}`,
        );
      } catch {
        // A broken logger must not break the call it reports on.
      }
    }
    // The cache's `ignoredError` event; its emitter already shields the call from listeners.
    onIgnored?.(error, info);
    if (hook === undefined) return;
    try {
      hook(error, info);
    } catch (hookError) {
      try {
        logger.error({ err: hookError, method }, 'cachex: onIgnoredError threw');
      } catch {
        // As above.
      }
    }
  };

  function swallow(error: unknown, method: string): asserts error is CachexError {
    if (!ignoreExceptions || !isIgnorableError(error)) throw error;
    report(error, method);
  }

  return {
    retryOnTimeout,
    ignoreExceptions,
    swallow,
    recover(method, args, error) {
      const result = resultOf(method);
      if (typeof result !== 'function') throw error;
      swallow(error, method);
      return result(args);
    },
  };
}
