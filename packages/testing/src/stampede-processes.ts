import { spawn } from 'node:child_process';

/** Where the child processes come from, and what they run against. */
export interface StampedeTarget {
  /** A package directory: the children resolve `@cachex/*` imports from there (built dist). */
  cwd: string;
  /** ES module import lines the `transport` expression needs (e.g. the transport package). */
  imports: string;
  /** A JavaScript expression that creates a transport, e.g. `createStandaloneTransport({ location: '…' })`. */
  transport: string;
  /** The key prefix every child's cache uses: they share the keys. */
  keyPrefix: string;
}

/** The whole run of {@link runStampede}. */
export interface StampedeOptions extends StampedeTarget {
  singleFlight: 'process' | 'cluster';
  /** Child processes. Default 4. */
  processes?: number;
  /** Concurrent `getOrSet` calls of the one missing key in each process. Default 250. */
  concurrency?: number;
  /** How long the factory takes, in ms. Default 50. */
  factoryMs?: number;
}

/** What one child measured. */
export interface StampedeProcessReport {
  /** Factory calls in this process. */
  calls: number;
  /** Every call's wait, in ms, sorted. */
  waitsMs: number[];
  /** The distinct values the calls resolved (the pid of the process whose factory made it). */
  values: number[];
  /** Error codes of calls that rejected. */
  errors: string[];
}

/** The run of {@link runSteadyReaders}. */
export interface SteadyReadersOptions extends StampedeTarget {
  singleFlight: 'process' | 'cluster';
  /** Child processes, each reading in a loop. Default 4. */
  processes?: number;
  /** How long the children read, in ms. */
  durationMs: number;
  /** The getOrSet timeout, in seconds. */
  timeout: number;
  /** How long the factory takes, in ms. */
  factoryMs: number;
  /** Pause between two reads of one process, in ms. Default 2. */
  readEveryMs?: number;
}

/** What one steady reader saw. */
export interface SteadyReaderReport {
  /** Reads by status (`hit`, `miss`, `stale`, `refreshed`), after a first read that fills the key. */
  statuses: Record<string, number>;
  /** Factory calls in this process. */
  calls: number;
  errors: string[];
}

const CHILD = `
import { createCache } from '@cachex/core';
import { createCodec } from '@cachex/codecs';
__IMPORTS__
const args = JSON.parse(process.argv[1]);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cache = createCache({ transport: __TRANSPORT__, codec: createCodec(), keyPrefix: args.keyPrefix });
let calls = 0;
const factory = async () => {
  calls++;
  await sleep(args.factoryMs);
  return { by: process.pid, at: Date.now() };
};
const errors = [];
const steadyOptions = { timeout: args.timeout, earlyRefresh: true, singleFlight: args.singleFlight, meta: true };
// The steady readers start from a stored value: the first fill is a miss by definition.
if (args.scenario === 'steady') await cache.getOrSet('steady', factory, steadyOptions);
else await cache.has('connect');
process.stdout.write('ready\\n');
// Every child starts at the parent's word, so the calls really are concurrent.
await new Promise((resolve) => process.stdin.once('data', resolve));
let report;
if (args.scenario === 'stampede') {
  const options = { timeout: 60, singleFlight: args.singleFlight };
  const results = await Promise.all(
    Array.from({ length: args.concurrency }, async () => {
      const started = performance.now();
      try {
        const value = await cache.getOrSet('hot', factory, options);
        return [performance.now() - started, value.by];
      } catch (error) {
        errors.push(error.code ?? String(error));
        return [performance.now() - started, -1];
      }
    }),
  );
  report = {
    calls,
    waitsMs: results.map(([ms]) => ms).sort((a, b) => a - b),
    values: [...new Set(results.map(([, by]) => by))],
    errors,
  };
} else {
  const statuses = {};
  calls = 0;
  const end = Date.now() + args.durationMs;
  while (Date.now() < end) {
    try {
      const { status } = await cache.getOrSet('steady', factory, steadyOptions);
      statuses[status] = (statuses[status] ?? 0) + 1;
    } catch (error) {
      errors.push(error.code ?? String(error));
    }
    await sleep(args.readEveryMs);
  }
  report = { statuses, calls, errors };
}
await cache.close();
process.stdout.write(JSON.stringify(report) + '\\n');
`;

/** Runs `processes` children of {@link CHILD}, starts them together, and collects their reports. */
async function runChildren<R>(
  target: StampedeTarget,
  processes: number,
  args: object,
): Promise<R[]> {
  const script = CHILD.replace('__IMPORTS__', target.imports).replace(
    '__TRANSPORT__',
    target.transport,
  );
  const children = Array.from({ length: processes }, () => {
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        script,
        JSON.stringify({ keyPrefix: target.keyPrefix, ...args }),
      ],
      { cwd: target.cwd, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const ready = new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.startsWith('ready\n')) resolve();
      };
      child.stdout.on('data', check);
      child.once('exit', (code) =>
        reject(new Error(`child exited (${code}) before it was ready: ${err}`)),
      );
    });
    const exited = new Promise<R>((resolve, reject) => {
      child.once('exit', (code) => {
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (code !== 0 || line === undefined) {
          reject(new Error(`child exited with ${code}: ${err || out}`));
          return;
        }
        resolve(JSON.parse(line) as R);
      });
    });
    return { child, ready, exited };
  });
  try {
    await Promise.all(children.map((c) => c.ready));
    for (const { child } of children) child.stdin.end('go\n');
    return await Promise.all(children.map((c) => c.exited));
  } finally {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/**
 * Many processes × many concurrent `getOrSet` calls of one missing key, started together: the
 * stampede `singleFlight` is there to absorb. Resolves each process's report (factory calls,
 * waits, values). The children run the built packages.
 */
export function runStampede(options: StampedeOptions): Promise<StampedeProcessReport[]> {
  return runChildren<StampedeProcessReport>(options, options.processes ?? 4, {
    scenario: 'stampede',
    singleFlight: options.singleFlight,
    concurrency: options.concurrency ?? 250,
    factoryMs: options.factoryMs ?? 50,
  });
}

/**
 * Processes reading one key in a loop with `earlyRefresh` for `durationMs`: what they saw, by
 * status, and how often their factories ran.
 */
export function runSteadyReaders(options: SteadyReadersOptions): Promise<SteadyReaderReport[]> {
  return runChildren<SteadyReaderReport>(options, options.processes ?? 4, {
    scenario: 'steady',
    singleFlight: options.singleFlight,
    durationMs: options.durationMs,
    timeout: options.timeout,
    factoryMs: options.factoryMs,
    readEveryMs: options.readEveryMs ?? 2,
  });
}

/** The `p`-th percentile (0–100) of sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}
