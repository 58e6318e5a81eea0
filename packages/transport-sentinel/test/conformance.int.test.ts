import { createCodec } from '@cachex/codecs';
import { createCache } from '@cachex/core';
import { describeCacheConformance, getTestServers, withReplicaSync } from '@cachex/testing';
import { createSentinelTransport } from '../src/index.js';

// The shared sentinel topology (a primary, a replica, three sentinels). Each configuration gets
// its own database for the tests that wipe one (flushDb); every other test isolates itself with
// a random key prefix on database 0.
const drivers = [
  { driver: 'ioredis', isolatedDb: 14 },
  { driver: 'iovalkey', isolatedDb: 15 },
] as const;

for (const { driver, isolatedDb } of drivers) {
  describeCacheConformance({
    name: `sentinel × ${driver}`,
    createCache: ({ isolatedDatabase, codec, ...options }) => {
      const { url, sentinels } = getTestServers().sentinel;
      return createCache({
        transport: createSentinelTransport({
          location: `${url}/${isolatedDatabase ? isolatedDb : 0}`,
          sentinels,
          driver,
        }),
        codec: codec ?? createCodec(),
        ...options,
      });
    },
  });
}

// Reads go to the replica the sentinels list (the URL names the sentinels this time); after
// each write the test transport waits for the replica to acknowledge it (WAIT), so assertions
// read replicated data without sleeping.
describeCacheConformance({
  name: 'sentinel × iovalkey (reads from the replica)',
  capabilities: { replicaReads: true },
  createCache: ({ isolatedDatabase, codec, ...options }) => {
    const { url, sentinels } = getTestServers().sentinel;
    const list = sentinels.map((s) => `${s.host}:${s.port}`).join(',');
    const transport = createSentinelTransport({
      location: `${url}?db=${isolatedDatabase ? 13 : 0}&sentinels=${list}`,
      driver: 'iovalkey',
      readFrom: 'replica',
    });
    return createCache({
      transport: withReplicaSync(transport),
      codec: codec ?? createCodec(),
      ...options,
    });
  },
});
