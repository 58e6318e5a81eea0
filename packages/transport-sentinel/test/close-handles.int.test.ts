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
 * still open, and nothing else keeps it running. Output: one JSON line.
 */
const childScript = `
import { createSentinelTransport } from ${JSON.stringify(pathToFileURL(distEntry).href)};

const [scenario, driver, location, sentinels, readFrom, key] = process.argv.slice(2);
const transport = createSentinelTransport({
  location,
  sentinels: JSON.parse(sentinels),
  driver,
  readFrom,
});
const codes = [];
const outcome = (promise) =>
  promise.then(
    () => codes.push('ok'),
    (error) => codes.push(error.code ?? String(error)),
  );

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
await transport.close();
const resources = process.getActiveResourcesInfo();
await Promise.all(pending);
process.stdout.write(JSON.stringify({ resources, codes }) + '\\n');
`;

let dir: string;
let script: string;

beforeAll(() => {
  const built = statSync(distEntry, { throwIfNoEntry: false });
  if (!built || built.mtimeMs < newestSource(join(packageDir, 'src'))) {
    throw new Error(
      `${distEntry} is missing or older than src/: run \`pnpm --filter @cachex/transport-sentinel build\``,
    );
  }
  dir = mkdtempSync(join(tmpdir(), 'cachex-sentinel-close-'));
  script = join(dir, 'child.mjs');
  writeFileSync(script, childScript);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface ChildResult {
  resources: string[];
  codes: string[];
  exitCode: number | null;
  killed: boolean;
  stderr: string;
}

interface Run {
  scenario: 'never' | 'used' | 'failed' | 'connecting';
  driver: 'ioredis' | 'iovalkey';
  readFrom: 'primary' | 'preferReplica';
}

/** Runs the child; it must exit on its own. A safety kill after 10 s keeps the test finite. */
function runChild(
  run: Run,
  location: string,
  sentinels: readonly { host: string; port: number }[],
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const key = `cx-close-${randomBytes(6).toString('hex')}`;
    const args = [script, run.scenario, run.driver, location, JSON.stringify(sentinels)];
    const child = spawn(process.execPath, [...args, run.readFrom, key], {
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
    }, 10_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(safety);
      const line = stdout.trim().split('\n').pop() ?? '';
      let parsed: { resources: string[]; codes: string[] } = {
        resources: ['(no output)'],
        codes: [],
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
    expect(lingering(result.resources), label).toEqual([]);
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
