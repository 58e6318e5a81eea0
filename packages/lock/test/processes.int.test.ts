import { realpathSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  builtPackageChild,
  type ChildResult,
  closeAfterEach,
  getTestServers,
  lingeringHandles,
  randomPrefix,
} from '@cachex/testing';
import { createClusterTransport } from '@cachex/transport-cluster';
import { createStandaloneTransport } from '@cachex/transport-standalone';
import { describe, expect, it } from 'vitest';

// Separate Node processes, each running the built packages, contend for one lock: they share
// nothing but the server, as the services of a deployment would.

const packageDir = new URL('..', import.meta.url);

/** The built entry of a dev dependency, as the lock's own build resolves it (same instance). */
function builtEntry(name: string): string {
  const link = fileURLToPath(new URL(`node_modules/${name}/dist/index.js`, packageDir));
  return pathToFileURL(realpathSync(link)).href;
}

const modules = JSON.stringify({
  core: builtEntry('@cachex/core'),
  codecs: builtEntry('@cachex/codecs'),
  standalone: builtEntry('@cachex/transport-standalone'),
  cluster: builtEntry('@cachex/transport-cluster'),
  memory: builtEntry('@cachex/transport-memory'),
});

const child = builtPackageChild(
  packageDir,
  `
const [mode, kind, location, prefix, workersText, sectionsText, modulesJson] = process.argv.slice(2);
const urls = JSON.parse(modulesJson);
const { createCache } = await import(urls.core);
const { createCodec } = await import(urls.codecs);

if (mode === 'timers') {
  // Waiting that is aborted and auto-extension must leave no timer behind.
  const { createMemoryTransport } = await import(urls.memory);
  const transport = createMemoryTransport();
  const cache = createCache({ transport, codec: createCodec() });
  const holder = pkg.createLock(cache, 'job', { timeout: 60 });
  await holder.acquire();
  const controller = new AbortController();
  const waiting = outcome(pkg.createLock(cache, 'job', { sleep: 30 }).acquire({ signal: controller.signal }));
  setTimeout(() => controller.abort(), 20);
  await waiting;
  await outcome(pkg.withLock(cache, 'other', () => new Promise((r) => setTimeout(r, 100)), { timeout: 0.06, autoExtend: true }));
  await outcome(holder.release());
  await closeAndReport(transport, []);
} else {
  const { createStandaloneTransport } = await import(urls.standalone);
  const { createClusterTransport } = await import(urls.cluster);
  const transport = kind === 'cluster'
    ? createClusterTransport({ location })
    : createStandaloneTransport({ location });
  const cache = createCache({ transport, codec: createCodec(), keyPrefix: prefix });
  const workers = Number(workersText);
  const sections = Number(sectionsText);
  // Start together, so that every process contends with every other.
  const index = await cache.incr('ready');
  while (Number(await cache.get('ready')) < workers) await new Promise((r) => setTimeout(r, 2));

  const pause = () => {
    const ms = Math.random() * 2;
    return new Promise((r) => (ms < 1 ? setImmediate(r) : setTimeout(r, ms)));
  };
  const criticalSection = async () => {
    const value = (await cache.get('counter')) ?? 0;
    await pause();
    await cache.set('counter', value + 1, { timeout: null });
  };
  const options = { timeout: 10, sleep: 0.005 };
  const tokens = [];
  const begin = performance.now();
  for (let i = 0; i < sections; i++) {
    if (mode === 'unlocked') {
      await criticalSection();
    } else if (index % 2 === 0) {
      await pkg.withLock(cache, 'counter-lock', async ({ fencingToken }) => {
        tokens.push(fencingToken);
        await criticalSection();
      }, options);
    } else {
      const lock = pkg.createLock(cache, 'counter-lock', options);
      tokens.push(await lock.acquire());
      try {
        await criticalSection();
      } finally {
        await lock.release();
      }
    }
  }
  const loopMs = performance.now() - begin;
  await transport.close();
  const resources = process.getActiveResourcesInfo();
  process.stdout.write(JSON.stringify({ resources, codes, closeMs: 0, loopMs, tokens }) + '\\n');
}
`,
  { safetyKillMs: 90_000 },
);

type ContenderResult = ChildResult & { loopMs?: number; tokens?: number[] };

const closers = closeAfterEach();
const WORKERS = 8;
const SECTIONS = 200;

async function contend(kind: 'standalone' | 'cluster', mode: 'locked' | 'unlocked') {
  const servers = getTestServers();
  const location = kind === 'cluster' ? servers.cluster.url : servers.standalone.url;
  const prefix = randomPrefix({ spread: true });
  const begin = performance.now();
  const results = (await Promise.all(
    Array.from({ length: WORKERS }, () =>
      child.run([mode, kind, location, prefix, String(WORKERS), String(SECTIONS), modules]),
    ),
  )) as ContenderResult[];
  const wallMs = Math.round(performance.now() - begin);
  const transport =
    kind === 'cluster'
      ? createClusterTransport({ location })
      : createStandaloneTransport({ location });
  const { cache } = closers.cache(transport, prefix);
  for (const result of results) {
    expect(result.stderr).toBe('');
    expect(result.killed).toBe(false);
    expect(result.exitCode).toBe(0);
    expect(lingeringHandles(result.resources)).toEqual([]);
  }
  const counter = await cache.get<number>('counter');
  const slowestLoopMs = Math.round(Math.max(...results.map((r) => r.loopMs ?? 0)));
  return { results, counter, wallMs, slowestLoopMs };
}

describe('lock across processes', () => {
  it.each(['standalone', 'cluster'] as const)(
    '8 processes × 200 critical sections on %s: the counter ends at exactly 1,600',
    async (kind) => {
      const { results, counter, wallMs, slowestLoopMs } = await contend(kind, 'locked');
      expect(counter).toBe(WORKERS * SECTIONS);
      // Every acquisition took the next fencing token, once: 1…1600, each process in order.
      const tokens = results.flatMap((r) => r.tokens ?? []);
      expect(tokens.toSorted((a, b) => a - b)).toEqual(
        Array.from({ length: WORKERS * SECTIONS }, (_, i) => i + 1),
      );
      for (const r of results) {
        expect(r.tokens).toEqual((r.tokens ?? []).toSorted((a, b) => a - b));
      }
      console.log(
        `[lock] ${kind}: ${WORKERS} processes × ${SECTIONS} critical sections → counter ${counter} in ${wallMs} ms wall (process start included; slowest section loop ${slowestLoopMs} ms, ${(slowestLoopMs / (WORKERS * SECTIONS)).toFixed(2)} ms per section)`,
      );
    },
    120_000,
  );

  it('the same run without the lock loses updates (the check can fail)', async () => {
    const { counter, wallMs } = await contend('standalone', 'unlocked');
    expect(counter).toBeLessThan(WORKERS * SECTIONS);
    console.log(
      `[lock] standalone without the lock: counter ${counter} of ${WORKERS * SECTIONS} in ${wallMs} ms`,
    );
  }, 120_000);

  it('an aborted wait and auto-extension leave no timer: the process exits on its own', async () => {
    const result = await child.run(['timers', 'memory', '', '', '0', '0', modules]);
    expect(result.stderr).toBe('');
    expect(result.killed).toBe(false);
    expect(result.exitCode).toBe(0);
    expect(result.codes).toEqual(['E_LOCK_ABORTED', 'ok', 'ok']);
    expect(lingeringHandles(result.resources)).toEqual([]);
  }, 30_000);
});
