// A short tour of cachex on a throwaway redis-server (started on a free port, stopped at the end).
// Run it with `bash scripts/example.sh` from the repository root.
import { createCodec } from '@cachex/codecs';
import { createCache } from '@cachex/core';
import { startRedisServer } from '@cachex/testing/servers';
import { createStandaloneTransport } from '@cachex/transport-standalone';

const server = await startRedisServer();
console.log(`redis-server started on ${server.url} (pid ${server.pid})`);

const cache = createCache({
  transport: createStandaloneTransport({ location: `${server.url}/0` }),
  codec: createCodec({ serializer: 'json', compressor: 'zstd', minLength: 256 }),
  keyPrefix: 'example',
  timeout: 300,
});

try {
  await cache.set('user:42', { name: 'Ada', roles: ['admin'] }, { timeout: 60 });
  console.log('get user:42          →', await cache.get('user:42'));
  console.log('ttl user:42          →', await cache.ttl('user:42'), 's');
  console.log('stored key           →', cache.makeKey('user:42'));

  console.log('set nx (exists)      →', await cache.set('user:42', 'other', { nx: true }));
  console.log('getOrSet (computed)  →', await cache.getOrSet('answer', async () => 6 * 7));
  console.log(
    'incr hits ×3         →',
    await cache.incr('hits'),
    await cache.incr('hits'),
    await cache.incr('hits', 10),
  );

  await cache.setMany({ a: 1, b: 'two' }, { timeout: 30 });
  console.log(
    'getMany a,b,missing  →',
    Object.fromEntries(await cache.getMany(['a', 'b', 'missing'])),
  );

  await cache.set('big', 'compressible text '.repeat(100));
  const raw = (await cache
    .getClient<{ getBuffer(k: string): Promise<Buffer> }>()
    .getBuffer(cache.makeKey('big')))!;
  console.log(
    'big value on server  →',
    raw.length,
    'bytes (zstd), read back',
    String(await cache.get('big')).length,
    'chars',
  );

  console.log('incrVersion user:42  →', await cache.incrVersion('user:42'));
  console.log(
    'get user:42 v1 / v2  →',
    await cache.get('user:42'),
    '/',
    await cache.get('user:42', { version: 2 }),
  );
  console.log('keys *               →', (await cache.keys()).sort());
  console.log('clear                →', await cache.clear(), 'keys removed');
} finally {
  await cache.close();
  await server.stop();
  console.log('redis-server stopped');
}
