import { isCachexError } from '@cachex/core';
import { parseLocation } from '../parse-location.js';
import { redactUrl } from '../redact.js';
import { splitLocationString } from '../split-location.js';
import type { Driver, Endpoint } from '../types.js';
import { type IssueList, joinPath } from './issues.js';
import { describeType } from './suggest.js';

/** What a location points at. */
export type LocationKind = 'none' | 'memory' | 'dummy' | 'server' | 'invalid';

/** One URL of the location, checked. */
export interface LocationEntryInfo {
  /** The URL as given (trimmed). */
  readonly url: string;
  /** Where problems about this URL are reported: `location` or `location[i]`. */
  readonly path: string;
  /** `entry 2 of 3: ` for a list written as one string, else `''`. */
  readonly label: string;
  /** The parsed server endpoint (absent for `memory://`, `dummy://` and bad URLs). */
  readonly endpoint?: Endpoint;
}

/** What {@link analyseLocation} learns about a location. */
export interface LocationInfo {
  readonly kind: LocationKind;
  /** The URLs, split and trimmed (empty when there is no location). */
  readonly urls: readonly string[];
  readonly entries: readonly LocationEntryInfo[];
  /** The driver the primary's scheme asks for (`valkey*` → iovalkey), even if it failed to parse. */
  readonly schemeDriver?: Driver;
  /** Where the location was written (`location` or `caches.x.location`). */
  readonly path: string;
  /** False when a URL failed to parse (its problem is already recorded). */
  readonly valid: boolean;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;
const LOCAL_SCHEMES = ['memory', 'dummy'] as const;

/** The URLs of the location value, or a problem with its shape. */
function urlsOf(value: unknown, path: string, issues: IssueList): string[] | undefined {
  if (typeof value === 'string') {
    if (value.trim() === '') {
      issues.add(path, 'is empty: give a URL such as redis://127.0.0.1:6379/0');
      return undefined;
    }
    return splitLocationString(value);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      issues.add(path, 'is an empty list: give at least one URL');
      return undefined;
    }
    const bad = value.findIndex((url) => typeof url !== 'string');
    if (bad >= 0) {
      issues.add(joinPath(path, bad), `must be a URL string, got ${describeType(value[bad])}`);
      return undefined;
    }
    return value.map((url: string) => url.trim());
  }
  issues.add(path, `must be a URL string or a list of URL strings, got ${describeType(value)}`);
  return undefined;
}

/** parseLocation's message without its own `Invalid cache location` lead. */
function problemOf(error: { message: string }): string {
  return error.message.replace(/^Invalid cache location:? /, '');
}

/**
 * Splits and checks the `location`: each URL goes through {@link parseLocation} (its errors
 * become issues at `location` or `location[i]`, with the URL shown through `redactUrl`), and
 * `memory://`/`dummy://` are recognized. Mixing kinds in one list is a problem.
 */
export function analyseLocation(value: unknown, path: string, issues: IssueList): LocationInfo {
  if (value === undefined) return { kind: 'none', urls: [], entries: [], path, valid: true };
  const urls = urlsOf(value, path, issues);
  if (urls === undefined) return { kind: 'invalid', urls: [], entries: [], path, valid: false };

  const isList = Array.isArray(value);
  const kinds = new Set<LocationKind>();
  let failed = false;
  const entries = urls.map((url, index): LocationEntryInfo => {
    const entryPath = isList ? joinPath(path, index) : path;
    const label = !isList && urls.length > 1 ? `entry ${index + 1} of ${urls.length}: ` : '';
    const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
    const local = LOCAL_SCHEMES.find((name) => name === scheme);
    if (local !== undefined) {
      kinds.add(local);
      const rest = url.slice(url.indexOf('://') + 3);
      if (rest !== '' && rest !== '/') {
        issues.add(
          entryPath,
          `${label}${local}:// takes nothing after the scheme, got "${redactUrl(url)}"`,
        );
        failed = true;
      }
      return { url, path: entryPath, label };
    }
    kinds.add('server');
    try {
      const endpoint = parseLocation(url).primary;
      return { url, path: entryPath, label, endpoint };
    } catch (error) {
      if (!isCachexError(error)) throw error;
      issues.add(entryPath, `${label}${problemOf(error)}`);
      failed = true;
      return { url, path: entryPath, label };
    }
  });

  const firstScheme = SCHEME.exec(urls[0] ?? '')?.[1]?.toLowerCase() ?? '';
  const schemeDriver: Driver | undefined = firstScheme.startsWith('valkey')
    ? 'iovalkey'
    : firstScheme.startsWith('redis') || firstScheme === 'unix'
      ? 'ioredis'
      : undefined;

  if (kinds.size > 1) {
    issues.add(
      path,
      'mixes memory://, dummy:// and server URLs: a cache has one backend, so give one kind',
    );
    return { kind: 'invalid', urls, entries, path, schemeDriver, valid: false };
  }
  const [kind = 'invalid'] = kinds;
  return { kind, urls, entries, path, schemeDriver, valid: !failed };
}
