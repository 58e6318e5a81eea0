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
const [scenario, driver, location, sentinels, readFrom, key] = process.argv.slice(2);
const transport = pkg.createSentinelTransport({
  location,
  sentinels: JSON.parse(sentinels),
  driver,
  readFrom,
});

let pending = [];
if (scenario === 'used') {
  await outcome(transport.command('SET', [key, '1']));
  await outcome(transport.command('GET', [key], { read: true }));
  await outcome(transport.command('UNLINK', [key]));
  await outcome(transport.command('BLPOP', [key, 0.01], { blocking: true }));
} else if (scenario === 'failed') {
  await outcome(transport.command('GET', ['k']));
  await outcome(transport.command('GET', ['k'], { read: true }));
  await outcome(transport.command('BLPOP', ['l', 0.01], { blocking: true }));
} else if (scenario === 'connecting') {
  // close() at once, while the sentinels are being asked.
  pending = [
    outcome(transport.command('GET', ['k'])),
    outcome(transport.command('BLPOP', ['l', 0], { blocking: true })),
  ];
}
await closeAndReport(transport, pending);
`,
);

interface Run {
  scenario: 'never' | 'used' | 'failed' | 'connecting';
  driver: 'ioredis' | 'iovalkey';
  readFrom: 'primary' | 'preferReplica';
}

/** Runs the child with a key of its own; it must exit on its own (safety kill after 10 s). */
function runChild(
  run: Run,
  location: string,
  sentinels: readonly { host: string; port: number }[],
) {
  const key = `cx-close-${randomBytes(6).toString('hex')}`;
  const args = [run.scenario, run.driver, location, JSON.stringify(sentinels)];
  return child.run([...args, run.readFrom, key]);
}

function runs(scenario: Run['scenario']): Run[] {
  return (['ioredis', 'iovalkey'] as const).flatMap((driver) =>
    (['primary', 'preferReplica'] as const).map((readFrom) => ({ scenario, driver, readFrom })),
  );
}

async function expectClean(
  scenario: Run['scenario'],
  location: string,
  sentinels: readonly { host: string; port: number }[],
  codes: string[],
): Promise<void> {
  const all = runs(scenario);
  const results = await Promise.all(all.map((run) => runChild(run, location, sentinels)));
  for (const [i, result] of results.entries()) {
    const label = `${all[i]?.driver} reading from ${all[i]?.readFrom}`;
    expect(result.stderr, label).toBe('');
    expect(result.codes, label).toEqual(codes);
    expect(lingeringHandles(result.resources), label).toEqual([]);
    expect(result.killed, label).toBe(false);
    expect(result.exitCode, label).toBe(0);
  }
}

describe('close() leaves no handle behind', () => {
  it('a transport that was never used', async () => {
    const port = await findFreePort();
    await expectClean('never', 'redis://mymaster', [{ host: '127.0.0.1', port }], []);
  });

  it('a transport that was used (writes, reads, a blocking command)', async () => {
    const { url, sentinels } = getTestServers().sentinel;
    await expectClean('used', `${url}/0`, sentinels, ['ok', 'ok', 'ok', 'ok']);
  });

  it('a transport whose sentinels are unreachable: calls fail fast, close() cleans up', async () => {
    const ports = [await findFreePort(), await findFreePort()];
    const sentinels = ports.map((port) => ({ host: '127.0.0.1', port }));
    await expectClean('failed', 'redis://mymaster', sentinels, [
      'E_CONNECTION',
      'E_CONNECTION',
      'E_CONNECTION',
    ]);
  });

  it('close() while the sentinels are being asked: pending calls reject with ClosedError', async () => {
    const { url, sentinels } = getTestServers().sentinel;
    await expectClean('connecting', `${url}/0`, sentinels, ['E_CLOSED', 'E_CLOSED']);
  });
});
