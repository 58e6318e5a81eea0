import type { ConfigLogger, ConfigSource, ResolvedCacheConfig } from '../cache-config-types.js';
import { IssueList, joinPath } from './issues.js';
import { finishCache } from './parse-cache-config.js';
import { type ResolvedDraft, resolveCache } from './resolve-cache.js';
import { describeType } from './suggest.js';
import { isRecord } from './validator.js';

/** Options of {@link parseCachesConfig}. */
export interface ParseCachesConfigOptions {
  /** Put in front of every error path (`caches.<alias>…`). Default `''`. */
  readonly path?: string;
  /** The key prefix of caches that give none. Default `''`. */
  readonly defaultKeyPrefix?: string;
  /** Copied to every cache's `source`. Default `'explicit'`. */
  readonly source?: ConfigSource;
  /** Where warnings go. Default: each cache's `logger` option, else `console`. */
  readonly logger?: ConfigLogger;
}

const ALIAS = /^[A-Za-z0-9_-]+$/;

/** Names taken by the object `createCaches` returns (its methods and `then`, for await). */
const RESERVED_ALIASES: readonly string[] = ['close', 'get', 'then', 'aliases', 'describe'];

function checkAlias(alias: string, path: string, issues: IssueList): boolean {
  if (alias === '') {
    issues.add(path, 'an alias must not be empty');
    return false;
  }
  if (!ALIAS.test(alias)) {
    issues.add(path, 'an alias may contain only letters, digits, _ and -');
    return false;
  }
  if (RESERVED_ALIASES.includes(alias)) {
    issues.add(
      path,
      `'${alias}' cannot be an alias: it is reserved by the object createCaches returns (reserved: ${RESERVED_ALIASES.join(', ')})`,
    );
    return false;
  }
  return true;
}

/** The record of caches: `input.caches` for the file shape, else `input` itself. */
function cachesOf(
  input: unknown,
  base: string,
  issues: IssueList,
): Record<string, unknown> | undefined {
  if (!isRecord(input)) {
    issues.add(
      base,
      `must be { caches: { <alias>: {...} } } or a record of caches, got ${describeType(input)}`,
    );
    return undefined;
  }
  if (!('caches' in input)) return input;
  for (const key of Object.keys(input)) {
    if (key !== 'caches') {
      issues.add(joinPath(base, key), `unknown key '${key}' next to 'caches'`);
    }
  }
  if (!isRecord(input.caches)) {
    issues.add(
      joinPath(base, 'caches'),
      `must be a record of caches by alias, got ${describeType(input.caches)}`,
    );
    return undefined;
  }
  return input.caches;
}

/**
 * Validates a set of caches, Django's `CACHES`: `{ caches: { default: {...}, sessions: {...} } }`
 * (the file shape) or the bare record `{ default: {...}, sessions: {...} }`. Each cache is
 * checked as by {@link parseCacheConfig}, with error paths `caches.<alias>.…`, and all the
 * problems of all caches are thrown together as one `ConfigError`. Aliases are non-empty,
 * made of letters, digits, `_` and `-`, and not `close`, `get`, `then`, `aliases` or
 * `describe`; at least one is required. In the bare form an alias cannot be named `caches`
 * (that would read as the file shape).
 *
 * @example
 * ```ts
 * const caches = parseCachesConfig({
 *   caches: {
 *     default: { location: 'redis://cache:6379/0' },
 *     sessions: { location: 'redis://cache:6379/1', timeout: 3600 },
 *   },
 * });
 * caches.sessions.timeout; // 3600
 * ```
 */
export function parseCachesConfig(
  input: unknown,
  options: ParseCachesConfigOptions = {},
): Readonly<Record<string, ResolvedCacheConfig>> {
  const issues = new IssueList();
  const base = options.path ?? '';
  const caches = cachesOf(input, base, issues);
  const drafts: ResolvedDraft[] = [];
  if (caches !== undefined) {
    const aliases = Object.keys(caches);
    if (aliases.length === 0) {
      issues.add(
        joinPath(base, 'caches'),
        'defines no cache: add at least one alias, e.g. caches: { default: { location: ... } }',
      );
    }
    for (const alias of aliases) {
      const path = joinPath(base, 'caches', alias);
      if (!checkAlias(alias, path, issues)) continue;
      const draft = resolveCache(
        caches[alias],
        {
          alias,
          path,
          source: options.source ?? 'explicit',
          defaultKeyPrefix: options.defaultKeyPrefix ?? '',
        },
        issues,
      );
      if (draft !== undefined) drafts.push(draft);
    }
  }
  issues.throwIfAny();
  return Object.freeze(
    Object.fromEntries(
      drafts.map((draft) => [draft.fields.alias, finishCache(draft, options.logger)]),
    ),
  );
}
