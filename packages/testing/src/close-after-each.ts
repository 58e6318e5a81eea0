import { createCodec } from '@cachex/codecs';
import { type Cache, createCache, type Transport } from '@cachex/core';
import { afterEach } from 'vitest';
import { randomPrefix } from './conformance/harness.js';

/** A cache over a transport, and the prefix of its keys. */
export interface OpenedCache<T extends Transport> {
  prefix: string;
  transport: T;
  cache: Cache;
}

/** Registers what a test opens, to be closed after it (see {@link closeAfterEach}). */
export interface Closers {
  /** Calls `close` after the current test. */
  add(close: () => Promise<unknown>): void;
  /**
   * A cache over `transport`, with the default codec and its keys under `prefix` (by default a
   * fresh {@link randomPrefix}); the transport is closed after the current test.
   */
  cache<T extends Transport>(transport: T, prefix?: string): OpenedCache<T>;
}

/**
 * Registers an `afterEach` hook that closes, all at once, what the file's tests handed to the
 * returned {@link Closers}, so that an assertion that fails leaves no connection open. Call it
 * at the top level of a test file.
 *
 * @example
 * ```ts
 * const closers = closeAfterEach();
 * it('…', async () => {
 *   const { cache } = closers.cache(createStandaloneTransport({ location: url }));
 * });
 * ```
 */
export function closeAfterEach(): Closers {
  const pending: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await Promise.all(pending.splice(0).map((close) => close()));
  });
  return {
    add(close) {
      pending.push(close);
    },
    cache(transport, prefix = randomPrefix()) {
      pending.push(() => transport.close());
      return {
        prefix,
        transport,
        cache: createCache({ transport, codec: createCodec(), keyPrefix: prefix }),
      };
    },
  };
}
