import { setTimeout as delay } from 'node:timers/promises';
import { createCodec } from '@cachex/codecs';
import { type Cache, createCache, type TransportEventName } from '@cachex/core';
import {
  countUnhandledRejections,
  type LoadLoop,
  randomPrefix,
  type SentinelTopologyHandle,
  startLoad,
  startSentinelTopology,
} from '@cachex/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createSentinelTransport, type SentinelTransport } from '../src/index.js';

// A sentinel failover under load, on a private topology (a primary, a replica, three sentinels
// with down-after-milliseconds 1000) for each test: the primary is SIGKILLed while workers call
// the cache, and the sentinels elect the replica (about 2.5 s here). Every call must settle
// within the command timeout plus a margin, no rejection may go unhandled, calls must succeed
// again soon after the kill, and the transport must report the failover. The figures are
// printed (docs/reliability.md quotes them).

const SOCKET_TIMEOUT_MS = 1000;
const MARGIN_MS = 500;
/** From the kill: the sentinels' election (~2.5 s) plus the driver's reconnection. */
const RECOVERY_MS = 10_000;
const WORKERS = 8;
const DRIVERS = ['ioredis', 'iovalkey'] as const;

const topologies: SentinelTopologyHandle[] = [];
const caches: Cache[] = [];

afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
  await Promise.all(topologies.splice(0).map((topology) => topology.stop()));
});

/** Writes the server took (`set` resolved true), for recovery when failures are swallowed. */
interface Served {
  record(began: number, ok: boolean): void;
  firstSuccessAfter(from: number, withinMs: number): Promise<number>;
}

function servedWrites(): Served {
  const seen: { began: number; at: number }[] = [];
  return {
    record(began, ok) {
      if (ok) seen.push({ began, at: performance.now() });
    },
    async firstSuccessAfter(from, withinMs) {
      const deadline = performance.now() + withinMs;
      for (;;) {
        const hit = seen.find((s) => s.began >= from);
        if (hit) return hit.at;
        if (performance.now() > deadline) throw new Error(`no write served within ${withinMs} ms`);
        await delay(10);
      }
    },
  };
}

interface Seen {
  event: TransportEventName;
  at: number;
  info?: unknown;
}

/** Records the transport's health events, with when they came. */
function recordEvents(transport: SentinelTransport): Seen[] {
  const seen: Seen[] = [];
  for (const event of ['error', 'reconnecting', 'ready', 'failover', 'close'] as const) {
    transport.on(event, (info?: unknown) => {
      seen.push({ event, at: performance.now(), ...(info === undefined ? {} : { info }) });
    });
  }
  return seen;
}

