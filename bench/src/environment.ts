import { type CodecOptions, createCodec } from '@cachex/codecs';
import { type Cache, type CacheOptions, createCache } from '@cachex/core';
import type { RedisServerHandle } from '@cachex/testing/servers';
import { createStandaloneTransport } from '@cachex/transport-standalone';
import { Redis, type RedisOptions } from 'ioredis';
import { Redis as Valkey } from 'iovalkey';
import { createClient } from 'redis';

/** A node-redis client speaking RESP2 (string replies), not connected yet. */
function makeNodeRedis(host: string, port: number) {
  return createClient({ socket: { host, port }, RESP: 2 });
}

/** A node-redis client as {@link BenchEnvironment.nodeRedis} makes it. */
export type NodeRedisClient = ReturnType<typeof makeNodeRedis>;

/**
 * What the server sections share: one throwaway server, the cachex caches under test and the raw
 * ioredis baseline, each on a connection of its own to that same server.
 */
export interface BenchEnvironment {
  readonly server: RedisServerHandle;
  /**
   * A cache on its own standalone transport (ioredis driver), closed by {@link closeAll}.
   * `options` adds cache options (`nearCache`, …) to the transport, codec and prefix.
   */
  cache(codec: CodecOptions, keyPrefix: string, options?: ExtraCacheOptions): Cache;
  /** A raw ioredis client, closed by {@link closeAll}. */
  raw(options?: RedisOptions): Redis;
  /** A raw iovalkey client (the ioredis fork; RESP2 only), closed by {@link closeAll}. */
  valkey(): Valkey;
  /** A connected node-redis client (`RESP: 2`), closed by {@link closeAll}. */
  nodeRedis(): Promise<NodeRedisClient>;
  closeAll(): Promise<void>;
}

/** Cache options besides the ones {@link BenchEnvironment.cache} sets itself. */
export type ExtraCacheOptions = Omit<CacheOptions, 'transport' | 'codec' | 'keyPrefix'>;

/**
 * Raw ioredis as a user would configure it, except `protocol: 2`: the cachex transport speaks
 * RESP2 (ioredis 6 defaults to RESP3), and the wire protocol should not be what differs.
 */
const RAW_OPTIONS: RedisOptions = { protocol: 2 };

export function createEnvironment(server: RedisServerHandle): BenchEnvironment {
  const caches: Cache[] = [];
  const clients: Redis[] = [];
  const valkeys: Valkey[] = [];
  const nodeRedisClients: NodeRedisClient[] = [];
  return {
    server,
    cache(codec, keyPrefix, options) {
      const cache = createCache({
        ...options,
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
    valkey() {
      const client = new Valkey({ host: server.host, port: server.port });
      valkeys.push(client);
      return client;
    },
    async nodeRedis() {
      const client = makeNodeRedis(server.host, server.port);
      // node-redis emits connection errors as events; an unhandled 'error' event would crash.
      client.on('error', (error: unknown) => console.error('node-redis:', error));
      nodeRedisClients.push(client);
      await client.connect();
      return client;
    },
    async closeAll() {
      // allSettled: one failed close must not leave the other connections (or the server) up.
      await Promise.allSettled([
        ...caches.splice(0).map((cache) => cache.close()),
        ...clients.splice(0).map((client) => client.quit()),
        ...valkeys.splice(0).map((client) => client.quit()),
        ...nodeRedisClients.splice(0).map((client) => client.close()),
      ]);
    },
  };
}
