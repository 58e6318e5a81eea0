import { createCodec } from '@cachex/codecs';
import { createCache } from '@cachex/core';
import { describeCacheConformance, getTestServers, withKeySpecCheck } from '@cachex/testing';
import { createClusterTransport } from '../src/index.js';

// The shared 6-node cluster (3 primaries, 3 replicas). A cluster has one database shared by
// every test of the run, so the flushDb test is listed as not run here; every other test
// isolates itself with a random key prefix (a hash tag, so that a test's keys share a slot,
// except in the group of keys spread over slots).
for (const driver of ['ioredis', 'iovalkey'] as const) {
  describeCacheConformance({
    name: `cluster × ${driver}`,
    capabilities: { isolatedDatabase: false },
    createCache: ({ isolatedDatabase: _, codec, ...options }) =>
      createCache({
        transport: createClusterTransport({ location: getTestServers().cluster.url, driver }),
        codec: codec ?? createCodec(),
        ...options,
      }),
  });
}

// Every command's key spec checked against the server's COMMAND GETKEYS: a wrong one would
// route a command to the wrong node.
describeCacheConformance({
  name: 'cluster × ioredis (key specs checked)',
  capabilities: { isolatedDatabase: false },
  createCache: ({ isolatedDatabase: _, codec, ...options }) =>
    createCache({
      transport: withKeySpecCheck(
        createClusterTransport({ location: getTestServers().cluster.url, driver: 'ioredis' }),
      ),
      codec: codec ?? createCodec(),
      ...options,
    }),
});
