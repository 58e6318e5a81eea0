import { describe, expect, it } from 'vitest';
import {
  percentile,
  runStampede,
  runSteadyReaders,
  type StampedeTarget,
} from './stampede-processes.js';

/**
 * getOrSet's stampede protection between real processes, on one topology: 4 Node processes ×
 * 250 concurrent calls of one missing key with a 50 ms factory (once in all with
 * `singleFlight: 'cluster'`, once per process with `'process'`), and 4 processes reading one
 * key in a loop with `earlyRefresh` over 8 timeouts (never a miss). Prints the counts and the
 * waits. `target()` is called per test (for a fresh key prefix).
 */
export function describeStampedeAcrossProcesses(name: string, target: () => StampedeTarget): void {
  describe(`getOrSet stampede across 4 processes × 250 concurrent calls, 50 ms factory (${name})`, () => {
    it("singleFlight 'cluster': the factory runs exactly once across all processes", async () => {
      const reports = await runStampede({ ...target(), singleFlight: 'cluster' });
      const calls = reports.map((r) => r.calls);
      const waits = reports.flatMap((r) => r.waitsMs).sort((a, b) => a - b);
      console.log(
        `stampede ${name}, singleFlight 'cluster': factory calls per process ${calls.join('/')}, total ${calls.reduce((a, b) => a + b)}; wait p50 ${percentile(waits, 50).toFixed(1)} ms, p99 ${percentile(waits, 99).toFixed(1)} ms, max ${waits.at(-1)!.toFixed(1)} ms`,
      );
      expect(calls.reduce((a, b) => a + b)).toBe(1);
      expect(reports.flatMap((r) => r.errors)).toEqual([]);
      // Every call of every process got the one computed value.
      expect(new Set(reports.flatMap((r) => r.values)).size).toBe(1);
    });

    it("singleFlight 'process': the factory runs exactly once per process", async () => {
      const reports = await runStampede({ ...target(), singleFlight: 'process' });
      const calls = reports.map((r) => r.calls);
      const waits = reports.flatMap((r) => r.waitsMs).sort((a, b) => a - b);
      console.log(
        `stampede ${name}, singleFlight 'process': factory calls per process ${calls.join('/')}; wait p50 ${percentile(waits, 50).toFixed(1)} ms, p99 ${percentile(waits, 99).toFixed(1)} ms`,
      );
      expect(calls).toEqual([1, 1, 1, 1]);
      expect(reports.flatMap((r) => r.errors)).toEqual([]);
      for (const report of reports) expect(report.values).toHaveLength(1);
    });
  });

  describe(`getOrSet earlyRefresh under a steady read load, 4 processes (${name})`, () => {
    for (const singleFlight of ['cluster', 'process'] as const) {
      it(`singleFlight '${singleFlight}': refreshed before expiry, no reader ever sees a miss over 8 timeouts`, async () => {
        const reports = await runSteadyReaders({
          ...target(),
          singleFlight,
          durationMs: 4000,
          timeout: 0.5,
          factoryMs: 20,
        });
        const statuses: Record<string, number> = {};
        for (const r of reports) {
          for (const [status, n] of Object.entries(r.statuses)) {
            statuses[status] = (statuses[status] ?? 0) + n;
          }
        }
        const calls = reports.reduce((sum, r) => sum + r.calls, 0);
        console.log(
          `earlyRefresh ${name}, singleFlight '${singleFlight}': reads ${JSON.stringify(statuses)}, factory calls ${calls} over 4 s of 0.5 s timeouts`,
        );
        expect(reports.flatMap((r) => r.errors)).toEqual([]);
        // Every read of the run (after the key was first filled) was a hit.
        expect(Object.keys(statuses)).toEqual(['hit']);
        // Refreshed about once per timeout: at least the 8 periods, never per read.
        expect(calls).toBeGreaterThanOrEqual(8);
        expect(calls).toBeLessThan((statuses.hit ?? 0) / 10);
      });
    }
  });
}
