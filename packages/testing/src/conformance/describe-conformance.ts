import type { Cache, Reply } from '@cachex/core';
import { globEscape } from '@cachex/core';
import { afterEach, describe, expect, it } from 'vitest';
import { codecGroup } from './groups/codecs.js';
import { errorGroup } from './groups/errors.js';
import { getOrSetGroup } from './groups/get-or-set.js';
import { hashGroup } from './groups/hashes.js';
import { hostileInputGroup } from './groups/hostile-input.js';
import { keyGroup } from './groups/keys.js';
import { listGroup } from './groups/lists.js';
import { manyGroup } from './groups/many.js';
import { pipelineGroup } from './groups/pipelines.js';
import { scriptGroup } from './groups/scripts.js';
import { setGroup } from './groups/sets.js';
import { sortedSetGroup } from './groups/sorted-sets.js';
import { spreadKeysGroup } from './groups/spread-keys.js';
import { stringGroup } from './groups/strings.js';
import { timeoutGroup } from './groups/timeouts.js';
import { versionGroup } from './groups/versions.js';
import { type ConformanceOptions, type Harness, randomPrefix, until } from './harness.js';

/**
 * Registers the whole Cache behaviour as vitest tests against one transport configuration.
 * Each test gets caches with a fresh random key prefix, closed after the test.
 *
 * @example
 * ```ts
 * describeCacheConformance({
 *   name: 'standalone × ioredis',
 *   createCache: ({ keyPrefix, ...rest }) => createCache({ transport: createStandaloneTransport({ location: url }), codec: createCodec(), keyPrefix, ...rest }),
 * });
 * ```
 */
export function describeCacheConformance(options: ConformanceOptions): void {
  describe(`Cache conformance: ${options.name}`, () => {
    const open: Cache[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)));
    });
    const h: Harness = {
      options,
      async cache(overrides = {}) {
        const cache = await options.createCache({ keyPrefix: randomPrefix(), ...overrides });
        open.push(cache);
        return cache;
      },
      prefix: randomPrefix,
      test(name, need, reason, body) {
        if (options.capabilities?.[need] !== false) {
          it(name, body);
          return;
        }
        it(`not run here: ${name} (${reason})`, () => {
          expect(options.capabilities?.[need]).toBe(false);
        });
      },
      async rawKeys(cache) {
        const found = new Set<string>();
        const match = `${globEscape(cache.keyPrefix)}:*`;
        for await (const page of cache.context.transport.scan({ match, count: 1000 })) {
          for (const key of page) found.add(key.toString('utf8'));
        }
        return [...found].sort();
      },
      raw(cache, name, ...args): Promise<Reply> {
        return cache.context.transport.command(name, args);
      },
      until,
      async eventually(read, accept, timeoutMs = 5000) {
        let last = await read();
        await until(async () => {
          last = await read();
          return accept(last);
        }, timeoutMs);
        return last;
      },
    };
    stringGroup(h);
    getOrSetGroup(h);
    timeoutGroup(h);
    manyGroup(h);
    versionGroup(h);
    keyGroup(h);
    codecGroup(h);
    errorGroup(h);
    hashGroup(h);
    setGroup(h);
    sortedSetGroup(h);
    listGroup(h);
    pipelineGroup(h);
    hostileInputGroup(h);
    spreadKeysGroup(h);
    scriptGroup(h);
  });
}
