import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

// A transport must let the process exit once closed. Only a process of its own shows that: the
// test runner keeps handles of its own open, so the check runs the transport in a child Node
// process and asks it which handles are still open after close().

/**
 * What every child script starts with, after the import of the package: what it needs to
 * report to {@link BuiltPackageChild.run} (see {@link builtPackageChild}).
 */
const prelude = `
const codes = [];
const outcome = (promise) =>
  promise.then(
    () => codes.push('ok'),
    (error) => codes.push(error.code ?? String(error)),
  );
const waitFor = async (check) => {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
};
const closeAndReport = async (transport, pending) => {
  const begin = performance.now();
  await transport.close();
  const closeMs = Math.round(performance.now() - begin);
  // At once, before the pending calls settle: what close() itself left open.
  const resources = process.getActiveResourcesInfo();
  await Promise.all(pending);
  process.stdout.write(JSON.stringify({ resources, codes, closeMs }) + '\\n');
};
`;

/** What the child reported and how it ended. */
export interface ChildResult {
  /** `process.getActiveResourcesInfo()` right after close(); `['(no output)']` without a report. */
  resources: string[];
  /** One entry per `outcome()`: `'ok'` or an error code. */
  codes: string[];
  /** How long close() took, in milliseconds; -1 without a report. */
  closeMs: number;
  /** The exit code; `null` when a signal ended the child. */
  exitCode: number | null;
  /** True when the safety kill ended the child: it did not exit on its own. */
  killed: boolean;
  /** All the child wrote to stderr. */
  stderr: string;
}

/** Runs the child script of {@link builtPackageChild}. */
export interface BuiltPackageChild {
  /**
   * Runs the script with `args` and resolves once it has ended, by itself or by the safety kill
   * (then `killed` is true). A missing or broken report leaves the defaults of
   * {@link ChildResult}, for the test's assertions to show.
   */
  run(args: readonly string[]): Promise<ChildResult>;
}

/**
 * Prepares a check of a package's build in a child Node process: before the file's tests it
 * checks that `dist/index.js` is newer than everything in `src/`, and writes the child script to
 * a temporary directory; after them it removes that directory. Call it at the top level of a
 * test file. The child runs the built package because plain Node cannot load the TypeScript
 * sources.
 *
 * `script` is the body of the child, an ES module that reads its arguments from
 * `process.argv.slice(2)`. In scope:
 *
 * - `pkg`: the exports of the package's `dist/index.js`;
 * - `outcome(promise)`: records `'ok'`, or the error's code, in `codes` once the promise settles;
 * - `waitFor(check)`: polls `check()` on every turn of the event loop until it returns true;
 * - `closeAndReport(transport, pending)`: closes the transport, reads
 *   `process.getActiveResourcesInfo()` at once, waits for the `pending` outcomes, then prints
 *   `{ resources, codes, closeMs }` as one JSON line. The script ends with it, and must leave
 *   nothing else running, so that the child exits on its own.
 *
 * @param packageDir The package's directory: `new URL('..', import.meta.url)` from its `test/`.
 * @param options.safetyKillMs After this long (default 10 s) the child is killed with SIGKILL,
 *   so that a child that does not exit fails the test instead of hanging it.
 *
 * @example
 * ```ts
 * const child = builtPackageChild(new URL('..', import.meta.url), `
 * const [location] = process.argv.slice(2);
 * await closeAndReport(pkg.createStandaloneTransport({ location }), []);
 * `);
 * const result = await child.run([url]);
 * ```
 */
export function builtPackageChild(
  packageDir: URL,
  script: string,
  options: { safetyKillMs?: number } = {},
): BuiltPackageChild {
  const dirPath = fileURLToPath(packageDir);
  const distEntry = join(dirPath, 'dist', 'index.js');
  const safetyKillMs = options.safetyKillMs ?? 10_000;
  let tempDir: string | undefined;
  let scriptFile: string | undefined;

  beforeAll(() => {
    const { name } = JSON.parse(readFileSync(join(dirPath, 'package.json'), 'utf8')) as {
      name: string;
    };
    const built = statSync(distEntry, { throwIfNoEntry: false });
    if (!built || built.mtimeMs < newestFile(join(dirPath, 'src'))) {
      throw new Error(
        `${distEntry} is missing or older than src/: run \`pnpm --filter ${name} build\``,
      );
    }
    tempDir = mkdtempSync(join(tmpdir(), `${name.replace(/^@/, '').replace(/\W+/g, '-')}-child-`));
    scriptFile = join(tempDir, 'child.mjs');
    const header = `import * as pkg from ${JSON.stringify(pathToFileURL(distEntry).href)};\n`;
    writeFileSync(scriptFile, header + prelude + script);
  });

  afterAll(() => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });

  return {
    run(args) {
      if (scriptFile === undefined) throw new Error('builtPackageChild: run() before beforeAll');
      return runScript(scriptFile, args, safetyKillMs);
    },
  };
}

/** The handles of `resources` that would keep a process alive: timers and sockets. */
export function lingeringHandles(resources: readonly string[]): string[] {
  return resources.filter((r) => r === 'Timeout' || r.startsWith('TCP') || r === 'PipeConnectWrap');
}

/** The latest modification time of the files under `dir`. */
function newestFile(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestFile(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function runScript(
  script: string,
  args: readonly string[],
  safetyKillMs: number,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
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
    }, safetyKillMs);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(safety);
      const line = stdout.trim().split('\n').pop() ?? '';
      let report: Pick<ChildResult, 'resources' | 'codes' | 'closeMs'> = {
        resources: ['(no output)'],
        codes: [],
        closeMs: -1,
      };
      try {
        report = JSON.parse(line);
      } catch {
        // Left to the test's assertions, which then see the defaults.
      }
      resolve({ ...report, exitCode, killed, stderr });
    });
  });
}
