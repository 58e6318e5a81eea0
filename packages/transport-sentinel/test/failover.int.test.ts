import { setTimeout as delay } from 'node:timers/promises';
import { createCodec } from '@cachex/codecs';
import { type Cache, createCache, isCachexError } from '@cachex/core';
import { type SentinelTopologyHandle, startSentinelTopology } from '@cachex/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createSentinelTransport, type ReadFrom } from '../src/index.js';

// Each test runs on a private topology (a primary, a replica, three sentinels with
// down-after-milliseconds 1000), faults it, and stops it.
const topologies: SentinelTopologyHandle[] = [];
const caches: Cache[] = [];

afterEach(async () => {
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
  await Promise.all(topologies.splice(0).map((topology) => topology.stop()));
});

interface Failure {
  at: number;
  code: string;
  message: string;
  /** The call that failed. */
  op: 'set' | 'get';
}

const isReadonly = (f: Failure): boolean => f.code === 'E_COMMAND' && /^READONLY/.test(f.message);

/**
 * A loop that writes then reads one key through the cache every ~20 ms, recording when each
 * call began and when the successful ones completed. A read must return the value just written;
 * with `staleReadsAllowed` (reads served by a replica, which replicates asynchronously) it may
 * also return an earlier value or nothing yet, but never a value that was not written.
 */
