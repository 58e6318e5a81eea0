import type { Timeout } from '../timeout.js';

/** Selects the key version for one call (default: the cache's `version`). */
export interface VersionOptions {
  version?: number;
}

/** A timeout for one write, in seconds (see {@link Timeout}). */
export interface TimeoutOptions extends VersionOptions {
  /**
   * Seconds until the key expires: `undefined` = the cache default, `null` = never,
   * `0` or negative = remove the key now; fractions are kept (sent as milliseconds).
   */
  timeout?: Timeout;
}

/** Options of `get`. */
export interface GetOptions<D = undefined> extends VersionOptions {
  /** Returned on a miss instead of `undefined`. */
  default?: D;
}

/** Options of `set`. */
export interface SetOptions extends TimeoutOptions {
  /** Only write if the key does not exist (SET NX). */
  nx?: boolean;
  /** Only write if the key exists (SET XX). */
  xx?: boolean;
}

/** Options of key iteration (`keys`, `iterKeys`, `deletePattern`). */
export interface ScanKeysOptions {
  /** The key version to match (default: the cache's); `'*'` matches every version. */
  version?: number | '*';
  /** SCAN COUNT hint, and the batch size of deletes. Default 500. */
  count?: number;
}

/**
 * The version for one key of a multi-key call: its own option (`versionSrc`…) when given, even
 * an invalid one (which `makeKey` then refuses), else the call's `version`.
 */
export function versionFor(
  specific: number | undefined,
  options: VersionOptions | undefined,
): number | undefined {
  return specific !== undefined ? specific : options?.version;
}
