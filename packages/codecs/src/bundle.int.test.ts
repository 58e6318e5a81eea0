import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A user's program, bundled as a user would (`esbuild --bundle --format=cjs --platform=node`),
// over the BUILT packages: the ES module builds, where `import.meta.url` becomes undefined in a
// CommonJS bundle. It must load, work, and resolve the optional peers at run time from the
// bundle's own directory; a peer that is not there must be a MissingDependencyError naming it.
// The same program also runs unbundled, as an ES module and as CommonJS, where each package
// resolves its own peers.

const run = promisify(execFile);
const packagesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGES = ['core', 'codecs', 'config', 'transport-standalone', 'transport-sentinel'];
const entry = (pkg: string, file: string) => JSON.stringify(join(packagesDir, pkg, 'dist', file));

/** What one step of the program gave: its value, or what it threw. */
type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; name: string; code: string; package: string; message: string };
type Report = Record<'json' | 'msgpack' | 'zstd' | 'yaml' | 'standalone' | 'sentinel', Outcome>;

const body = `
const { createCodec, createStandaloneTransport, createSentinelTransport, loadConfig } = pkgs;
const report = {};
async function attempt(name, fn) {
  try {
    report[name] = { ok: true, value: await fn() };
  } catch (error) {
    report[name] = {
      ok: false,
      name: error?.name,
      code: error?.code,
      package: error?.context?.package,
      message: String(error?.message),
    };
  }
}
async function main() {
  const [configDir] = process.argv.slice(2);
  const value = { text: 'a long value '.repeat(40), n: [1, 2.5, null] };
  await attempt('json', () => {
    const codec = createCodec();
    return codec.decode(codec.encode(value), 'k');
  });
  await attempt('msgpack', () => {
    const codec = createCodec({ serializer: 'msgpack' });
    return codec.decode(codec.encode(value), 'k');
  });
  await attempt('zstd', () => {
    const codec = createCodec({ compressor: 'zstd' });
    const stored = codec.encode(value);
    return [stored.subarray(0, 4).toString('hex'), codec.decode(stored, 'k')];
  });
  await attempt('yaml', async () => {
    const caches = await loadConfig({ cwd: configDir, env: {}, logger: { warn() {} } });
    return caches.default.backend;
  });
  const closed = { location: 'redis://127.0.0.1:1/0', connectTimeout: 200, onError() {} };
  await attempt('standalone', async () => {
    await createStandaloneTransport(closed).close();
    return 'created';
  });
  await attempt('sentinel', async () => {
    const options = { ...closed, location: 'redis://mymaster/0', sentinels: [['127.0.0.1', 1]] };
    await createSentinelTransport(options).close();
    return 'created';
  });
  process.stdout.write(JSON.stringify(report) + '\\n');
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

const esmProgram = `
import * as codecs from ${entry('codecs', 'index.js')};
import * as config from ${entry('config', 'index.js')};
import * as standalone from ${entry('transport-standalone', 'index.js')};
import * as sentinel from ${entry('transport-sentinel', 'index.js')};
const pkgs = { ...codecs, ...config, ...standalone, ...sentinel };
${body}`;

const cjsProgram = `
const pkgs = {
  ...require(${entry('codecs', 'index.cjs')}),
  ...require(${entry('config', 'index.cjs')}),
  ...require(${entry('transport-standalone', 'index.cjs')}),
  ...require(${entry('transport-sentinel', 'index.cjs')}),
};
${body}`;

/** The latest modification time of the files under `dir`, tests left out. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!item.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

let outside: string; // a directory with no node_modules anywhere above it
let inside: string; // under packages/codecs: its node_modules has msgpackr and zstd-napi
let configDir: string;
let esmFile: string;

beforeAll(() => {
  for (const pkg of PACKAGES) {
    const dist = join(packagesDir, pkg, 'dist', 'index.js');
    const built = statSync(dist, { throwIfNoEntry: false });
    if (!built || built.mtimeMs < newestSource(join(packagesDir, pkg, 'src'))) {
      throw new Error(
        `${dist} is missing or older than src/: run \`pnpm turbo run build --filter=@cachex/${pkg}...\``,
      );
    }
  }
  outside = mkdtempSync(join(tmpdir(), 'cachex-bundle-'));
  mkdirSync(join(packagesDir, 'codecs', '.tmp'), { recursive: true });
  inside = mkdtempSync(join(packagesDir, 'codecs', '.tmp', 'bundle-'));
  configDir = join(outside, 'config');
  mkdirSync(configDir);
  writeFileSync(
    join(configDir, 'cachex.config.yaml'),
    'caches:\n  default:\n    backend: memory\n',
  );
  esmFile = join(outside, 'program.mjs');
  writeFileSync(esmFile, esmProgram);
  writeFileSync(join(outside, 'program.cjs'), cjsProgram);
});

