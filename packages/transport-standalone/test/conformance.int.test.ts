import { createCodec } from '@cachex/codecs';
import { createCache } from '@cachex/core';
import {
  describeCacheConformance,
  getTestServers,
  withKeySpecCheck,
  withReplicaSync,
} from '@cachex/testing';
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

// Reads go to the replica; after each write the test transport waits for the replica to
// acknowledge it (WAIT), so assertions read replicated data without sleeping. Every command's
// key spec is also checked against the server's COMMAND GETKEYS on this configuration.
describeCacheConformance({
  name: 'primary+replica × ioredis (reads from the replica, key specs checked)',
  capabilities: { replicaReads: true },
  createCache: ({ isolatedDatabase, codec, ...options }) => {
    const { primary, replica } = getTestServers().replicaSet;
    const transport = createStandaloneTransport({
      location: [primary.url, replica.url],
      driver: 'ioredis',
      readFrom: 'replica',
      db: isolatedDatabase ? 13 : 0,
    });
    return createCache({
      transport: withReplicaSync(withKeySpecCheck(transport)),
      codec: codec ?? createCodec(),
      ...options,
    });
  },
});
