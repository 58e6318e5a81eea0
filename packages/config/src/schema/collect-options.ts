import { type IssueList, joinPath } from './issues.js';
import { describeType } from './suggest.js';
import { unknownKeyMessage } from './unknown-keys.js';
import { isRecord } from './validator.js';

/** A value and where the user wrote it. */
export interface Located {
  readonly value: unknown;
  /** The full path: `caches.sessions.options.compressor`. */
  readonly path: string;
}

/** The keys of one cache's configuration, flat and nested options merged. */
export interface CollectedConfig {
  readonly backend?: Located;
  readonly location?: Located;
  /** Option name → value and path, for the options given (an `undefined` value is absent). */
  readonly options: ReadonlyMap<string, Located>;
}

/** Keys that exist only at the top level of a cache. */
const TOP_LEVEL_ONLY = ['backend', 'location', 'options'] as const;

const REFERENCE = 'see the options table in the @cachex/config README';

// django-cachex/redis-py settings whose counterpart here has another shape or name.
const DJANGO_HINTS: Readonly<Record<string, string>> = {
  sentinel_kwargs: "use 'sentinelPassword' (and 'sentinelUsername', 'sentinelTls')",
  ssl_cert_reqs:
    "use tls: { rejectUnauthorized: false } for ssl_cert_reqs='none' (verification is on by default)",
  ssl_ca_certs: 'use tls: { caFile }',
  ssl_certfile: 'use tls: { certFile }',
  ssl_keyfile: 'use tls: { keyFile }',
  ssl: "use 'tls'",
  cluster:
    "use a cluster backend ('valkey-cluster' or 'redis-cluster'); driver settings go in 'clusterOptions'",
  connection_pool_kwargs: "use 'clientOptions'",
  connection_pool_class_kwargs: "use 'clientOptions'",
  client_class: 'has no counterpart: the backend chooses the client',
  key_func: "use 'keyFunction'",
  reverse_key_func: "use 'reverseKeyFunction'",
};

/**
 * Reads the keys of one cache: `backend`, `location`, the options at the top level and those
 * under `options` (Django's `OPTIONS`). Unknown keys, an option given in both places, and
 * top-level keys nested under `options` are recorded as problems.
 */
export function collectConfig(
  input: Record<string, unknown>,
  base: string,
  optionNames: readonly string[],
  issues: IssueList,
): CollectedConfig {
  const topNames = [...TOP_LEVEL_ONLY, ...optionNames];
  const options = new Map<string, Located>();
  let backend: Located | undefined;
  let location: Located | undefined;

  for (const key of Object.keys(input)) {
    const value = input[key];
    const path = joinPath(base, key);
    if (value === undefined || key === 'options') continue;
    if (key === 'backend') backend = { value, path };
    else if (key === 'location') location = { value, path };
    else if (optionNames.includes(key)) options.set(key, { value, path });
    else {
      issues.add(
        path,
        unknownKeyMessage(key, topNames, {
          what: 'option',
          hints: DJANGO_HINTS,
          reference: REFERENCE,
        }),
      );
    }
  }

  const nested = input.options;
  if (nested !== undefined) {
    const nestedBase = joinPath(base, 'options');
    if (!isRecord(nested)) {
      issues.add(nestedBase, `must be an object of options, got ${describeType(nested)}`);
    } else {
      for (const key of Object.keys(nested)) {
        const value = nested[key];
        const path = joinPath(nestedBase, key);
        if (value === undefined) continue;
        if ((TOP_LEVEL_ONLY as readonly string[]).includes(key)) {
          issues.add(path, `'${key}' belongs at the top level of the cache, not under options`);
        } else if (!optionNames.includes(key)) {
          issues.add(
            path,
            unknownKeyMessage(key, optionNames, {
              what: 'option',
              hints: DJANGO_HINTS,
              reference: REFERENCE,
            }),
          );
        } else {
          const flat = options.get(key);
          if (flat !== undefined) {
            issues.add(path, `is given twice, as ${flat.path} and ${path}: keep one`);
          } else {
            options.set(key, { value, path });
          }
        }
      }
    }
  }

  return {
    ...(backend === undefined ? {} : { backend }),
    ...(location === undefined ? {} : { location }),
    options,
  };
}
