/**
 * `@cachex/core`: the Cache client, keys, versions, timeouts, the Transport and Codec contracts,
 * and the errors. Building blocks shared by cachex's own packages live in
 * `@cachex/core/internal`.
 *
 * @packageDocumentation
 */
export type { CacheMethods } from './cache.js';
export { Cache, createCache, DEFAULT_TIMEOUT } from './cache.js';
export type { CacheOptions } from './cache-options.js';
export type { CircuitBreakerOptions, CircuitOpenInfo } from './circuit-breaker.js';
export type { HashMapping, HashMethods } from './commands/hash-methods.js';
export type {
  BlmoveOptions,
  BlockingListMethods,
  BlockingOptions,
  BlockingPopOptions,
  ListMethods,
  ListSide,
  LmoveOptions,
  LposOptions,
  MoveVersionOptions,
  PopOptions,
} from './commands/list-methods.js';
export type { Entries } from './commands/many.js';
export type {
  GetOptions,
  ScanKeysOptions,
  SetOptions,
  TimeoutOptions,
  VersionOptions,
} from './commands/options.js';
export type { KeyType, RenameOptions } from './commands/rename.js';
export type {
  SetMethods,
  SetPopOptions,
  SetStoreOptions,
  SmoveOptions,
} from './commands/set-methods.js';
export type { SortedSetMethods } from './commands/sorted-set-methods.js';
export type {
  ZAddOptions,
  ZMembers,
  ZPopOptions,
  ZRangeByScoreOptions,
  ZRangeOptions,
  ZScoreBound,
} from './commands/sorted-set-options.js';
export type { StringMethods } from './commands/string-methods.js';
export type { AnyErrorCode, CachexErrorOptions, ErrorCode, ErrorContext } from './errors.js';
export {
  CachexError,
  CircuitOpenError,
  ClosedError,
  CommandError,
  ConfigError,
  ConnectionError,
  CrossSlotError,
  DecodeError,
  EncodeError,
  errorCodes,
  FactoryCycleError,
  FactoryError,
  FactoryTimeoutError,
  InvalidArgumentError,
  InvalidKeyError,
  isCachexError,
  KeyNotFoundError,
  MissingDependencyError,
  NoPermissionError,
  NoScriptError,
  NotIntegerError,
  NotSupportedError,
  TimeoutError,
  WrongTypeError,
} from './errors.js';
export type { ManyFactory } from './get-or-set/get-many-or-set.js';
export type { FactoryErrorInfo, ValueOrFactory } from './get-or-set/get-or-set.js';
export type {
  EarlyRefreshOptions,
  FactoryTimeoutOptions,
  GetManyOrSetOptions,
  GetOrSetOptions,
  GetOrSetResult,
  GetOrSetStatus,
  SingleFlightMode,
} from './get-or-set/options.js';
export type {
  CacheEventListener,
  CacheEventMap,
  CacheEventName,
  FailoverInfo,
  ReconnectingInfo,
  TopologyChangeInfo,
  TransportEventListener,
  TransportEventMap,
  TransportEventName,
  TransportHealth,
  TransportStatus,
} from './health.js';
export { HealthEmitter } from './health.js';
export type { IgnoredErrorInfo } from './ignore-exceptions.js';
export type { KeyFunction, ReverseKeyFunction } from './key-function.js';
export { defaultKeyFunction, defaultReverseKey, globEscape } from './key-function.js';
export type { KeySpec } from './key-spec.js';
export {
  ALL_BUT_LAST,
  ALL_KEYS,
  FIRST_KEY,
  KEY_VALUE_PAIRS,
  keysOf,
  NO_KEYS,
  TWO_KEYS,
} from './key-spec.js';
export type { CacheLogger } from './logger.js';
export type { Out, Returns, ReturnsPromise } from './methods/types.js';
export type { NearCacheOptions, NearCacheStats } from './near-cache/near-cache.js';
export type {
  PipelineMethods,
  PipelineOptions,
  PipelineResult,
  PipelineResults,
  ReturnsPipeline,
} from './pipeline.js';
export { createPipeline, Pipeline } from './pipeline.js';
export { redactCredentials } from './redact.js';
export type { LocalScript, LocalScriptContext, Script } from './script.js';
export { createScript } from './script.js';
export type { StepBuilder } from './step.js';
export type { Timeout } from './timeout.js';
export { MAX_TIMEOUT_SECONDS } from './timeout.js';
export type { Codec, Compressor, EncodedValue, MaybePromise, Serializer } from './types/codec.js';
export type {
  BatchOptions,
  BatchResult,
  ClientOptions,
  Command,
  CommandGroup,
  InvalidationHandlers,
  InvalidationOptions,
  InvalidationTracking,
  RedisArg,
  Reply,
  RouteOptions,
  ScanOptions,
  Transport,
  TransportCapabilities,
} from './types/transport.js';
export { DEFAULT_MAX_KEY_LENGTH, validateKey } from './validate-key.js';
export { DEFAULT_MAX_VALUE_SIZE } from './value-size.js';
