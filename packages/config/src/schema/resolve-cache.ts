import type { Compressor, Serializer } from '@cachex/core';
import type {
  CompressorName,
  ConfigLogger,
  ConfigSource,
  SerializerName,
} from '../cache-config-types.js';
import type { Endpoint } from '../types.js';
import { resolveBackend } from './backend.js';
import { checkBackendRules } from './backend-rules.js';
import { collectConfig, type Located } from './collect-options.js';
import { type IssueList, joinPath } from './issues.js';
import { analyseLocation, type LocationInfo } from './location.js';
import { defaultDriverOf, isSentinelBackend, isServerBackend } from './names.js';
import { OPTION_NAMES, validatorOf } from './option-validators.js';
import type { ResolvedFields } from './resolved.js';
import { parseSentinelsParam, type SentinelHost } from './sentinels.js';
import { describeType } from './suggest.js';
import { INVALID, isRecord } from './validator.js';
import { compatibilityWarnings } from './warnings.js';

/** The documented defaults of the options that always have a value. */
export const DEFAULTS = Object.freeze({
  timeout: 300,
  version: 1,
  serializer: Object.freeze(['json'] as SerializerName[]),
  compressor: Object.freeze([] as CompressorName[]),
  minLength: 256,
  maxConnections: 50,
  socketConnectTimeout: 5,
  socketTimeout: 5,
  retryOnTimeout: false,
  ignoreExceptions: false,
  logIgnoredExceptions: false,
  readFrom: 'primary',
} as const);

/** How one cache is resolved (the options of `parseCacheConfig`, defaults applied). */
export interface ResolveSettings {
  readonly alias: string;
  readonly path: string;
  readonly source: ConfigSource;
  readonly defaultKeyPrefix: string;
}

/** A cache that passed validation: its fields and where its warnings should go. */
export interface ResolvedDraft {
  readonly fields: ResolvedFields;
  /** The cache's own `logger` option, if any. */
  readonly logger?: ConfigLogger;
}

// The URL parameters that list sentinels (the transport accepts both).
const SENTINEL_PARAMS = ['sentinels', 'sentinel'] as const;

function sentinelsParamOf(primary: Endpoint | undefined): string | undefined {
  for (const name of SENTINEL_PARAMS) {
    const value = primary?.options[name];
    if (value !== undefined) return String(value);
  }
  return undefined;
}

/** Seconds from the URL must be > 0 like the options (parseLocation accepts 0). */
function checkUrlSeconds(location: LocationInfo, issues: IssueList): void {
  const entry = location.entries[0];
  const options = entry?.endpoint?.options;
  if (entry === undefined || options === undefined) return;
  for (const [key, name] of [
    ['socketTimeout', 'socket_timeout'],
    ['connectTimeout', 'socket_connect_timeout'],
  ] as const) {
    if (options[key] === 0) {
      issues.add(entry.path, `${entry.label}?${name}= must be greater than 0 seconds, got 0`);
    }
  }
}

/** The TLS setting: the option if given (false with a TLS URL is a contradiction), else the URL's. */
function checkTlsAgainstUrl(
  tls: Located | undefined,
  primary: Endpoint | undefined,
  issues: IssueList,
): void {
  if (tls?.value === false && primary?.tls === true) {
    issues.add(
      tls.path,
      `is false, but the location uses ${primary.scheme}:// (TLS): remove one of them`,
    );
  }
}

/**
 * Validates one cache and computes its fields, recording every problem in `issues`. Returns
 * `undefined` when something is wrong (the caller throws once all caches were checked).
 */