function startTraffic(cache: Cache, key: string, staleReadsAllowed: boolean) {
  const failures: Failure[] = [];
  const completions: number[] = [];
  const mismatches: { text: string; at: number; rollback: boolean }[] = [];
  let lastWritten = 0;
  let running = true;
  const done = (async () => {
    for (let i = 1; running; i += 1) {
      const began = performance.now();
      let op: Failure['op'] = 'set';
      try {
        await cache.set(key, i);
        lastWritten = i;
        op = 'get';
        const read = await cache.get<number>(key);
        const stale = read === undefined || (typeof read === 'number' && read >= 1 && read < i);
        if (read !== i && !(staleReadsAllowed && stale)) {
          mismatches.push({
            text: `wrote ${i}, read ${String(read)}`,
            at: performance.now(),
            // An older value that was written: a write lost, not a value made up.
            rollback: stale && read !== undefined,
          });
        }
        completions.push(performance.now());
      } catch (error) {
        failures.push({
          at: began,
          code: isCachexError(error) ? error.code : 'not a cachex error',
          message: error instanceof Error ? error.message : String(error),
          op,
        });
      }
      await delay(20);
    }
  })();
  return {
    failures,
    completions,
    mismatches,
    /** The value of the last write that succeeded. */
    get lastWritten() {
      return lastWritten;
    },
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** The longest time without a successful call around `from`: its length and its end. */
function longestGap(completions: readonly number[], from: number): { ms: number; end: number } {
  let best = { ms: 0, end: from };
  for (let i = 1; i < completions.length; i += 1) {
    const end = completions[i] ?? 0;
    const ms = end - (completions[i - 1] ?? 0);
    if (end > from && ms > best.ms) best = { ms, end };
  }
  return best;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check() && performance.now() < deadline) await delay(10);
}

const cases = [
  { fault: 'kill', driver: 'ioredis', readFrom: 'primary' },
  { fault: 'kill', driver: 'iovalkey', readFrom: 'primary' },
  { fault: 'kill', driver: 'ioredis', readFrom: 'preferReplica' },
  { fault: 'manual', driver: 'ioredis', readFrom: 'primary' },
  { fault: 'manual', driver: 'iovalkey', readFrom: 'primary' },
  { fault: 'pause', driver: 'ioredis', readFrom: 'primary' },
  { fault: 'pause', driver: 'iovalkey', readFrom: 'primary' },
] as const satisfies readonly {
  fault: 'kill' | 'manual' | 'pause';
  driver: 'ioredis' | 'iovalkey';
  readFrom: ReadFrom;
}[];

/** How long after a planned failover's switch reads may still show writes lost in it. */
const SWITCH_WINDOW_MS = 2000;

describe('failover', () => {
  it.each(cases)(
    '$fault of the primary, $driver, reads from $readFrom: writes resume on the new primary, never READONLY after',
    async ({ fault, driver, readFrom }) => {
      const topology = await startSentinelTopology({ name: `failover-${fault}-${driver}` });
      topologies.push(topology);
      const { endpoints, primary, replica } = topology;
      const cache = createCache({
        transport: createSentinelTransport({
          location: `${endpoints.url}/0`,
          sentinels: endpoints.sentinels,
          driver,
          readFrom,
        }),
        codec: createCodec(),
      });
      caches.push(cache);
      const key = `failover-${Math.random().toString(36).slice(2)}`;
      await cache.set(key, 0);

      const traffic = startTraffic(cache, key, readFrom !== 'primary');
      await delay(300);
      expect(traffic.failures).toEqual([]);

      const faultAt = performance.now();
      let switchedMs: number;
      if (fault === 'kill') {
        await primary.kill();
        switchedMs = Math.round((await topology.waitForNewPrimary()).ms);
      } else if (fault === 'pause') {
        // The primary stops answering (SIGSTOP) but its connections stay open, as when its host
        // hangs or the network drops packets: nothing tells the driver the connection is dead.
        primary.pause();
        switchedMs = Math.round((await topology.waitForNewPrimary()).ms);
      } else {
        // SENTINEL FAILOVER: the old primary stays up and is demoted to a replica, so a
        // connection still open to it gets READONLY for writes.
        const promoted = await topology.failover();
        expect(promoted.server).toBe(replica);
        switchedMs = Math.round(performance.now() - faultAt);
      }
      // Recovered: a call completed on the new primary, after the sentinels switched.
      const switchedAt = faultAt + switchedMs;
      await waitFor(() => traffic.completions.some((at) => at > switchedAt), 10_000);
      const recovered = traffic.completions.some((at) => at > switchedAt);
      // Keep going for a while on the new primary.
      await delay(1000);
      await traffic.stop();
      // Let it go, so that stopping the topology need not wait for SIGTERM to time out.
      if (fault === 'pause') primary.resume();

      expect(recovered, 'writes never resumed').toBe(true);
      const gap = longestGap(traffic.completions, faultAt);
      const failed = traffic.failures.filter((f) => f.at > faultAt - 100);
      const codes = [...new Set(failed.map((f) => f.code))].join(', ') || 'none';
      console.log(
        `[sentinel failover] ${fault} × ${driver} (reads from ${readFrom}): sentinels switched after ~${switchedMs} ms; writes interrupted for ${Math.round(gap.ms)} ms, first call completed ${Math.round((traffic.completions.find((at) => at > switchedAt) ?? 0) - switchedAt)} ms after the switch (${failed.length} failed calls: ${codes}; ${failed.filter(isReadonly).length} READONLY)`,
      );
      expect(gap.ms).toBeLessThan(10_000);
      const after = traffic.failures.filter((f) => f.at >= gap.end);
      expect(after.filter(isReadonly), 'READONLY after recovery').toEqual([]);
      // Writes never fail once the primary is back. A read routed to a replica may fail once
      // more, when the replica client's connection drops because its node was promoted (it then
      // looks for a replica again, and reads go to the primary meanwhile); never with READONLY.
      expect(
        after.filter((f) => f.op === 'set'),
        'writes failing after recovery',
      ).toEqual([]);
      const reads = after.filter((f) => f.op === 'get');
      if (readFrom === 'primary') expect(reads, 'reads failing after recovery').toEqual([]);
      else {
        expect(reads.length, 'reads failing after recovery').toBeLessThanOrEqual(2);
        for (const f of reads) expect(['E_CONNECTION', 'E_TIMEOUT']).toContain(f.code);
      }
      // A planned failover (SENTINEL FAILOVER) leaves the old primary taking writes until it is
      // demoted, and replication is asynchronous: writes it acknowledged after the replica was
      // promoted are lost, so the first read on the new primary may return an older value that
      // was written (seen in CI under load: 'wrote 68, read 24'). That is Redis's guarantee,
      // not the transport's to give; it may happen only around the switch, never after it, and
      // a value that was never written is never read.
      const tolerated = (m: (typeof traffic.mismatches)[number]) =>
        fault === 'manual' && m.rollback && m.at <= switchedAt + SWITCH_WINDOW_MS;
      if (traffic.mismatches.some(tolerated)) {
        console.log(
          `[sentinel failover] ${fault} × ${driver}: writes lost in the switch (Redis replicates asynchronously): ${traffic.mismatches.map((m) => m.text).join('; ')}`,
        );
      }
      expect(traffic.mismatches.filter((m) => !tolerated(m)).map((m) => m.text)).toEqual([]);
      // The writes went to the new primary.
      expect(await replica.command('ROLE')).toEqual(expect.arrayContaining(['master']));
      // Every write that succeeded after the switch went there, the last one included: a write
      // acknowledged by the demoted primary would be lost when it resynchronises from the new one.
      expect(
        await replica.command('GET', `:1:${key}`),
        'the last write is on the new primary',
      ).toBe(String(traffic.lastWritten));
      // Traffic went on for a second on the new primary (about 40 calls at one per 20 ms). Counted
      // from the switch, not from the longest gap: after a manual failover (a 25 ms pause) the
      // longest gap can be any later hiccup of a busy machine.
      expect(traffic.completions.filter((at) => at > switchedAt).length).toBeGreaterThan(10);
    },
    60_000,
  );
});
