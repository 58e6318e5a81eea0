import type {
  CircuitBreakerOptions,
  Compressor,
  KeyFunction,
  NearCacheOptions,
  ReverseKeyFunction,
  Serializer,
} from '@cachex/core';
import type { Driver } from './types.js';

/**
 * Which kind of cache to build. `valkey*` backends use the iovalkey driver and `redis*` ones
 * ioredis (unless `driver` says otherwise); the server may be either, they speak the same
 * protocol. `memory` keeps values in this process; `dummy` accepts every call and keeps
 * nothing (Django's DummyCache).
 */
export type Backend =
  | 'valkey'
  | 'redis'
  | 'valkey-sentinel'
  | 'redis-sentinel'
  | 'valkey-cluster'
  | 'redis-cluster'
  | 'memory'
  | 'dummy';

/** The built-in serializers of `@cachex/codecs`, by name. */
export type SerializerName = 'json' | 'msgpack' | 'v8';

/** The built-in compressors of `@cachex/codecs`, by name. */
export type CompressorName = 'zlib' | 'gzip' | 'brotli' | 'lz4' | 'zstd' | 'lzma';

/** Where reads go when replicas exist. */
export type ReadFromOption = 'primary' | 'replica' | 'preferReplica';

/** A sentinel's address: `'host:port'`, `[host, port]` or `{ host, port }`. */
export type SentinelAddressOption =
  | string
  | readonly [host: string, port: number]
  | { readonly host: string; readonly port: number };

/**
 * TLS settings. Verification is on unless `rejectUnauthorized: false`. PEM contents go in
 * `ca`/`cert`/`key`; file paths in `caFile`/`certFile`/`keyFile` (read when the cache is
 * created; an unreadable file is a `ConfigError`).
 */
export interface TlsConfig {
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Verify the server certificate. Default true; turn off only for self-signed test setups. */
  readonly rejectUnauthorized?: boolean;
  /** Server name for SNI and the host name check. */
  readonly servername?: string;
  /** Check that the certificate matches the host name. Default true. */
  readonly checkServerIdentity?: boolean;
}

/**
 * A pino-compatible logger (pino, bunyan-style, or `console`): only `warn` and `error` are used,
 * called as `logger.warn(object, message)`.
 */
export interface ConfigLogger {
  warn(object: Record<string, unknown>, message?: string): void;
  error(object: Record<string, unknown>, message?: string): void;
}

/**
 * The options of one cache, camelCase versions of django-cachex's settings. All optional:
 * what is missing gets the documented default.
 *
 * The same options may also be nested under `options` (Django's `OPTIONS`); giving one in both
 * places is an error.
 */
