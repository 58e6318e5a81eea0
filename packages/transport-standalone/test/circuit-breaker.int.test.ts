import { setTimeout as delay } from 'node:timers/promises';
import { createCodec } from '@cachex/codecs';
import { type Cache, type CircuitOpenInfo, createCache } from '@cachex/core';
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

// The cache's circuit breaker under load on a private server. While the server hangs
// (SIGSTOP) every call sent waits out the socket timeout; once the circuit is open, calls fail
// at once without being sent, and one probe at a time finds out when the server is back. The
// same scenario is run without the breaker so that the difference shows in the printed figures.

const SOCKET_TIMEOUT_MS = 1000;
const MARGIN_MS = 500;
const OUTAGE_MS = 3000;
const KILL_OUTAGE_MS = 2000;
const WORKERS = 8;
const BREAKER = { failureThreshold: 3, openMs: 500 } as const;
/** A call refused by the open circuit sends nothing: it settles within this. */
const FAST_FAIL_MS = 50;
/** A call that took this long waited for the socket timeout. */
const SLOW_MS = 900;
/** Calls succeed again this soon after the server is back (open time, a probe, a margin). */
const RECOVERY_BOUND_MS = BREAKER.openMs + SOCKET_TIMEOUT_MS + 1000;
/** How long to wait for a successful call before giving up (the bound is asserted apart). */
const RECOVERY_WAIT_MS = 5000;

interface CallRecord {
  began: number;
  at: number;
  ms: number;
  /** The server answered (a real reply rather than a rejection or a neutral result). */
  ok: boolean;
  /** The code of the rejection, if the call rejected. */
  code?: string;
}

interface Figures {
  scenario: string;
  calls: number;
  failed: number;
  codes: Record<string, number>;
  fastFailed: number;
  longestMs: number;
  medianMsOfFailedCalls: number;
  slowCalls: number;
  recoveryMs: number | null;
  circuitOpens: number;
  circuitClosesAfterBack: number;
  unhandledRejections: number;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round(value);
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
}

