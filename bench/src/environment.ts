import { type CodecOptions, createCodec } from '@cachex/codecs';
import { type Cache, createCache } from '@cachex/core';
import type { RedisServerHandle } from '@cachex/testing/servers';
import { createStandaloneTransport } from '@cachex/transport-standalone';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * What the server sections share: one throwaway server, the cachex caches under test and the raw
 * ioredis baseline, each on a connection of its own to that same server.
 */
export interface BenchEnvironment {
  readonly server: RedisServerHandle;
  /** A cache on its own standalone transport (ioredis driver), closed by {@link closeAll}. */
  cache(codec: CodecOptions, keyPrefix: string): Cache;
  /** A raw ioredis client, closed by {@link closeAll}. */
  raw(options?: RedisOptions): Redis;
  closeAll(): Promise<void>;
}

/**
 * Raw ioredis as a user would configure it, except `protocol: 2`: the cachex transport speaks
 * RESP2 (ioredis 6 defaults to RESP3), and the wire protocol should not be what differs.
 */
const RAW_OPTIONS: RedisOptions = { protocol: 2 };

export function createEnvironment(server: RedisServerHandle): BenchEnvironment {
  const caches: Cache[] = [];
  const clients: Redis[] = [];
  return {
    server,
    cache(codec, keyPrefix) {
      const cache = createCache({
        transport: createStandaloneTransport({ location: `${server.url}/0`, driver: 'ioredis' }),
        codec: createCodec(codec),
        keyPrefix,
      });
      caches.push(cache);
      return cache;
    },
    raw(options) {
      const client = new Redis({
        host: server.host,
        port: server.port,
        ...RAW_OPTIONS,
        ...options,
      });
      clients.push(client);
      return client;
    },
    async closeAll() {
      // allSettled: one failed close must not leave the other connections (or the server) up.
      await Promise.allSettled([
        ...caches.splice(0).map((cache) => cache.close()),
        ...clients.splice(0).map((client) => client.quit()),
      ]);
    },
  };
}
