import { createCodec } from '@cachex/codecs';
import { createCache } from '@cachex/core';
import { describeCacheConformance } from '@cachex/testing';
import { createMemoryTransport, MemoryStore } from '../src/index.js';

// Caches of one test may share keys (same prefix) and expect flushDb to reach the others, so
// every transport connects to one store, like clients of one server; tests that wipe the
// database get a store of their own. Random prefixes keep the other tests apart.
const shared = new MemoryStore();
const isolated = new MemoryStore();

describeCacheConformance({
  name: 'memory',
  createCache: ({ isolatedDatabase, codec, ...options }) =>
    createCache({
      transport: createMemoryTransport({ store: isolatedDatabase ? isolated : shared }),
      codec: codec ?? createCodec(),
      ...options,
    }),
});
