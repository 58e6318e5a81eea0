import { randomBytes } from 'node:crypto';
import { builtPackageChild, findFreePort, getTestServers, lingeringHandles } from '@cachex/testing';
import { describe, expect, it } from 'vitest';

/**
 * What the child does: one scenario with one driver, then `close()`, then it prints the handles
 * still open, and nothing else keeps it running. Output: one JSON line.
 */
const child = builtPackageChild(
  new URL('..', import.meta.url),
  `
const [scenario, driver, location, key] = process.argv.slice(2);
const transport = pkg.createStandaloneTransport({ location, driver });

let pending = [];
if (scenario === 'used') {
  await outcome(transport.command('SET', [key, '1']));
  await outcome(transport.command('UNLINK', [key]));
  await outcome(transport.command('BLPOP', [key, 0.01], { blocking: true }));
} else if (scenario === 'failed') {
  await outcome(transport.command('GET', ['k']));
  await outcome(transport.command('BLPOP', ['l', 0.01], { blocking: true }));
} else if (scenario === 'pending') {
  // Fail once, so that the client waits to reconnect, then send while it waits.
  await outcome(transport.command('GET', ['k']));
  await waitFor(() => transport.getClient().status === 'reconnecting');
  pending = [
    outcome(transport.command('GET', ['k'])),
    outcome(transport.command('BLPOP', ['l', 0], { blocking: true })),
  ];
} else if (scenario === 'tracking' || scenario === 'tracking-down') {
  // A near cache's invalidation tracking: a subscriber connection of its own, and on a server
  // that is down, its reconnection attempts.
  let active = false;
  transport.trackInvalidations({
    invalidate() {},
    tracking(on) { active = on; },
    error() {},
  });
  await outcome(transport.command('GET', [key]));
  if (scenario === 'tracking') await waitFor(() => active);
} else if (scenario === 'connecting') {
  // close() at once, while the first connection attempt is under way.
  pending = [
    outcome(transport.command('GET', ['k'])),
    outcome(transport.command('BLPOP', ['l', 0], { blocking: true })),
  ];
}
await closeAndReport(transport, pending);
`,
);

/** Runs the child with a key of its own; it must exit on its own (safety kill after 10 s). */
function runChild(scenario: string, driver: string, location: string) {
  const key = `cx-close-${randomBytes(6).toString('hex')}`;
  return child.run([scenario, driver, location, key]);
}

describe('close() leaves no handle behind', () => {
  const drivers = ['ioredis', 'iovalkey'] as const;

  it('a transport that was never used', async () => {
    const port = await findFreePort();
    for (const driver of drivers) {
      const result = await runChild('never', driver, `redis://127.0.0.1:${port}`);
      expect(result.stderr).toBe('');
      expect(lingeringHandles(result.resources), driver).toEqual([]);
      expect(result.killed, driver).toBe(false);
      expect(result.exitCode, driver).toBe(0);
    }
  });

  it('a transport that was used successfully (plain and blocking commands)', async () => {
    const { url } = getTestServers().standalone;
    for (const driver of drivers) {
      const result = await runChild('used', driver, url);
      expect(result.stderr).toBe('');
      expect(result.codes, driver).toEqual(['ok', 'ok', 'ok']);
      expect(lingeringHandles(result.resources), driver).toEqual([]);
      expect(result.killed, driver).toBe(false);
      expect(result.exitCode, driver).toBe(0);
    }
  });

  it('a transport that never connected (nothing listens on the port)', async () => {
    const port = await findFreePort();
    const results = await Promise.all(
      drivers.map((driver) => runChild('failed', driver, `redis://127.0.0.1:${port}`)),
    );
    for (const [i, result] of results.entries()) {
      expect(result.stderr).toBe('');
      expect(result.codes, drivers[i]).toEqual(['E_CONNECTION', 'E_CONNECTION']);
      expect(lingeringHandles(result.resources), drivers[i]).toEqual([]);
      expect(result.killed, drivers[i]).toBe(false);
      expect(result.exitCode, drivers[i]).toBe(0);
    }
  });

  it('a transport tracking invalidations for a near cache (server up, and down)', async () => {
    const { url } = getTestServers().standalone;
    const port = await findFreePort();
    for (const driver of drivers) {
      for (const [scenario, location, code] of [
        ['tracking', url, 'ok'],
        ['tracking-down', `redis://127.0.0.1:${port}`, 'E_CONNECTION'],
      ] as const) {
        const label = `${driver} ${scenario}`;
        const result = await runChild(scenario, driver, location);
        expect(result.stderr, label).toBe('');
        expect(result.codes, label).toEqual([code]);
        expect(lingeringHandles(result.resources), label).toEqual([]);
        expect(result.killed, label).toBe(false);
        expect(result.exitCode, label).toBe(0);
      }
    }
  });

  it('close() while commands to a down server are pending: they reject with ClosedError', async () => {
    const port = await findFreePort();
    const runs = drivers.flatMap((driver) =>
      ['pending', 'connecting'].map((scenario) => ({ driver, scenario })),
    );
    const results = await Promise.all(
      runs.map(({ driver, scenario }) => runChild(scenario, driver, `redis://127.0.0.1:${port}`)),
    );
    for (const [i, result] of results.entries()) {
      const label = `${runs[i]!.driver} ${runs[i]!.scenario}`;
      expect(result.stderr, label).toBe('');
      const pending = result.codes.slice(runs[i]!.scenario === 'pending' ? 1 : 0);
      expect(pending, label).toEqual(['E_CLOSED', 'E_CLOSED']);
      expect(lingeringHandles(result.resources), label).toEqual([]);
      expect(result.killed, label).toBe(false);
      expect(result.exitCode, label).toBe(0);
    }
  });
});