afterAll(() => {
  if (outside) rmSync(outside, { recursive: true, force: true });
  if (inside) rmSync(inside, { recursive: true, force: true });
});

async function runProgram(file: string): Promise<Report> {
  // Without NODE_PATH: pnpm's bin shims (node_modules/.bin/vitest) point it at the workspace's
  // hoisted packages (node_modules/.pnpm/node_modules), where every optional peer is found.
  const { NODE_PATH: _hoisted, ...env } = process.env;
  const { stdout } = await run(process.execPath, [file, configDir], { timeout: 20_000, env });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Report;
}

/** Bundles the ES module program into `dir/out.cjs`, as `esbuild --bundle --format=cjs`. */
async function bundleInto(dir: string): Promise<string> {
  const outfile = join(dir, 'out.cjs');
  await build({
    entryPoints: [esmFile],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

function expectMissing(outcome: Outcome, pkg: string): void {
  expect(outcome).toMatchObject({
    ok: false,
    name: 'MissingDependencyError',
    code: 'E_MISSING_DEPENDENCY',
    package: pkg,
  });
  expect((outcome as { message: string }).message).toContain(`npm install ${pkg}`);
}

const value = { text: 'a long value '.repeat(40), n: [1, 2.5, null] };
// Node >= 22.15 has zstd built in, and then needs no zstd-napi.
const nodeHasZstd = typeof (zlib as Record<string, unknown>).zstdCompressSync === 'function';

describe('optional peers in every module format', () => {
  it.each([
    ['an ES module', 'program.mjs'],
    ['CommonJS', 'program.cjs'],
  ])('unbundled, as %s: each package resolves its own peers', async (_label, file) => {
    const report = await runProgram(join(outside, file));
    expect(report.json).toEqual({ ok: true, value });
    expect(report.msgpack).toEqual({ ok: true, value });
    expect(report.zstd).toEqual({ ok: true, value: ['28b52ffd', value] });
    expect(report.yaml).toEqual({ ok: true, value: 'memory' });
    expect(report.standalone).toEqual({ ok: true, value: 'created' });
    expect(report.sentinel).toEqual({ ok: true, value: 'created' });
  });

  it('a CommonJS bundle loads, and a peer missing next to it is a MissingDependencyError', async () => {
    const report = await runProgram(await bundleInto(outside));
    expect(report.json).toEqual({ ok: true, value });
    expectMissing(report.msgpack, 'msgpackr');
    if (nodeHasZstd) expect(report.zstd).toEqual({ ok: true, value: ['28b52ffd', value] });
    else expectMissing(report.zstd, 'zstd-napi');
    expectMissing(report.yaml, 'yaml');
    expectMissing(report.standalone, 'ioredis');
    expectMissing(report.sentinel, 'ioredis');
  });

  it('a CommonJS bundle resolves the peers installed where it is', async () => {
    const report = await runProgram(await bundleInto(inside));
    expect(report.json).toEqual({ ok: true, value });
    expect(report.msgpack).toEqual({ ok: true, value });
    expect(report.zstd).toEqual({ ok: true, value: ['28b52ffd', value] });
    expectMissing(report.yaml, 'yaml');
  });
});