export interface CacheConfigOptions {
  /** Default timeout of writes, in seconds (fractions allowed); `null` = never expire. Default 300. */
  readonly timeout?: number | null;
  /** Prefix of every key: `${keyPrefix}:${version}:${key}`. Default: see the smart defaults. */
  readonly keyPrefix?: string;
  /** Version part of every key. Default 1. */
  readonly version?: number;
  /**
   * Builds stored keys (Django's KEY_FUNCTION). Accepted without `reverseKeyFunction`, but then
   * `keys`/`iterKeys` cannot turn stored keys back into user keys.
   */
  readonly keyFunction?: KeyFunction;
  /** Inverse of `keyFunction`, needed by `keys`/`iterKeys` with a custom key function. */
  readonly reverseKeyFunction?: ReverseKeyFunction;
  /** Longest user key accepted, in UTF-8 bytes. Default 1024. */
  readonly maxKeyLength?: number;
  /**
   * Encoded values of this many bytes or more are refused (`EncodeError`) before sending.
   * Default 100 MiB.
   */
  readonly maxValueSize?: number;
  /** A serializer name or instance, or a list: the first writes, all are tried on read. Default `'json'`. */
  readonly serializer?: SerializerName | Serializer | readonly (SerializerName | Serializer)[];
  /**
   * A compressor name or instance, or a list (first writes, all read); `null` or `[]` = none
   * (the string `'none'` is rejected with that hint). Default none.
   */
  readonly compressor?:
    | CompressorName
    | Compressor
    | readonly (CompressorName | Compressor)[]
    | null;
  /** Values longer than this many bytes once serialized are compressed. Default 256. */
  readonly minLength?: number;
  /**
   * Most connections one transport opens to one server: one shared by ordinary commands (one
   * more per read replica), the rest for blocking commands (`blpop`…), each of which holds a
   * connection while it waits. Default 50.
   */
  readonly maxConnections?: number;
  /** Seconds to wait for a connection. Default 5. */
  readonly socketConnectTimeout?: number;
  /** Seconds one command may take. Default 5. */
  readonly socketTimeout?: number;
  /** Send a read that timed out once more (writes are never resent). Default false. */
  readonly retryOnTimeout?: boolean;
  /**
   * Fail fast while the server is gone: after `failureThreshold` connection or timeout
   * failures in a row (default 5), calls reject at once with `E_CIRCUIT_OPEN` for `openMs`
   * (default 1000), then one call probes the server. `true` takes the defaults. Default off.
   */
  readonly circuitBreaker?: boolean | CircuitBreakerOptions;
  /**
   * An in-process near cache of decoded values, kept coherent by the server (`CLIENT
   * TRACKING`): `{ maxEntries?, maxBytes?, ttl? }` (defaults 10,000 entries, 64 MiB, 60 s), or
   * `true` for the defaults. Server backends only; reads must go to the primary
   * (`readFrom: 'primary'`). Default off.
   */
  readonly nearCache?: boolean | NearCacheOptions;
  /**
   * Swallow connection and timeout failures (never server replies such as WRONGTYPE): reads
   * return their default, writes `false`/`0`. Default false.
   */
  readonly ignoreExceptions?: boolean;
  /** Log every failure `ignoreExceptions` swallowed. Default false. */
  readonly logIgnoredExceptions?: boolean;
  /** Where `logIgnoredExceptions` and configuration warnings go. Default `console`. */
  readonly logger?: ConfigLogger;
  /** ACL user name (a user name in the URL wins). */
  readonly username?: string;
  /** Password, for passwords awkward to percent-encode in a URL (one in the URL wins). Never printed. */
  readonly password?: string;
  /** Logical database (one in the URL wins). Default 0; must be 0 on a cluster. */
  readonly db?: number;
  /** The client library. Default: `iovalkey` for `valkey*` backends, `ioredis` for `redis*`. */
  readonly driver?: Driver;
  /** TLS settings (`true` turns TLS on with defaults; `rediss://`/`valkeys://` turn it on too). */
  readonly tls?: boolean | TlsConfig;
  /** Where reads go when the topology has replicas. Default `'primary'`. */
  readonly readFrom?: ReadFromOption;
  /** Sentinel backends: the sentinels to ask (required unless the URL has `?sentinels=`). */
  readonly sentinels?: readonly SentinelAddressOption[];
  /** Sentinel backends: ACL user name on the sentinels. */
  readonly sentinelUsername?: string;
  /** Sentinel backends: password of the sentinels (Django's `sentinel_kwargs.password`). Never printed. */
  readonly sentinelPassword?: string;
  /** Sentinel backends: TLS towards the sentinels. */
  readonly sentinelTls?: boolean | TlsConfig;
  /** Cluster backends: announced node address → reachable address (NAT, containers). */
  readonly natMap?:
    | Readonly<Record<string, { host: string; port: number }>>
    | ((address: string) => { host: string; port: number } | null | undefined);
  /** Cluster backends: extra options for the driver's Cluster client, as they are. */
  readonly clusterOptions?: Readonly<Record<string, unknown>>;
  /** Extra options for every ioredis/iovalkey client, as they are (advanced). */
  readonly clientOptions?: Readonly<Record<string, unknown>>;
  /** Memory backend: the most keys kept (least recently used evicted). Default: no bound. */
  readonly maxEntries?: number;
  /** Memory backend: the most bytes kept. Default: no bound. */
  readonly maxBytes?: number;
  /** Django's `parser_class`: no meaning in Node (the drivers parse RESP); accepted with a warning. */
  readonly parserClass?: unknown;
  /** Django's `pool_class`: no meaning in Node (see `maxConnections`); accepted with a warning. */
  readonly poolClass?: unknown;
}

/** One cache: its backend and location, and its options (flat, or under `options`). */
export interface CacheConfig extends CacheConfigOptions {
  /** The kind of cache. Default: from the location's scheme (`valkey*` → `valkey`, else `redis`); `memory` without a location. */
  readonly backend?: Backend;
  /**
   * The server(s): one URL, a list, or a `,`/`;`-separated string. Standalone: the first is
   * the primary, the others read replicas. Sentinel: `redis://<masterName>/<db>`. Cluster:
   * startup nodes. Also `memory://` and `dummy://`, which choose those backends.
   */
  readonly location?: string | readonly string[];
  /** Django's `OPTIONS`: the same options, nested. */
  readonly options?: CacheConfigOptions;
}

