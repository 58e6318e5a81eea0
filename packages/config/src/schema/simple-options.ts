import * as v from 'valibot';
import type { CacheConfigOptions } from '../cache-config-types.js';
import { DRIVER_NAMES, READ_FROM_VALUES } from './names.js';
import { describeType, didYouMean, quoteName } from './suggest.js';
import { type AnySchema, expecting, isRecord } from './validator.js';

/** A number schema: finite, optionally integer, with bounds, one message for every rule. */
function numeric(
  expectation: string,
  rules: { integer?: boolean; min?: number; above?: number; max?: number },
): v.GenericSchema<unknown, number> {
  const message = expecting(expectation);
  const actions: v.PipeItem<number, number, v.BaseIssue<unknown>>[] = [v.finite(message)];
  if (rules.integer === true) actions.push(v.safeInteger(message));
  if (rules.min !== undefined) actions.push(v.minValue(rules.min, message));
  if (rules.above !== undefined) actions.push(v.gtValue(rules.above, message));
  if (rules.max !== undefined) actions.push(v.maxValue(rules.max, message));
  return v.pipe(v.number(message), ...actions);
}

/** A string schema whose message never quotes the value (it may be a secret). */
function text(expectation = 'a string'): v.GenericSchema<unknown, string> {
  return v.string((issue) => `must be ${expectation}, got ${describeType(issue.input)}`);
}

function flag(): AnySchema {
  return v.boolean((issue) => `must be true or false, got ${describeType(issue.input)}`);
}

function fn(what: string): AnySchema {
  return v.function((issue) => `must be ${what}, got ${describeType(issue.input)}`);
}

/** A string among `values`, with a typo suggestion in the message. */
export function oneOf(what: string, values: readonly string[]): AnySchema {
  return v.picklist(values, (issue) => {
    const given = issue.input;
    const hint = typeof given === 'string' ? didYouMean(given, values) : '';
    return `${quoteName(given)} is not a ${what}${hint} (expected one of: ${values.join(', ')})`;
  });
}

/** A plain object (not an array, not null). */
function record(what: string): AnySchema {
  return v.custom<Record<string, unknown>>(
    isRecord,
    (issue) => `must be ${what}, got ${describeType(issue.input)}`,
  );
}

/** A TCP port: an integer in 1..65535. */
export const PORT_SCHEMA = numeric('a port number (1-65535)', {
  integer: true,
  min: 1,
  max: 65535,
});

const LOGGER = v.looseObject(
  {
    warn: fn('a function (a logger needs warn() and error())'),
    error: fn('a function (a logger needs warn() and error())'),
  },
  (issue) =>
    `must be a logger with warn() and error() (pino, console…), got ${describeType(issue.input)}`,
);

const NAT_ADDRESS = v.looseObject(
  {
    host: v.pipe(text('a host name'), v.nonEmpty('must be a non-empty host name')),
    port: PORT_SCHEMA,
  },
  (issue) => `must be { host, port }, got ${describeType(issue.input)}`,
);

const NAT_MAP = v.union(
  [fn('a function'), v.record(v.string(), NAT_ADDRESS)],
  (issue) =>
    `must be a function or an object mapping 'host:port' to { host, port }, got ${describeType(issue.input)}`,
);

const SECONDS = 'a number of seconds greater than 0';

const CIRCUIT_BREAKER = v.union(
  [
    v.boolean(),
    v.strictObject({
      failureThreshold: v.optional(numeric('an integer ≥ 1', { integer: true, min: 1 })),
      openMs: v.optional(numeric('an integer ≥ 1 (milliseconds)', { integer: true, min: 1 })),
    }),
  ],
  (issue) =>
    `must be true, false or { failureThreshold?: integer ≥ 1, openMs?: integer ≥ 1 }, got ${describeType(issue.input)}`,
);

const NEAR_CACHE = v.union(
  [
    v.boolean(),
    v.strictObject({
      maxEntries: v.optional(numeric('an integer ≥ 1', { integer: true, min: 1 })),
      maxBytes: v.optional(numeric('an integer ≥ 1 (bytes)', { integer: true, min: 1 })),
      ttl: v.optional(numeric(SECONDS, { above: 0 })),
      broadcast: v.optional(flag()),
    }),
  ],
  (issue) =>
    `must be true, false or { maxEntries?: integer ≥ 1, maxBytes?: integer ≥ 1, ttl?: seconds > 0, broadcast?: boolean }, got ${describeType(issue.input)}`,
);

/**
 * The options checked by a valibot schema alone. Serializer, compressor, tls, sentinelTls and
 * sentinels need more than a schema (lists, suggestions, normalizing); see their modules.
 */
export const SIMPLE_OPTION_SCHEMAS = {
  timeout: v.nullable(numeric('a number of seconds ≥ 0, or null (never expire)', { min: 0 })),
  keyPrefix: text(),
  version: numeric('an integer', { integer: true }),
  keyFunction: fn('a function (key, prefix, version) => string'),
  reverseKeyFunction: fn('a function (storedKey, prefix) => string'),
  maxKeyLength: numeric('an integer ≥ 1', { integer: true, min: 1 }),
  maxValueSize: numeric('an integer ≥ 1 (bytes)', { integer: true, min: 1 }),
  minLength: numeric('an integer ≥ 0 (bytes)', { integer: true, min: 0 }),
  maxConnections: numeric('an integer ≥ 1', { integer: true, min: 1 }),
  socketConnectTimeout: numeric(SECONDS, { above: 0 }),
  socketTimeout: numeric(SECONDS, { above: 0 }),
  retryOnTimeout: flag(),
  circuitBreaker: CIRCUIT_BREAKER,
  nearCache: NEAR_CACHE,
  ignoreExceptions: flag(),
  logIgnoredExceptions: flag(),
  logger: LOGGER,
  username: text(),
  password: text(),
  db: numeric('an integer ≥ 0', { integer: true, min: 0 }),
  driver: oneOf('driver', DRIVER_NAMES),
  readFrom: oneOf('readFrom value', READ_FROM_VALUES),
  sentinelUsername: text(),
  sentinelPassword: text(),
  natMap: NAT_MAP,
  clusterOptions: record('an object of cluster client options'),
  clientOptions: record('an object of client options'),
  maxEntries: numeric('an integer ≥ 1', { integer: true, min: 1 }),
  maxBytes: numeric('an integer ≥ 1', { integer: true, min: 1 }),
  // Accepted whatever they hold: they only produce a warning.
  parserClass: v.unknown(),
  poolClass: v.unknown(),
} satisfies Partial<Record<keyof CacheConfigOptions, AnySchema>>;