for (const driver of ['ioredis', 'iovalkey'] as const) {
  describe(`circuit breaker under load on a private server (${driver})`, () => {
    let server: RedisServerHandle;

    beforeAll(async () => {
      server = await startRedisServer({ name: `circuit-breaker-${driver}` });
    });
    afterAll(async () => {
      await server?.stop();
    });

    function openCache(options: { breaker: boolean; ignoreExceptions: boolean }): Cache {
      return createCache({
        transport: createStandaloneTransport({
          location: server.url,
          driver,
          socketTimeoutMs: SOCKET_TIMEOUT_MS,
        }),
        codec: createCodec(),
        keyPrefix: randomPrefix(),
        ignoreExceptions: options.ignoreExceptions,
        ...(options.breaker ? { circuitBreaker: { ...BREAKER } } : {}),
      });
    }

    /**
     * Runs 8 workers alternating set and get, applies `fault` after a warm-up, keeps the load
     * on for the outage, ends the fault and waits for a call (started after that) the server
     * answered; prints and returns the figures. `call` resolves whether the server answered.
     */
    async function underFault(
      scenario: string,
      cache: Cache,
      call: (worker: number, i: number) => Promise<boolean>,
      fault: {
        start: () => Promise<void> | void;
        end: () => Promise<void> | void;
        outageMs: number;
      },
      extra: { ignoredCodes?: Record<string, number> } = {},
    ) {
      const unhandled = countUnhandledRejections();
      const records: CallRecord[] = [];
      const opened: { at: number; info: CircuitOpenInfo }[] = [];
      const closed: number[] = [];
      const onOpen = (info: CircuitOpenInfo): void => {
        opened.push({ at: performance.now(), info });
      };
      const onClose = (): void => {
        closed.push(performance.now());
      };
      cache.on('circuitOpen', onOpen);
      cache.on('circuitClose', onClose);
      let load: LoadLoop | undefined;
      try {
        // Every worker's key holds a value, so with ignoreExceptions a get the server answers
        // is told from one that resolved its default (the keys live as long as the server).
        for (let worker = 0; worker < WORKERS; worker += 1) {
          await cache.set(`k${worker}`, 'warm');
        }
        load = startLoad(async (worker, i) => {
          const began = performance.now();
          try {
            const ok = await call(worker, i);
            const at = performance.now();
            records.push({ began, at, ms: at - began, ok });
          } catch (error) {
            const at = performance.now();
            records.push({ began, at, ms: at - began, ok: false, code: codeOf(error) });
            throw error;
          }
        }, WORKERS);
        await delay(300);
        await fault.start();
        await delay(fault.outageMs);
        await fault.end();
        const back = performance.now();
        let firstOk: number | undefined;
        const deadline = back + RECOVERY_WAIT_MS;
        while (firstOk === undefined && performance.now() < deadline) {
          firstOk = records.find((r) => r.ok && r.began >= back)?.at;
          if (firstOk === undefined) await delay(10);
        }
        await delay(300);
        await load.stop();
        const report = load.report();
        const failedRecords = records.filter((r) => !r.ok);
        const fastFailed = records.filter((r) => r.code === 'E_CIRCUIT_OPEN');
        const figures: Figures = {
          scenario: `${scenario} (${driver})`,
          calls: report.calls,
          failed: report.failed,
          codes: extra.ignoredCodes ?? report.codes,
          fastFailed: extra.ignoredCodes?.E_CIRCUIT_OPEN ?? fastFailed.length,
          longestMs: report.longestMs,
          medianMsOfFailedCalls: median(failedRecords.map((r) => r.ms)),
          slowCalls: records.filter((r) => r.ms >= SLOW_MS).length,
          recoveryMs: firstOk === undefined ? null : Math.round(firstOk - back),
          circuitOpens: opened.length,
          circuitClosesAfterBack: closed.filter((at) => at >= back).length,
          unhandledRejections: unhandled.count,
        };
        console.log(`[reliability] ${JSON.stringify(figures)}`);
        return {
          figures,
          maxFastFailMs: Math.round(fastFailed.reduce((m, r) => Math.max(m, r.ms), 0)),
          opened,
        };
      } finally {
        await load?.stop();
        unhandled.stop();
        cache.off('circuitOpen', onOpen);
        cache.off('circuitClose', onClose);
        await cache.close();
      }
    }

    /** Without ignoreExceptions a call that resolves was answered by the server. */
    const getSet = (cache: Cache) => async (worker: number, i: number) => {
      if (i % 2 === 0) await cache.set(`k${worker}`, i);
      else await cache.get(`k${worker}`);
      return true;
    };

    const sigstop = {
      start: () => server.pause(),
      end: () => server.resume(),
      outageMs: OUTAGE_MS,
    };

    it('SIGSTOP: the open circuit fails calls fast instead of each waiting out the socket timeout', async () => {
      const plain = openCache({ breaker: false, ignoreExceptions: false });
      const without = await underFault(
        'standalone SIGSTOP, no circuit breaker',
        plain,
        getSet(plain),
        sigstop,
      );
      const guarded = openCache({ breaker: true, ignoreExceptions: false });
      const withBreaker = await underFault(
        'standalone SIGSTOP, circuit breaker',
        guarded,
        getSet(guarded),
        sigstop,
      );
      const figures = withBreaker.figures;

      // The circuit opened, and calls were refused by it without being sent.
      expect(figures.circuitOpens).toBeGreaterThan(0);
      expect(withBreaker.opened[0]?.info.openMs).toBe(BREAKER.openMs);
      expect(['E_CONNECTION', 'E_TIMEOUT']).toContain(withBreaker.opened[0]?.info.error.code);
      expect(figures.fastFailed).toBeGreaterThan(0);
      expect(withBreaker.maxFastFailMs).toBeLessThan(FAST_FAIL_MS);
      // Every call settled within the socket timeout plus a margin, none went unhandled.
      expect(figures.longestMs).toBeLessThanOrEqual(SOCKET_TIMEOUT_MS + MARGIN_MS);
      expect(figures.unhandledRejections).toBe(0);
      // Back soon after the server is, and the circuit closed.
      expect(figures.recoveryMs).not.toBeNull();
      expect(figures.recoveryMs).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
      expect(figures.circuitClosesAfterBack).toBeGreaterThan(0);

      // Without the breaker: no circuit, every call waits for the hung server.
      expect(without.figures.circuitOpens).toBe(0);
      expect(without.figures.fastFailed).toBe(0);
      expect(without.figures.failed).toBeGreaterThan(0);
      expect(without.figures.unhandledRejections).toBe(0);
      // Fewer calls waited out the socket timeout with the breaker than without it.
      expect(figures.slowCalls).toBeLessThan(without.figures.slowCalls);
    }, 40_000);

    it('SIGSTOP with ignoreExceptions: no exception reaches the app, refused calls resolve their default', async () => {
      const cache = openCache({ breaker: true, ignoreExceptions: true });
      const ignoredCodes: Record<string, number> = {};
      cache.on('ignoredError', (error) => {
        ignoredCodes[error.code] = (ignoredCodes[error.code] ?? 0) + 1;
      });
      let defaults = 0;
      const { figures } = await underFault(
        'standalone SIGSTOP ignoreExceptions, circuit breaker',
        cache,
        async (worker, i) => {
          if (i % 2 === 0) return (await cache.set(`k${worker}`, i)) === true;
          const value = await cache.get(`k${worker}`, { default: 'default' });
          if (value === 'default') defaults += 1;
          return value !== 'default';
        },
        sigstop,
        { ignoredCodes },
      );
      expect(figures.failed).toBe(0);
      expect(defaults).toBeGreaterThan(0);
      expect(figures.circuitOpens).toBeGreaterThan(0);
      expect(ignoredCodes.E_CIRCUIT_OPEN ?? 0).toBeGreaterThan(0);
      expect(figures.longestMs).toBeLessThanOrEqual(SOCKET_TIMEOUT_MS + MARGIN_MS);
      expect(figures.unhandledRejections).toBe(0);
      expect(figures.recoveryMs).not.toBeNull();
      expect(figures.recoveryMs).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
      expect(figures.circuitClosesAfterBack).toBeGreaterThan(0);
    }, 30_000);

    it('SIGKILL then restart: the circuit opens, and closes again once the server is back', async () => {
      const cache = openCache({ breaker: true, ignoreExceptions: false });
      const { figures } = await underFault(
        'standalone SIGKILL, circuit breaker',
        cache,
        getSet(cache),
        {
          start: () => server.kill(),
          end: () => server.restart(),
          outageMs: KILL_OUTAGE_MS,
        },
      );
      expect(figures.circuitOpens).toBeGreaterThan(0);
      expect(figures.fastFailed).toBeGreaterThan(0);
      expect(figures.longestMs).toBeLessThanOrEqual(SOCKET_TIMEOUT_MS + MARGIN_MS);
      expect(figures.unhandledRejections).toBe(0);
      expect(figures.recoveryMs).not.toBeNull();
      expect(figures.circuitClosesAfterBack).toBeGreaterThan(0);
    }, 30_000);
  });
}
