import { setTimeout as delay } from 'node:timers/promises';
import { createCodec } from '@cachex/codecs';
import { type Cache, createCache } from '@cachex/core';
import {
  countUnhandledRejections,
  type LoadLoop,
  type RedisServerHandle,
  randomPrefix,
  startLoad,
  startRedisServer,
} from '@cachex/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStandaloneTransport } from '../src/index.js';

// Faults under load on a private server: SIGKILL then restart, SIGSTOP then SIGCONT. Every
// call must settle within the command timeout plus a margin, the driver's queues must stay
// small, no rejection may go unhandled, and calls must succeed again soon after the server
// is back. The figures are printed (docs/reliability.md quotes them).

const SOCKET_TIMEOUT_MS = 1000;
const MARGIN_MS = 500;
const OUTAGE_MS = 3000;
const RECOVERY_MS = 5000;
const WORKERS = 8;
/** The hang of the fire-and-forget test: long enough to tell bounded from unbounded. */
const LONG_OUTAGE_MS = 8000;

interface Queues {
  offlineQueue?: { length: number };
  commandQueue?: { length: number };
}

/** Samples the largest number of commands the driver holds (offline + sent, unanswered). */
function sampleQueues(client: Queues): { readonly max: number; stop(): void } {
  let max = 0;
  const timer = setInterval(() => {
    const held = (client.offlineQueue?.length ?? 0) + (client.commandQueue?.length ?? 0);
    if (held > max) max = held;
  }, 5);
  return {
    get max() {
      return max;
    },
    stop: () => clearInterval(timer),
  };
}

