/**
 * `pnpm bench:profile <W1|W2|W3|W4> [--client cachex|ioredis] [--compressor zstd|lz4|…]
 * [--serializer json|msgpack] [--seconds N] [--no-profile]`: runs one workload of section 1 alone for a few
 * seconds under V8's CPU profiler (node:inspector, in process), then
 *
 * - writes the profile to `results/profile-<workload>-<client>.cpuprofile` (open it in Chrome
 *   DevTools' Performance panel or https://www.speedscope.app for a graphical flame graph);
 * - prints where the time went: self time by area (each @cachex package, ioredis, Node's own
 *   code, the garbage collector, idle), the functions with the most self time, and the call
 *   tree from the top down (a flame graph in text: every frame with ≥ 2% of the samples).
 *
 * Idle time is time the process waited for the server: the one-in-flight workloads (W1, W3,
 * W4) are mostly that, and the busy share is what a client can make smaller.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import type { CompressorName, SerializerName } from '@cachex/codecs';
import { startRedisServer } from '@cachex/testing/servers';
import { createEnvironment } from './environment.js';
import { nowNs } from './harness.js';
import { listValue } from './payloads.js';
import { summarizeProfile } from './profile-summary.js';
import { keySet } from './sections/keys.js';

const WORKLOADS = ['W1', 'W2', 'W3', 'W4'] as const;
type Workload = (typeof WORKLOADS)[number];

interface Options {
  workload: Workload;
  client: 'cachex' | 'ioredis';
  compressor: CompressorName | null;
  serializer: SerializerName;
  seconds: number;
  /** `--no-profile`: the same loop without the profiler, to see what profiling itself costs. */
  profile: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    workload: 'W1',
    client: 'cachex',
    compressor: null,
    serializer: 'json',
    seconds: 5,
    profile: true,
  };
  const args = argv.filter((arg) => arg !== '--');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = (): string => {
      const value = args[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    if ((WORKLOADS as readonly string[]).includes(arg.toUpperCase())) {
      options.workload = arg.toUpperCase() as Workload;
    } else if (arg === '--client') {
      const client = next();
      if (client !== 'cachex' && client !== 'ioredis') throw new Error(`unknown client ${client}`);
      options.client = client;
    } else if (arg === '--compressor') options.compressor = next() as CompressorName;
    else if (arg === '--serializer') options.serializer = next() as SerializerName;
    else if (arg === '--seconds') options.seconds = Number(next());
    else if (arg === '--no-profile') options.profile = false;
    else throw new Error(`Unknown argument ${JSON.stringify(arg)}`);
  }
  return options;
}

/** One unit of work of the workload for the chosen client, set up before the profile starts. */
type Step = () => Promise<number>;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const server = await startRedisServer({ name: 'bench-profile' });
  const env = createEnvironment(server);
  try {
    const step = await prepare(env, options);
    // Warm-up outside the profile: the optimiser settles, connections are open.
    await runFor(step, 1000);
    if (!options.profile) {
      // Client CPU per unit (user + system time of this process) moves much less than ops/s
      // on a shared machine: it does not count the time the neighbours or the server took.
      const cpuBefore = process.cpuUsage();
      const units = await runFor(step, options.seconds * 1000);
      const cpu = process.cpuUsage(cpuBefore);
      const cpuUs = (cpu.user + cpu.system) / units;
      console.log(
        `${Math.round(units / options.seconds)} units/s without the profiler; client CPU ${cpuUs.toFixed(1)} µs per unit`,
      );
      return;
    }
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const units = await runFor(step, options.seconds * 1000);
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const name = `${options.workload}-${options.client}${options.compressor ? `-${options.compressor}` : ''}${options.serializer === 'json' ? '' : `-${options.serializer}`}`;
    const file = new URL(`../results/profile-${name}.cpuprofile`, import.meta.url);
    await writeFile(file, JSON.stringify(profile));
    console.log(
      `${name}: ${units} units in ${options.seconds} s (${Math.round(units / options.seconds)}/s); profile written to ${file.pathname}\n`,
    );
    console.log(summarizeProfile(profile));
  } finally {
    await env.closeAll();
    await server.stop();
  }
}

/** Runs `step` until `ms` have passed; returns the units of work done. */
async function runFor(step: Step, ms: number): Promise<number> {
  const end = nowNs() + ms * 1e6;
  let units = 0;
  while (nowNs() < end) units += await step();
  return units;
}

async function prepare(env: ReturnType<typeof createEnvironment>, options: Options): Promise<Step> {
  const big = options.workload === 'W4';
  const value = listValue(big ? 100 * 1024 : 1024);
  const keys = keySet(`profile-${options.workload}`, 'k', 100);
  const cache = env.cache(
    { compressor: options.compressor, serializer: options.serializer },
    `profile-${options.workload}`,
  );
  const raw = env.raw();
  const rawKeys = keys.stored.map((key) => `raw-${key}`);
  await cache.setMany(new Map(keys.user.map((key) => [key, value])));
  const text = JSON.stringify(value);
  const fill = raw.pipeline();
  for (const key of rawKeys) fill.set(key, text, 'EX', 300);
  await fill.exec();
  const parse = (bytes: Buffer | null): unknown => {
    if (bytes === null) throw new Error('unexpected miss');
    return JSON.parse(bytes.toString('utf8'));
  };
  let i = 0;
  const next = (): number => (i = (i + 1) % keys.user.length);
  const cachex = options.client === 'cachex';
  switch (options.workload) {
    case 'W1':
    case 'W4':
      return cachex
        ? async () => {
            const key = keys.user[next()]!;
            await cache.set(key, value);
            await cache.get(key);
            return 1;
          }
        : async () => {
            const key = rawKeys[next()]!;
            await raw.set(key, JSON.stringify(value), 'EX', 300);
            parse(await raw.getBuffer(key));
            return 1;
          };
    case 'W2': {
      const one = cachex
        ? () => cache.get(keys.user[next()]!)
        : async () => parse(await raw.getBuffer(rawKeys[next()]!));
      // 256 in flight: one step = 256 gets issued together.
      return async () => {
        const calls: Promise<unknown>[] = new Array(256);
        for (let n = 0; n < 256; n++) calls[n] = one();
        await Promise.all(calls);
        return 256;
      };
    }
    case 'W3':
      return cachex
        ? async () => {
            await cache.getMany(keys.user);
            return 1;
          }
        : async () => {
            const replies = await raw.mgetBuffer(rawKeys);
            for (const reply of replies) parse(reply);
            return 1;
          };
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
