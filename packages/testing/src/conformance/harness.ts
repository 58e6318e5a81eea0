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

/** What the transport can do; groups it cannot run are left out (and say so in their name). */
export interface ConformanceCapabilities {
  /** The transport routes reads to a replica: assertions poll for replication. */
  replicaReads?: boolean;
}

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
  /** A random prefix, for tests that build several caches sharing one. */
  prefix(): string;
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

export function randomPrefix(): string {
  return `cx-${randomBytes(6).toString('hex')}`;
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
