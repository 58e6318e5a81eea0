// The shop on the caches of the smart defaults: a cachex.config.{json,yaml} file when there is
// one, else CACHEX_URL / VALKEY_URL / REDIS_URL (CACHEX_BACKEND=redis-cluster for a cluster),
// else the embedded memory backend. PORT (default 3000, 0 = any free port) and HOST (default
// 127.0.0.1) say where it listens; SIGINT/SIGTERM stop it gracefully.
import { type Caches, createCaches, isCachexError, loadConfig } from '@cachex/all';
import { createApp } from './app.js';

function port(): number {
  const text = process.env.PORT?.trim() || '3000';
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535) {
    throw new Error(`PORT must be a port number from 0 to 65535, got ${JSON.stringify(text)}`);
  }
  return value;
}

async function main(): Promise<void> {
  const production = /^production$/i.test(process.env.CACHEX_ENV ?? process.env.NODE_ENV ?? '');
  if (production && !process.env.SESSION_SECRET) {
    throw new Error('set SESSION_SECRET in production (it signs the session cookies)');
  }
  const config = await loadConfig();
  const caches: Caches = createCaches(config);
  const cache = caches.get('default');
  const sessionCache = caches.aliases.includes('sessions') ? caches.get('sessions') : undefined;
  const backend = config.default?.backend ?? 'unknown';

  const shop = await createApp({
    cache,
    sessionCache,
    backend,
    sessionSecret: process.env.SESSION_SECRET,
  });
  const { url } = await shop.listen(port(), process.env.HOST?.trim() || '127.0.0.1');
  console.log(`cachex example listening on ${url} (backend: ${backend})`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: closing the HTTP server and the caches`);
    shop
      .close()
      .then(() => caches.close())
      .then(
        () => console.log('bye'),
        (error: unknown) => {
          console.error('shutdown failed:', error);
          process.exitCode = 1;
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(
    'cachex example failed to start:',
    isCachexError(error) || error instanceof Error ? error.message : error,
  );
  process.exit(1);
});
