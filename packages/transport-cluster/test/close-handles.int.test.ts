import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findFreePort, getTestServers } from '@cachex/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The child processes run the built package (plain Node cannot load the TypeScript sources).
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const distEntry = join(packageDir, 'dist', 'index.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * What the child does: one scenario with one driver, then `close()`, then it prints the handles
 * still open and how long close() took, and nothing else keeps it running. Output: one JSON line.
 */
const childScript = `
import { createClusterTransport } from ${JSON.stringify(pathToFileURL(distEntry).href)};

const [scenario, driver, location, key] = process.argv.slice(2);
const transport = createClusterTransport({ location, driver });
const codes = [];
const outcome = (promise) =>
  promise.then(
    () => codes.push('ok'),
    (error) => codes.push(error.code ?? String(error)),
  );
const waitFor = async (check) => {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
};
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
const begin = performance.now();
await transport.close();
const closeMs = Math.round(performance.now() - begin);
const resources = process.getActiveResourcesInfo();
await Promise.all(pending);
process.stdout.write(JSON.stringify({ resources, codes, closeMs }) + '\\n');
`;

let dir: string;
let script: string;

beforeAll(() => {
  const built = statSync(distEntry, { throwIfNoEntry: false });
  if (!built || built.mtimeMs < newestSource(join(packageDir, 'src'))) {
    throw new Error(
      `${distEntry} is missing or older than src/: run \`pnpm --filter @cachex/transport-cluster build\``,
    );
  }
  dir = mkdtempSync(join(tmpdir(), 'cachex-cluster-close-'));
  script = join(dir, 'child.mjs');
  writeFileSync(script, childScript);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface ChildResult {
  resources: string[];
  codes: string[];
  closeMs: number;
  exitCode: number | null;
  killed: boolean;
  stderr: string;
}

/** Runs the child; it must exit on its own. A safety kill after 15 s keeps the test finite. */
function runChild(scenario: string, driver: string, location: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const key = `cx-close-${randomBytes(6).toString('hex')}`;
    const child = spawn(process.execPath, [script, scenario, driver, location, key], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const safety = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, 15_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(safety);
      const line = stdout.trim().split('\n').pop() ?? '';
      let parsed: { resources: string[]; codes: string[]; closeMs: number } = {
        resources: ['(no output)'],
        codes: [],
        closeMs: -1,
      };
      try {
        parsed = JSON.parse(line);
      } catch {
        // Reported through the assertions below.
      }
      resolve({ ...parsed, exitCode, killed, stderr });
    });
  });
}

/** Handles that would keep the process alive: timers and sockets. */
function lingering(resources: readonly string[]): string[] {
  return resources.filter((r) => r === 'Timeout' || r.startsWith('TCP') || r === 'PipeConnectWrap');
}

function expectClean(result: ChildResult, label: string): void {
  expect(result.stderr, label).toBe('');
  expect(lingering(result.resources), label).toEqual([]);
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
