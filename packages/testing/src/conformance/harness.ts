import { randomBytes } from 'node:crypto';
import type { Cache, Codec, KeyFunction, Reply, ReverseKeyFunction } from '@cachex/core';

/** What a conformance run needs from a transport under test. */
export interface ConformanceCacheOptions {
  /** A fresh random prefix per test, so tests never collide. */
  keyPrefix: string;
  version?: number;
  timeout?: number | null;
  codec?: Codec;
  keyFunction?: KeyFunction;
  reverseKeyFunction?: ReverseKeyFunction;
  /**
   * True when the test wipes the whole database (flushDb): the cache must use a database no
   * other test uses at the same time.
   */
  isolatedDatabase?: boolean;
}

/**
 * What the transport can do. A test that needs what a transport cannot do is not run there;
 * in its place a test named `not run here: <name> (<reason>)` checks that the capability is
 * indeed missing, so the run's summary lists it by name.
 */
export interface ConformanceCapabilities {
  /** The transport routes reads to a replica: assertions poll for replication. */
  replicaReads?: boolean;
  /**
   * A database no other test uses at the same time, for tests that wipe one (`flushDb`).
   * Default true; false on a cluster (one database, shared by every test of the run).
   */
  isolatedDatabase?: boolean;
}

/** A capability a test may need (see {@link ConformanceCapabilities}). */
export type Need = 'isolatedDatabase';

/** Options of {@link describeCacheConformance}. */
export interface ConformanceOptions {
  /** Shown in the test names, e.g. `standalone × ioredis`. */
  name: string;
  /** Makes a cache for one test; the suite closes it after the test. */
  createCache(options: ConformanceCacheOptions): Cache | Promise<Cache>;
  capabilities?: ConformanceCapabilities;
}

/** Per-test helpers handed to every conformance group. */
export interface Harness {
  readonly options: ConformanceOptions;
  /** A cache with a fresh random prefix (closed after the test). */
  cache(
    overrides?: Omit<ConformanceCacheOptions, 'keyPrefix'> & { keyPrefix?: string },
  ): Promise<Cache>;
  /**
   * A random prefix, for tests that build several caches sharing one. It holds a hash tag
   * (`{cx-…}`), so every key of a test maps to one cluster slot and multi-key commands work on
   * every topology; `{ spread: true }` leaves the tag out, for tests of keys spread over slots.
   */
  prefix(options?: { spread?: boolean }): string;
  /**
   * Registers a test that needs `need`; on a transport without it, registers instead a test
   * named `not run here: <name> (<reason>)` that checks the capability is missing.
   */
  test(name: string, need: Need, reason: string, body: () => Promise<void>): void;
  /** Every stored key of `cache`'s prefix on the server, over every primary (SCAN), as text. */
  rawKeys(cache: Cache): Promise<string[]>;
  /** Sends a raw command to the primary, bypassing keys and codecs. */
  raw(cache: Cache, name: string, ...args: (string | number | Buffer)[]): Promise<Reply>;
  /** Polls until `check` returns true (for replication and expiry), failing after `timeoutMs`. */
  until(check: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  /** Reads with replication in mind: polls until `read()` satisfies `accept`, and returns it. */
  eventually<T>(
    read: () => Promise<T>,
    accept: (value: T) => boolean,
    timeoutMs?: number,
  ): Promise<T>;
}

/**
 * A random key prefix. By default it is a hash tag (`{cx-…}`): on a cluster every key under it
 * maps to one slot, which keeps raw multi-key assertions and atomic multi-key commands
 * possible. `spread: true` gives a plain one (`cx-…`), whose keys spread over the slots.
 */
export function randomPrefix(options: { spread?: boolean } = {}): string {
  const id = `cx-${randomBytes(6).toString('hex')}`;
  return options.spread === true ? id : `{${id}}`;
}

export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