export function resolveCache(
  input: unknown,
  settings: ResolveSettings,
  issues: IssueList,
): ResolvedDraft | undefined {
  const before = issues.size;
  const base = settings.path;
  const raw = typeof input === 'string' ? { location: input } : input;
  if (!isRecord(raw)) {
    issues.add(
      base,
      `must be a cache configuration object or a location URL string, got ${describeType(input)}`,
    );
    return undefined;
  }

  const collected = collectConfig(raw, base, OPTION_NAMES, issues);
  const location = analyseLocation(
    collected.location?.value,
    collected.location?.path ?? joinPath(base, 'location'),
    issues,
  );
  const primary = location.entries[0]?.endpoint;
  const sentinelsParam = sentinelsParamOf(primary);
  const backend = resolveBackend(collected.backend, location, sentinelsParam !== undefined, issues);

  const values = new Map<string, unknown>();
  for (const [name, located] of collected.options) {
    const value = validatorOf(name)(located.value, located.path, issues);
    if (value !== INVALID) values.set(name, value);
  }

  let urlSentinels: readonly SentinelHost[] | typeof INVALID | undefined;
  if (backend !== undefined) {
    checkBackendRules(
      {
        backend,
        location,
        options: collected.options,
        base,
        sentinelsInUrl: sentinelsParam !== undefined,
      },
      issues,
    );
    if (isSentinelBackend(backend) && sentinelsParam !== undefined) {
      urlSentinels = parseSentinelsParam(sentinelsParam, location.entries[0]?.path ?? base, issues);
    }
  }
  checkUrlSeconds(location, issues);
  checkTlsAgainstUrl(collected.options.get('tls'), primary, issues);

  if (issues.size > before || backend === undefined || urlSentinels === INVALID) return undefined;

  const option = <T>(name: string): T | undefined => values.get(name) as T | undefined;
  const withDefault = <T>(name: string, fallback: T): T => (values.get(name) as T) ?? fallback;
  const url = primary?.options ?? {};
  const server = isServerBackend(backend);

  const fields: ResolvedFields = {
    alias: settings.alias,
    backend,
    location: Object.freeze(server ? [...location.urls] : []),
    driver: withDefault('driver', defaultDriverOf(backend)),
    timeout: values.has('timeout') ? (option<number | null>('timeout') ?? null) : DEFAULTS.timeout,
    keyPrefix: withDefault('keyPrefix', settings.defaultKeyPrefix),
    version: withDefault('version', DEFAULTS.version),
    keyFunction: option('keyFunction'),
    reverseKeyFunction: option('reverseKeyFunction'),
    maxKeyLength: option('maxKeyLength'),
    maxValueSize: option('maxValueSize'),
    serializer: withDefault<readonly (SerializerName | Serializer)[]>(
      'serializer',
      DEFAULTS.serializer,
    ),
    compressor: withDefault<readonly (CompressorName | Compressor)[]>(
      'compressor',
      DEFAULTS.compressor,
    ),
    minLength: withDefault('minLength', DEFAULTS.minLength),
    // Values in the URL win over the options, as in django-cachex.
    maxConnections: url.maxConnections ?? withDefault('maxConnections', DEFAULTS.maxConnections),
    socketConnectTimeout:
      url.connectTimeout ?? withDefault('socketConnectTimeout', DEFAULTS.socketConnectTimeout),
    socketTimeout: url.socketTimeout ?? withDefault('socketTimeout', DEFAULTS.socketTimeout),
    retryOnTimeout: url.retryOnTimeout ?? withDefault('retryOnTimeout', DEFAULTS.retryOnTimeout),
    circuitBreaker: option('circuitBreaker'),
    nearCache: option('nearCache'),
    ignoreExceptions: withDefault('ignoreExceptions', DEFAULTS.ignoreExceptions),
    logIgnoredExceptions: withDefault('logIgnoredExceptions', DEFAULTS.logIgnoredExceptions),
    logger: option('logger'),
    username: option('username'),
    password: option('password'),
    db: primary?.db ?? option('db'),
    tls: option('tls') ?? (primary?.tls === true ? true : undefined),
    readFrom: withDefault('readFrom', DEFAULTS.readFrom),
    sentinels: isSentinelBackend(backend) ? (urlSentinels ?? option('sentinels')) : undefined,
    sentinelUsername: option('sentinelUsername'),
    sentinelPassword: option('sentinelPassword'),
    sentinelTls: option('sentinelTls'),
    natMap: option('natMap'),
    clusterOptions: option('clusterOptions'),
    clientOptions: option('clientOptions'),
    maxEntries: option('maxEntries'),
    maxBytes: option('maxBytes'),
    warnings: Object.freeze(compatibilityWarnings(collected.options)),
    source: settings.source,
  };
  const logger = option<ConfigLogger>('logger');
  return logger === undefined ? { fields } : { fields, logger };
}