for (const driver of ['ioredis', 'iovalkey'] as const) {
  describe(`faults under load on a private server (${driver})`, () => {
    let server: RedisServerHandle;

    beforeAll(async () => {
      server = await startRedisServer({ name: `reliability-${driver}` });
    });
    afterAll(async () => {
      await server?.stop();
    });

    function openCache(ignoreExceptions: boolean): Cache {
      return createCache({
        transport: createStandaloneTransport({
          location: server.url,
          driver,
          socketTimeoutMs: SOCKET_TIMEOUT_MS,
        }),
        codec: createCodec(),
        keyPrefix: randomPrefix(),
        ignoreExceptions,
      });
    }

    /**
     * Runs the load, applies `fault` after a warm-up, keeps the load on for the outage, ends
     * the fault, and waits for a successful call; prints and returns the figures.
     */
    async function underFault(
      scenario: string,
      cache: Cache,
      call: (worker: number, i: number) => Promise<unknown>,
      fault: { start: () => Promise<void> | void; end: () => Promise<void> | void },
    ) {
      const unhandled = countUnhandledRejections();
      const queues = sampleQueues(cache.getClient() as Queues);
      let load: LoadLoop | undefined;
      try {
        await cache.set('warm', 1);
        load = startLoad(call, WORKERS);
        await delay(300);
        await fault.start();
        await delay(OUTAGE_MS);
        await fault.end();
        const back = performance.now();
        const firstOk = await load.firstSuccessAfter(back, RECOVERY_MS);
        await delay(300);
        await load.stop();
        const figures = {
          scenario: `${scenario} (${driver})`,
          ...load.report(),
          recoveryMs: Math.round(firstOk - back),
          maxQueued: queues.max,
          unhandledRejections: unhandled.count,
        };
        console.log(`[reliability] ${JSON.stringify(figures)}`);
        return figures;
      } finally {
        await load?.stop();
        queues.stop();
        unhandled.stop();
        await cache.close();
      }
    }

    const getSet = (cache: Cache) => (worker: number, i: number) =>
      i % 2 === 0 ? cache.set(`k${worker}`, i) : cache.get(`k${worker}`);

    it('SIGKILL then restart: bounded calls, recovery within 5 s', async () => {
      const cache = openCache(false);
      const figures = await underFault('standalone SIGKILL', cache, getSet(cache), {
        start: () => server.kill(),
        end: () => server.restart(),
      });
      expect(figures.failed).toBeGreaterThan(0);
      expect(figures.longestMs).toBeLessThanOrEqual(SOCKET_TIMEOUT_MS + MARGIN_MS);
      expect(figures.recoveryMs).toBeLessThanOrEqual(RECOVERY_MS);
      expect(figures.unhandledRejections).toBe(0);
      // The offline queue does not grow with the outage: calls are flushed as they fail.
      expect(figures.maxQueued).toBeLessThanOrEqual(WORKERS * 2);
    }, 30_000);

    it('SIGSTOP then SIGCONT: bounded calls, recovery within 5 s', async () => {
      const cache = openCache(false);
      const figures = await underFault('standalone SIGSTOP', cache, getSet(cache), {
        start: () => server.pause(),
        end: () => server.resume(),
      });
      expect(figures.failed).toBeGreaterThan(0);
      expect(figures.longestMs).toBeLessThanOrEqual(SOCKET_TIMEOUT_MS + MARGIN_MS);
      expect(figures.recoveryMs).toBeLessThanOrEqual(RECOVERY_MS);
      expect(figures.unhandledRejections).toBe(0);
      // A hung server's connection is dropped (no reply within the timeout while commands
      // wait), so commands sent to it do not pile up for the whole outage.
      expect(figures.maxQueued).toBeLessThanOrEqual(WORKERS * 2 * 4);
    }, 30_000);

    it('SIGSTOP under fire-and-forget load: the driver does not hold commands for the whole outage', async () => {
      // Callers that do not wait for each other (a web server under traffic) keep sending
      // while the server hangs. Commands sent to a hung server stay queued on its connection
      // until a reply comes; the connection must be dropped after the command timeout so that
      // they are released, rather than pile up for as long as the server hangs.
      const cache = openCache(true);
      const unhandled = countUnhandledRejections();
      const queues = sampleQueues(cache.getClient() as Queues);
      try {
        await cache.set('warm', 1);
        server.pause();
        const pending: Promise<unknown>[] = [];
        const until = performance.now() + LONG_OUTAGE_MS;
        while (performance.now() < until) {
          pending.push(cache.get('k'));
          await delay(2);
        }
        server.resume();
        await Promise.all(pending);
        console.log(
          `[reliability] ${JSON.stringify({ scenario: `standalone SIGSTOP fire-and-forget (${driver})`, calls: pending.length, maxQueued: queues.max, unhandledRejections: unhandled.count })}`,
        );
        // At most about two reconnection attempts' worth of calls (each attempt waits one
        // command timeout for the hung server; the offline queue is flushed every second
        // attempt), not the whole outage's.
        const perMs = pending.length / LONG_OUTAGE_MS;
        expect(queues.max).toBeLessThan(perMs * 2.5 * (SOCKET_TIMEOUT_MS + MARGIN_MS) * 0.9);
        expect(unhandled.count).toBe(0);
      } finally {
        queues.stop();
        unhandled.stop();
        await cache.close();
      }
    }, 30_000);

    for (const [label, start, end] of [
      ['SIGKILL', () => server.kill(), () => server.restart()],
      ['SIGSTOP', () => server.pause(), () => server.resume()],
    ] as const) {
      it(`ignoreExceptions, ${label}: gets return their default, the app never sees an exception`, async () => {
        const cache = openCache(true);
        let defaults = 0;
        const figures = await underFault(
          `standalone ${label} ignoreExceptions`,
          cache,
          async (worker, i) => {
            if (i % 2 === 0) return cache.set(`k${worker}`, i);
            const value = await cache.get(`k${worker}`, { default: 'default' });
            if (value === 'default') defaults += 1;
            return value;
          },
          { start, end },
        );
        expect(figures.failed).toBe(0);
        expect(defaults).toBeGreaterThan(0);
        expect(figures.longestMs).toBeLessThanOrEqual(SOCKET_TIMEOUT_MS + MARGIN_MS);
        expect(figures.recoveryMs).toBeLessThanOrEqual(RECOVERY_MS);
        expect(figures.unhandledRejections).toBe(0);
      }, 30_000);
    }
  });
}
