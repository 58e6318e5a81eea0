import type { CircuitBreakerOptions } from './circuit-breaker.js';
import type { CachexError } from './errors.js';
import type { IgnoredErrorInfo } from './ignore-exceptions.js';
import type { KeyFunction, ReverseKeyFunction } from './key-function.js';
import type { CacheLogger } from './logger.js';
import type { NearCacheOptions } from './near-cache/near-cache.js';
import type { Codec } from './types/codec.js';
import type { Transport } from './types/transport.js';

/** Options of {@link createCache}. */
export interface CacheOptions {
  /** Where commands go: a transport from `@cachex/transport-*`. */
  transport: Transport;
  /** How values are stored: `createCodec()` from `@cachex/codecs`. */
  codec: Codec;
  /** Prefix of every key (`${keyPrefix}:${version}:${key}`). Default `''`, like Django. */
  keyPrefix?: string;
  /** Version part of every key. Default 1. */
  version?: number;
  /** Default timeout in seconds for writes; `null` = never expire. Default 300, like Django. */
  timeout?: number | null;
  /** Builds stored keys; default `${prefix}:${version}:${key}`. */
  keyFunction?: KeyFunction;
  /** Inverse of `keyFunction`, used by `keys`/`iterKeys`. Needed when `keyFunction` is custom. */
  reverseKeyFunction?: ReverseKeyFunction;
  /** Longest user key accepted, in UTF-8 bytes. Default 1024. */
  maxKeyLength?: number;
  /**
   * Encoded values (after serializing and compressing) of this many bytes or more are refused
   * with an `EncodeError` before anything is sent: every write that stores a value (`set`,
   * `add`, `getSet`, `setMany`, `hset`, list, set and sorted-set members). A positive integer;
   * default 100 MiB (`DEFAULT_MAX_VALUE_SIZE`). Redis itself refuses arguments over
   * `proto-max-bulk-len` (512 MB by default): above that, raise it on the server too.
   */
  maxValueSize?: number;
  /**
   * Fail open, like Django's `IGNORE_EXCEPTIONS`: when a method fails because the server
   * cannot be reached or did not answer in time (codes `E_CONNECTION`, `E_TIMEOUT`), it
   * resolves a neutral result instead of rejecting: a read gives a miss (its `default`,
   * `undefined`, an empty collection, `-2` for a TTL), a write gives "nothing changed"
   * (`false`, `0`), and `getOrSet` returns the factory's value without storing it. Methods
   * without an honest neutral result (`incr`, `decr`, `incrVersion`, `hincrby`, `zincrby`,
   * blocking pops, `run`) still reject, and so do pipelines' `exec()`. Server replies
   * (WRONGTYPE…), bad arguments, encode/decode errors and calls after `close()` always reject.
   * The core README lists every method's result. Default false.
   */
  ignoreExceptions?: boolean;
  /**
   * Log every failure `ignoreExceptions` swallows, as
   * `logger.warn({ err, method, key, code }, 'cachex: ignored <code> in <method>')`
   * (`key` only when the failure concerns one). Default false.
   */
  logIgnoredExceptions?: boolean;
  /**
   * Where swallowed failures are logged: any pino-compatible logger (`warn(obj, msg)`,
   * `error(obj, msg)`). Default: `console.warn` / `console.error`.
   */
  logger?: CacheLogger;
  /**
   * Called with every failure `ignoreExceptions` swallows, logged or not: for metrics and
   * alerting. What it throws is logged with `logger.error` and otherwise ignored, so the call
   * still resolves.
   */
  onIgnoredError?: (error: CachexError, info: IgnoredErrorInfo) => void;
  /**
   * Send a call once more when it timed out (`E_TIMEOUT`) and it only reads: every command of
   * its step is routed as a read (`get`, `getMany`, `ttl`, `hgetall`…) and it is not a
   * MULTI/EXEC block. Writes are never resent: a write that timed out may have been applied
   * (only its reply was lost), and sending `incr` again would count twice. Key iteration
   * (`keys`, `iterKeys`) and pipelines are not resent either. Default false.
   */
  retryOnTimeout?: boolean;
  /**
   * Stop sending for a short time when the server is gone, rather than make every call wait
   * for its own timeout: after `failureThreshold` calls in a row failed with `E_CONNECTION` or
   * `E_TIMEOUT` (default 5), calls reject at once with a `CircuitOpenError` (`E_CIRCUIT_OPEN`,
   * nothing sent) for `openMs` (default 1000); then one call probes the server, and its success
   * sends calls again (its failure opens the circuit for another `openMs`). With
   * `ignoreExceptions` the fast failures are swallowed like connection failures. The cache emits
   * `circuitOpen` and `circuitClose`. `true` takes the defaults. Default off: the drivers
   * already fail fast while they know the connection is down; the breaker helps most when the
   * server hangs or drops packets, where each call would wait out `socketTimeoutMs`.
   */
  circuitBreaker?: boolean | CircuitBreakerOptions;
  /**
   * An in-process near cache of decoded values in front of the server, kept coherent by the
   * server (`CLIENT TRACKING`): `get` of a value held in process costs neither a round trip nor a
   * decode. The server tells the cache which keys changed; anything that could make it miss such
   * a message (a reconnection, a failover, a lost subscriber connection) empties it, and writes
   * of this cache drop their keys at once. Values it returns are deeply frozen (shared by every
   * caller); values that cannot be frozen (Buffers, typed arrays, Dates) are not kept. `true` for
   * the defaults (10,000 entries, 64 MiB, 60 s). Needs a transport that can track invalidations
   * (standalone, sentinel, cluster); off by default.
   */
  nearCache?: boolean | NearCacheOptions;
}
