import { randomBytes } from 'node:crypto';
import {
  builtPackageChild,
  type ChildResult,
  findFreePort,
  getTestServers,
  lingeringHandles,
} from '@cachex/testing';
import { describe, expect, it } from 'vitest';

/**
 * What the child does: one scenario with one driver, then `close()`, then it prints the handles
 * still open and how long close() took, and nothing else keeps it running. Output: one JSON line.
 */
const child = builtPackageChild(
  new URL('..', import.meta.url),
  `
const [scenario, driver, location, key] = process.argv.slice(2);
const transport = pkg.createClusterTransport({ location, driver });
const FIRST = { first: 0, last: 0, step: 1 };

let pending = [];
if (scenario === 'used') {
  await outcome(transport.command('SET', [key, '1'], { keys: FIRST }));
  // A batch over keys of every node, and a blocking pop that times out.
  const keys = Array.from({ length: 30 }, (_, i) => key + ':' + i);
  const groups = keys.map((k) => ({ commands: [{ name: 'SET', keys: FIRST, args: [k, '1'] }] }));
  const results = await transport.batch(groups);
  codes.push(results.every((r) => r.ok) ? 'ok' : 'batch failed');
  await outcome(transport.command('UNLINK', [key], { keys: FIRST }));
  await outcome(transport.command('BLPOP', [key, 0.01], { blocking: true, keys: FIRST }));
  await Promise.all(keys.map((k) => transport.command('UNLINK', [k], { keys: FIRST })));
} else if (scenario === 'failed') {
  await outcome(transport.command('GET', ['k'], { keys: FIRST }));
  await outcome(transport.command('BLPOP', ['l', 0.01], { blocking: true, keys: FIRST }));
} else if (scenario === 'pending') {
  // Fail once, so that the client waits to reconnect, then send while it waits.
  await outcome(transport.command('GET', ['k'], { keys: FIRST }));
  await waitFor(() => transport.getClient().status === 'reconnecting');
  pending = [
    outcome(transport.command('GET', ['k'], { keys: FIRST })),
    outcome(transport.command('BLPOP', ['l', 0], { blocking: true, keys: FIRST })),
  ];
} else if (scenario === 'connecting') {
  // close() at once, while the first connection attempt is under way.
  pending = [
    outcome(transport.command('GET', ['k'], { keys: FIRST })),
    outcome(transport.command('BLPOP', ['l', 0], { blocking: true, keys: FIRST })),
  ];
} else if (scenario === 'popping') {
  // close() while a pop waits on a node.
  await outcome(transport.command('SET', [key, '1'], { keys: FIRST }));
  pending = [outcome(transport.command('BLPOP', [key + ':list', 0], { blocking: true, keys: FIRST }))];
  await waitFor(() => transport[Symbol.for('nodejs.util.inspect.custom')]().includes('busy: 1'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  await outcome(transport.command('UNLINK', [key], { keys: FIRST }));
}
await closeAndReport(transport, pending);
`,
  { safetyKillMs: 15_000 },
);

/** Runs the child with a key of its own; it must exit on its own (safety kill after 15 s). */
function runChild(scenario: string, driver: string, location: string): Promise<ChildResult> {
  const key = `cx-close-${randomBytes(6).toString('hex')}`;
  return child.run([scenario, driver, location, key]);
}

function expectClean(result: ChildResult, label: string): void {
  expect(result.stderr, label).toBe('');
  expect(lingeringHandles(result.resources), label).toEqual([]);
  expect(result.killed, label).toBe(false);
  expect(result.exitCode, label).toBe(0);
  // Promptly: QUIT round trips at most, never a driver timer of seconds.
  expect(result.closeMs, label).toBeLessThan(1000);
}

describe('close() leaves no handle behind', () => {
  const drivers = ['ioredis', 'iovalkey'] as const;

  it('a transport that was never used', async () => {
    const port = await findFreePort();
    for (const driver of drivers) {
      const result = await runChild('never', driver, `redis://127.0.0.1:${port}`);
      expectClean(result, driver);
    }
  });

  it('a transport that was used (commands, a batch over every node, a blocking pop)', async () => {
    const { url } = getTestServers().cluster;
    const results = await Promise.all(drivers.map((driver) => runChild('used', driver, url)));
    for (const [i, result] of results.entries()) {
      expect(result.codes, drivers[i]).toEqual(['ok', 'ok', 'ok', 'ok']);
      expectClean(result, drivers[i]!);
    }
  });

  it('close() while a pop waits on a node: the pop rejects with ClosedError', async () => {
    const { url } = getTestServers().cluster;
    const results = await Promise.all(drivers.map((driver) => runChild('popping', driver, url)));
    for (const [i, result] of results.entries()) {
      expect(result.codes, drivers[i]).toEqual(['ok', 'ok', 'E_CLOSED']);
      expectClean(result, drivers[i]!);
    }
  });

  it('a transport that never connected (nothing listens on the port)', async () => {
    const port = await findFreePort();
    const results = await Promise.all(
      drivers.map((driver) => runChild('failed', driver, `redis://127.0.0.1:${port}`)),
    );
    for (const [i, result] of results.entries()) {
      expect(result.codes, drivers[i]).toEqual(['E_CONNECTION', 'E_CONNECTION']);
      expectClean(result, drivers[i]!);
    }
  });

  it('close() while commands to an unreachable cluster wait: they reject with ClosedError', async () => {
    const port = await findFreePort();
    const runs = drivers.flatMap((driver) =>
      ['pending', 'connecting'].map((scenario) => ({ driver, scenario })),
    );
    const results = await Promise.all(
      runs.map(({ driver, scenario }) => runChild(scenario, driver, `redis://127.0.0.1:${port}`)),
    );
    for (const [i, result] of results.entries()) {
      const label = `${runs[i]!.driver} ${runs[i]!.scenario}`;
      const pending = result.codes.slice(runs[i]!.scenario === 'pending' ? 1 : 0);
      expect(pending, label).toEqual(['E_CLOSED', 'E_CLOSED']);
      expectClean(result, label);
    }
  });
});
