import { basename } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type StartedTopologies, startTopologies } from './servers/topologies.js';

/**
 * vitest globalSetup for the whole monorepo run: starts the real-server topologies once, hands
 * their endpoints to every test through `provide('cachexServers', …)`, and stops every server by
 * PID in the teardown.
 *
 * vitest calls globalSetup once per project (each project inherits it from the root config), and
 * loads this file through a separate module runner per project. The running servers are therefore
 * shared through globalThis and reference-counted: the first call starts them, the last teardown
 * stops them.
 */
interface SharedSetup {
  started: Promise<StartedTopologies> | undefined;
  users: number;
}

const shared: SharedSetup = (() => {
  const key = Symbol.for('cachex.testing.globalSetup');
  const holder = globalThis as { [key]?: SharedSetup };
  holder[key] ??= { started: undefined, users: 0 };
  return holder[key];
})();

function log(line: string): void {
  process.stderr.write(`[cachex-testing] ${line}\n`);
}

async function startAndReport(): Promise<StartedTopologies> {
  const begin = performance.now();
  const started = await startTopologies();
  const { handles, timings } = started;
  const server = basename(handles.standalone.binary);
  const at = (h: { host: string; port: number; pid: number }): string =>
    `${h.host}:${h.port} (pid ${h.pid})`;
  log(
    `standalone ${server} ${handles.standalone.version} on ${at(handles.standalone)}, unix socket ${handles.standalone.socketPath} [${timings.standalone} ms]`,
  );
  log(
    `replicaSet ${server} ${handles.primary.version} primary on ${at(handles.primary)}, replica on ${at(handles.replica)} (link up) [${timings.replicaSet} ms]`,
  );
  log(`tls ${server} ${handles.tls.version} on ${at(handles.tls)}, TLS only [${timings.tls} ms]`);
  log(
    `acl ${server} ${handles.acl.version} on ${at(handles.acl)}, default user off, user ${started.servers.acl.username} [${timings.acl} ms]`,
  );
  const { sentinel, cluster } = handles;
  const ports = (servers: readonly { port: number }[]): string =>
    servers.map((s) => s.port).join(', ');
  log(
    `sentinel ${server} ${sentinel.primary.version} master ${sentinel.masterName}: primary on ${at(sentinel.primary)}, replica on ${at(sentinel.replica)}, sentinels on ${ports(sentinel.sentinels)} (quorum ${sentinel.endpoints.quorum}) [${timings.sentinel} ms]`,
  );
  const { primaries, replicas } = cluster.endpoints;
  log(
    `cluster ${server} ${cluster.nodes[0]?.version ?? ''} ${cluster.nodes.length} nodes (${primaries.length} primaries, ${replicas.length} replicas) on ports ${ports(cluster.nodes)}, primaries ${ports(primaries)} [${timings.cluster} ms]`,
  );
  log(`all topologies ready in ${Math.round(performance.now() - begin)} ms`);
  return started;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  shared.users += 1;
  shared.started ??= startAndReport();
  let started: StartedTopologies;
  try {
    started = await shared.started;
  } catch (error) {
    shared.users -= 1;
    // Let a later run (watch mode) try again instead of replaying the failure.
    shared.started = undefined;
    throw error;
  }
  project.provide('cachexServers', started.servers);

  let released = false;
  return async () => {
    if (released) return;
    released = true;
    shared.users -= 1;
    if (shared.users > 0) return;
    shared.started = undefined;
    await started.stop();
  };
}