/** Several caches by alias, as in Django's `CACHES`: `{ default: {...}, sessions: {...} }`. */
export type CachesConfig = Readonly<Record<string, CacheConfig>>;

/** A configuration file's contents (and the input of `createCaches`): `{ caches: { alias: {...} } }`. */
export interface CachexConfigFile {
  readonly caches: CachesConfig;
}

/** Where a resolved configuration came from (see `resolveCacheConfig`). */
export type ConfigSource =
  | 'explicit'
  | 'env:CACHEX_URL'
  | 'env:VALKEY_URL'
  | 'env:REDIS_URL'
  | 'default:memory'
  | 'default:dummy';

/**
 * One cache's configuration after validation and defaults: every field set (or deliberately
 * absent), names checked, lists split. `@cachex/all` builds a cache from it. Made by
 * `parseCacheConfig`/`parseCachesConfig` (recognise one with `isResolvedCacheConfig`); frozen.
 * Secrets (`password`, `sentinelPassword`, passwords in `location`, TLS keys) are shown as
 * `[redacted]` by `util.inspect`, `JSON.stringify`, `String()` and `describeConfig`.
 */
export interface ResolvedCacheConfig {
  /** The alias in a set of caches (`default` for a single cache). */
  readonly alias: string;
  readonly backend: Backend;
  /** The URLs, split (empty for `memory` and `dummy`). */
  readonly location: readonly string[];
  readonly driver: Driver;
  readonly timeout: number | null;
  readonly keyPrefix: string;
  readonly version: number;
  /** Present when given; without `reverseKeyFunction`, `keys`/`iterKeys` cannot reverse it. */
  readonly keyFunction?: KeyFunction;
  readonly reverseKeyFunction?: ReverseKeyFunction;
  /** Present when given (the cache applies its default, 1024). */
  readonly maxKeyLength?: number;
  /** Present when given (the cache applies its default, 100 MiB). */
  readonly maxValueSize?: number;
  /** Never empty. */
  readonly serializer: readonly (SerializerName | Serializer)[];
  /** Empty when values are not compressed. */
  readonly compressor: readonly (CompressorName | Compressor)[];
  readonly minLength: number;
  /** `?max_connections=` of the primary URL, else the option, else 50. */
  readonly maxConnections: number;
  /** In seconds: `?socket_connect_timeout=` of the primary URL, else the option, else 5. */
  readonly socketConnectTimeout: number;
  /** In seconds: `?socket_timeout=` of the primary URL, else the option, else 5. */
  readonly socketTimeout: number;
  /** `?retry_on_timeout=` of the primary URL, else the option, else false. */
  readonly retryOnTimeout: boolean;
  /** Present when given. */
  readonly circuitBreaker?: boolean | CircuitBreakerOptions;
  /** Present when given. */
  readonly nearCache?: boolean | NearCacheOptions;
  readonly ignoreExceptions: boolean;
  readonly logIgnoredExceptions: boolean;
  readonly logger?: ConfigLogger;
  /** The `username` option (a user name in a URL stays in that URL). */
  readonly username?: string;
  /**
   * The `password` option (a password in a URL stays in that URL). A getter that is not
   * enumerable: `{ ...config }` and `Object.keys` leave it out, so read it explicitly.
   */
  readonly password?: string;
  /** The primary URL's database, else the `db` option; absent when neither gives one. */
  readonly db?: number;
  /** The `tls` option, else `true` for a `rediss://`/`valkeys://` primary; absent otherwise. */
  readonly tls?: boolean | TlsConfig;
  readonly readFrom: ReadFromOption;
  /**
   * `{ host, port }` each, from `?sentinels=` (which wins) or the option; present for sentinel
   * backends only.
   */
  readonly sentinels?: readonly { readonly host: string; readonly port: number }[];
  readonly sentinelUsername?: string;
  /** A getter that is not enumerable, like {@link ResolvedCacheConfig.password}. */
  readonly sentinelPassword?: string;
  readonly sentinelTls?: boolean | TlsConfig;
  readonly natMap?: CacheConfigOptions['natMap'];
  readonly clusterOptions?: Readonly<Record<string, unknown>>;
  readonly clientOptions?: Readonly<Record<string, unknown>>;
  readonly maxEntries?: number;
  readonly maxBytes?: number;
  /** Warnings about the configuration (e.g. `parserClass` has no meaning in Node), already logged. */
  readonly warnings: readonly string[];
  /** Where this configuration came from. */
  readonly source: ConfigSource;
}
