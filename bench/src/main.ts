/**
 * `pnpm bench`: cachex against raw ioredis, in the same run, on the same throwaway redis-server
 * (never port 6379: the harness picks a free port and stops the server at the end, also on
 * errors and Ctrl-C). Prints one table per section and writes them to `results/latest.json`.
 *
 * Flags: `--quick` for a smoke run (< 60 s, noisy numbers).
 */
import { cpus } from 'node:os';
import { startRedisServer } from '@cachex/testing/servers';
import { createEnvironment } from './environment.js';
import { collectGarbage, nowNs } from './harness.js';
import { parseMode } from './mode.js';
import { type RunResult, renderTable, type SectionResult, writeJson } from './report.js';
import { clusterSection } from './sections/cluster.js';
import { codecSection } from './sections/codecs.js';
import { getOrSetSection, getOrSetStampedeSection } from './sections/get-or-set.js';
import { largeSection } from './sections/large.js';
import { latencySection } from './sections/latency.js';
import { manySection } from './sections/many.js';
import { memorySection } from './sections/memory.js';
import { nearCacheMemorySection, nearCacheSection } from './sections/near-cache.js';
import { throughputSection } from './sections/throughput.js';
import { standaloneGetManyRate, workloadsSection } from './sections/workloads.js';

const RESULTS_FILE = new URL('../results/latest.json', import.meta.url);

async function main(): Promise<void> {
  const mode = parseMode(process.argv.slice(2));
  const started = nowNs();
  if (globalThis.gc === undefined) {
    console.warn('note: run with --expose-gc (as `pnpm bench` does) to collect between sections');
  }
  const server = await startRedisServer({ name: 'bench' });
  const env = createEnvironment(server);
  const cpuList = cpus();
  const run: RunResult = {
    date: new Date().toISOString(),
    mode: mode.name,
    machine: {
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      server: `${server.binary} ${server.version}`,
    },
    durationMs: 0,
    sections: [],
  };
  console.log(
    `cachex bench (${mode.name}) · ${run.machine.cpus} × ${run.machine.cpuModel} · node ${run.machine.node} · redis-server ${server.version} on port ${server.port}\n`,
  );

  // Each section is timed, printed as soon as it is done, and followed by a collection so that
  // none pays for the previous one's garbage.
  const record = async (measure: () => Promise<SectionResult>): Promise<SectionResult> => {
    const sectionStart = nowNs();
    const section = await measure();
    section.elapsedMs = (nowNs() - sectionStart) / 1e6;
    run.sections.push(section);
    console.log(renderTable(section));
    collectGarbage();
    return section;
  };
  try {
    const workloads = await record(() => workloadsSection(env, mode));
    await record(() => latencySection(env, mode));
    await record(() => throughputSection(env, mode));
    await record(() => manySection(env, mode));
    // A private cluster of its own (started and stopped inside the section).
    await record(() => clusterSection(mode, standaloneGetManyRate(workloads)));
    await record(() => largeSection(env, mode));
    await record(() => nearCacheSection(env, mode));
    await record(() => nearCacheMemorySection(env, mode));
    await record(() => getOrSetSection(env, mode));
    await record(() => getOrSetStampedeSection(env, mode));
  } finally {
    // Server sections are done (or one failed): close connections, then stop the server.
    await env.closeAll();
    await server.stop();
  }
  await record(() => codecSection(mode));
  await record(() => memorySection(mode));

  run.durationMs = (nowNs() - started) / 1e6;
  await writeJson(RESULTS_FILE, run);
  console.log(
    `done in ${(run.durationMs / 1000).toFixed(1)} s · results in bench/results/latest.json`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