for (const driver of DRIVERS) {
  describe(`sentinel failover under load on a private topology (${driver})`, () => {
    async function open(ignoreExceptions: boolean) {
      const topology = await startSentinelTopology({
        name: `cx-sentinel-reliability-${driver}`,
        masterName: `cx-reliability-${driver}`,
      });
      topologies.push(topology);
      const { endpoints } = topology;
      const transport = createSentinelTransport({
        location: `${endpoints.url}/0`,
        sentinels: endpoints.sentinels,
        driver,
        socketTimeoutMs: SOCKET_TIMEOUT_MS,
      });
      const events = recordEvents(transport);
      const cache = createCache({
        transport,
        codec: createCodec(),
        keyPrefix: randomPrefix(),
        ignoreExceptions,
      });
      caches.push(cache);
      return { topology, transport, cache, events };
    }

    /**
     * Runs the load, SIGKILLs the primary after a warm-up, waits for the sentinels to elect the
     * replica and for a successful call, keeps the load on for a second more; prints and
     * returns the figures.
     */
    async function underFailover(
      scenario: string,
      topology: SentinelTopologyHandle,
      cache: Cache,
      call: (worker: number, i: number) => Promise<unknown>,
      served?: Served,
    ) {
      const unhandled = countUnhandledRejections();
      let load: LoadLoop | undefined;
      try {
        await cache.set('warm', 1);
        load = startLoad(call, WORKERS);
        await delay(300);
        const killAt = performance.now();
        await topology.primary.kill();
        const elected = await topology.waitForNewPrimary({ timeoutMs: RECOVERY_MS });
        // With ignoreExceptions every call resolves: recovery is the first write the server took.
        const firstOk = await (served ?? load).firstSuccessAfter(killAt, RECOVERY_MS);
        await delay(1000);
        await load.stop();
        const after = load.report(firstOk);
        const figures = {
          scenario: `sentinel SIGKILL primary${scenario} (${driver})`,
          ...load.report(),
          electedMs: Math.round(elected.ms),
          recoveryMs: Math.round(firstOk - killAt),
          failedAfterRecovery: after.failed,
          unhandledRejections: unhandled.count,
        };
        console.log(`[reliability] ${JSON.stringify(figures)}`);
        return { ...figures, killAt, promoted: elected };
      } finally {
        await load?.stop();
        unhandled.stop();
      }
    }

    const getSet = (cache: Cache) => (worker: number, i: number) =>
      i % 2 === 0 ? cache.set(`k${worker}`, i) : cache.get(`k${worker}`);

    /** The transport said the primary moved to the elected replica, and is ready there. */
    function expectFailoverReported(
      transport: SentinelTransport,
      events: readonly Seen[],
      killAt: number,
      promotedPort: number,
    ) {
      const later = events.filter((e) => e.at > killAt);
      const failovers = later.filter((e) => e.event === 'failover');
      expect(failovers.length, JSON.stringify(later)).toBeGreaterThanOrEqual(1);
      expect(failovers.at(-1)?.info).toMatchObject({
        current: expect.stringMatching(`:${promotedPort}$`),
      });
      expect(later.some((e) => e.event === 'ready')).toBe(true);
      expect(transport.status).toBe('ready');
    }

    it('SIGKILL of the primary: bounded calls, no unhandled rejection, calls succeed within 10 s, failover reported', async () => {
      const { topology, transport, cache, events } = await open(false);
      const figures = await underFailover('', topology, cache, getSet(cache));
      expect(figures.failed).toBeGreaterThan(0);
      // Only connection and timeout failures (never READONLY from the demoted primary).
      expect(
        Object.keys(figures.codes).filter((c) => c !== 'E_CONNECTION' && c !== 'E_TIMEOUT'),
      ).toEqual([]);
      expect(figures.longestMs).toBeLessThanOrEqual(SOCKET_TIMEOUT_MS + MARGIN_MS);
      expect(figures.recoveryMs).toBeLessThanOrEqual(RECOVERY_MS);
      expect(figures.unhandledRejections).toBe(0);
      expect(figures.promoted.server).toBe(topology.replica);
      expectFailoverReported(transport, events, figures.killAt, topology.replica.port);
    }, 60_000);

    it('ignoreExceptions, SIGKILL of the primary: gets return their default, the app never sees an exception', async () => {
      const { topology, transport, cache, events } = await open(true);
      let defaults = 0;
      let swallowed = 0;
      cache.on('ignoredError', () => {
        swallowed += 1;
      });
      const served = servedWrites();
      const figures = await underFailover(
        ', ignoreExceptions',
        topology,
        cache,
        async (worker, i) => {
          if (i % 2 === 0) {
            const began = performance.now();
            const ok = await cache.set(`k${worker}`, i);
            served.record(began, ok === true);
            return ok;
          }
          const value = await cache.get(`k${worker}`, { default: 'default' });
          if (value === 'default') defaults += 1;
          return value;
        },
        served,
      );
      console.log(
        `[reliability] ignoreExceptions (${driver}): ${swallowed} failures swallowed, ${defaults} gets returned their default`,
      );
      expect(figures.failed).toBe(0);
      expect(swallowed).toBeGreaterThan(0);
      expect(defaults).toBeGreaterThan(0);
      expect(figures.longestMs).toBeLessThanOrEqual(SOCKET_TIMEOUT_MS + MARGIN_MS);
      expect(figures.recoveryMs).toBeLessThanOrEqual(RECOVERY_MS);
      expect(figures.unhandledRejections).toBe(0);
      expectFailoverReported(transport, events, figures.killAt, topology.replica.port);
    }, 60_000);
  });
}
