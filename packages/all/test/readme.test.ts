import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTestServers, runAdminCommand } from '@cachex/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The README's examples run as they are written, in a Node process of their own importing the
// built package by its name (`@cachex/all`), as an application would: plain Node cannot load
// the TypeScript sources, so this needs `pnpm turbo run build --filter=@cachex/all...` first.

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(packageDir, '..');
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
// The repository's own README: its quick start uses this package too.
const rootReadme = readFileSync(join(packagesDir, '..', 'README.md'), 'utf8');

/** The fenced code block right after `<!-- marker -->` in a README (this package's by default). */
function blockAfter(marker: string, text = readme): string {
  const match = new RegExp(`<!-- ${marker} -->\\s*\`\`\`js\\n([\\s\\S]*?)\\n\`\`\``).exec(text);
  if (match?.[1] === undefined)
    throw new Error(`README has no \`\`\`js block after <!-- ${marker} -->`);
  return match[1];
}

function newestFile(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestFile(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** This package and every @cachex package it depends on must be built from their current sources. */
function checkBuilt(): void {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const dirs = [
    'all',
    ...Object.keys(manifest.dependencies)
      .filter((name) => name.startsWith('@cachex/'))
      .map((name) => name.slice('@cachex/'.length)),
    'core',
  ];
  for (const dir of dirs) {
    const dist = statSync(join(packagesDir, dir, 'dist', 'index.js'), { throwIfNoEntry: false });
    if (!dist || dist.mtimeMs < newestFile(join(packagesDir, dir, 'src'))) {
      throw new Error(
        `packages/${dir}/dist is missing or older than its src/: run \`pnpm turbo run build --filter=@cachex/all...\``,
      );
    }
  }
}

interface Run {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

let app: string;
let appName: string;

beforeAll(() => {
  checkBuilt();
  // An application of its own: its package.json name is the caches' default key prefix, and
  // its node_modules resolves `@cachex/all` to this package (and, from there, its dependencies).
  app = mkdtempSync(join(tmpdir(), 'cachex-all-readme-'));
  appName = `readme-${randomBytes(6).toString('hex')}`;
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: appName, type: 'module' }));
  mkdirSync(join(app, 'node_modules', '@cachex'), { recursive: true });
  symlinkSync(packageDir, join(app, 'node_modules', '@cachex', 'all'), 'dir');
  // The parts the repository README's "from its parts" example imports by name.
  for (const part of ['core', 'codecs', 'transport-standalone']) {
    symlinkSync(join(packagesDir, part), join(app, 'node_modules', '@cachex', part), 'dir');
  }
});

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

function run(code: string, env: Record<string, string>): Promise<Run> {
  const file = join(app, `example-${randomBytes(4).toString('hex')}.mjs`);
  writeFileSync(file, code);
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(CACHEX_|VALKEY_URL$|REDIS_URL$|NODE_ENV$)/.test(name),
    ),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], {
      cwd: app,
      env: { ...clean, NODE_ENV: 'development', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    // A child that does not exit on its own (a connection left open) fails the test.
    const safety = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(safety);
      resolve({ exitCode, stdout, stderr });
    });
  });
}

const QUICK_START_OUTPUT = [
  "{ name: 'Ada' }",
  expect.stringMatching(/^report built by holder #\d+$/),
  '5',
];

describe('README', () => {
  it('quick start runs against the server REDIS_URL names, and exits', async () => {
    const { standalone } = getTestServers();
    const result = await run(blockAfter('quick-start'), { REDIS_URL: standalone.url });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(QUICK_START_OUTPUT);
    // On the server, under the application's name as the key prefix.
    const stored = `${appName}:1:hits`;
    expect(String(await runAdminCommand(standalone, 'GET', stored))).toBe('5');
    await runAdminCommand(standalone, 'DEL', stored, `${appName}:1:user:42`);
  });

  it('quick start runs in memory when no URL is set (development)', async () => {
    const result = await run(blockAfter('quick-start'), {});
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(QUICK_START_OUTPUT);
  });

  it('several caches run and exit', async () => {
    const { standalone } = getTestServers();
    const result = await run(blockAfter('caches'), { REDIS_URL: standalone.url });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      '{ userId: 42 }',
      "[ 'default', 'sessions' ]",
      'true',
    ]);
    await runAdminCommand(standalone, 'DEL', 'sessions:1:abc123');
  });

  it("the repository README's quick start runs against one URL, and exits", async () => {
    const { standalone } = getTestServers();
    const result = await run(blockAfter('quick-start', rootReadme), { REDIS_URL: standalone.url });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(["{ name: 'Ada' }", '1234']);
    const stored = `${appName}:1:report:daily`;
    expect(String(await runAdminCommand(standalone, 'GET', stored))).toBe('{"total":1234}');
    await runAdminCommand(standalone, 'DEL', stored, `${appName}:1:user:42`);
  });

  it("the repository README's example built from the parts runs, and exits", async () => {
    const { standalone } = getTestServers();
    const result = await run(blockAfter('from-parts', rootReadme), { REDIS_URL: standalone.url });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe("{ name: 'Ada' }");
    expect(String(await runAdminCommand(standalone, 'GET', 'myapp:1:user:42'))).toBe(
      '{"name":"Ada"}',
    );
    await runAdminCommand(standalone, 'DEL', 'myapp:1:user:42');
  });
});
