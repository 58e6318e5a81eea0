import { createCodec } from '@cachex/codecs';
import { createCache } from '@cachex/core';
import { describeCacheConformance, getTestServers } from '@cachex/testing';
import { createStandaloneTransport } from '../src/index.js';

// Each driver gets its own database for the tests that wipe one (flushDb); every other test
// isolates itself with a random key prefix on database 0.
const drivers = [
  { driver: 'ioredis', isolatedDb: 11 },
  { driver: 'iovalkey', isolatedDb: 12 },
] as const;

for (const { driver, isolatedDb } of drivers) {
  describeCacheConformance({
    name: `standalone × ${driver}`,
    createCache: ({ isolatedDatabase, codec, ...options }) => {
      const { url } = getTestServers().standalone;
      return createCache({
        transport: createStandaloneTransport({
          location: url,
          driver,
          db: isolatedDatabase ? isolatedDb : 0,
        }),
        codec: codec ?? createCodec(),
        ...options,
      });
    },
  });
}
