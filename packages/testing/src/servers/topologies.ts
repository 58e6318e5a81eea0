import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClusterTopologyHandle, startClusterTopology } from './cluster-topology.js';
import { trackDir, untrackDir } from './exit-cleanup.js';
import { type RedisServerHandle, startRedisServer } from './redis-server.js';
import { type SentinelTopologyHandle, startSentinelTopology } from './sentinel-topology.js';
import { resolveServerBinary } from './server-binary.js';
import type { TestServers } from './test-servers-types.js';
import { makeTlsCertificates, type TlsCertificates } from './tls-certificates.js';

export const aclUsername = 'cachex';
/** Every character that must be percent-encoded in a URL's userinfo, on purpose. */
export const aclPassword = 'p@ss:/%#word';

export type TopologyName = keyof TestServers;

export interface TopologyHandles {
  standalone: RedisServerHandle;
  primary: RedisServerHandle;
  replica: RedisServerHandle;
  tls: RedisServerHandle;
  acl: RedisServerHandle;
  sentinel: SentinelTopologyHandle;
  cluster: ClusterTopologyHandle;
}

export interface StartedTopologies {
  /** Plain JSON endpoints, for `project.provide`. */
  servers: TestServers;
  /** Live handles (PIDs, fault helpers); they stay in the process that started them. */
  handles: TopologyHandles;
  certificates: TlsCertificates;
  /** Milliseconds each topology took to become ready. */
  timings: Record<TopologyName, number>;
  /** Stops every server by PID and removes every temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Something `startTopologies` started and must stop: a server or a whole topology. */
interface Stoppable {
  stop(): Promise<void>;
}

export interface StartTopologiesOptions {
  /** Server binary; default: `CACHEX_REDIS_SERVER`, else redis-server / valkey-server on PATH. */
  binary?: string;
}

async function timed<T>(start: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const begin = performance.now();
  const value = await start();
  return { value, ms: Math.round(performance.now() - begin) };
}

/**
 * Starts the standalone, primary + replica, TLS, ACL, sentinel and cluster topologies in
 * parallel. If any of them
 * fails, the ones that did start are stopped before the error is thrown, so a failed start-up
 * leaves no process behind.
 */
export async function startTopologies(
  options: StartTopologiesOptions = {},
): Promise<StartedTopologies> {
  // Resolve once, up front: a missing binary is one clear error, not four.
  const binary = options.binary ?? resolveServerBinary();
  const started: Stoppable[] = [];
  const keep = <T extends Stoppable>(handle: T): T => {
    started.push(handle);
    return handle;
  };
  const certDir = await mkdtemp(join(tmpdir(), 'cachex-tls-'));
  trackDir(certDir);
  const removeCertDir = async (): Promise<void> => {
    await rm(certDir, { recursive: true, force: true });
    untrackDir(certDir);
  };

  const results = await Promise.allSettled([
    timed(async () =>
      keep(await startRedisServer({ name: 'standalone', binary, unixSocket: true })),
    ),
    timed(async () => {
      const primary = keep(await startRedisServer({ name: 'primary', binary }));
      // The replica needs the primary's final port (it may change on a port clash), so it starts
      // second; with --repl-diskless-sync-delay 0 its link comes up within ~50 ms.
      const replica = keep(
        await startRedisServer({
          name: 'replica',
          binary,
          replicaOf: { host: primary.host, port: primary.port },
        }),
      );
      return { primary, replica };
    }),
    timed(async () => {
      const certificates = await makeTlsCertificates(certDir);
      const server = keep(
        await startRedisServer({
          name: 'tls',
          binary,
          tls: {
            certFile: certificates.certFile,
            keyFile: certificates.keyFile,
            caFile: certificates.caFile,
            authClients: 'optional',
          },
        }),
      );
      return { server, certificates };
    }),
    timed(async () =>
      keep(
        await startRedisServer({
          name: 'acl',
          binary,
          users: [{ username: aclUsername, password: aclPassword }],
          disableDefaultUser: true,
        }),
      ),
    ),
    timed(async () => keep(await startSentinelTopology({ binary }))),
    timed(async () => keep(await startClusterTopology({ binary }))),
  ]);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const outcomes = await Promise.allSettled(started.map((handle) => handle.stop()));
      await removeCertDir();
      const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failures.length > 0) {
        throw new AggregateError(
          failures.map((f) => f.reason),
          'some test servers did not stop cleanly',
        );
      }
    })();
    return stopped;
  };

  const [standalone, replicaSet, tls, acl, sentinel, cluster] = results;
  if (
    standalone.status === 'rejected' ||
    replicaSet.status === 'rejected' ||
    tls.status === 'rejected' ||
    acl.status === 'rejected' ||
    sentinel.status === 'rejected' ||
    cluster.status === 'rejected'
  ) {
    await stop().catch(() => {});
    const errors = results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => r.reason as unknown);
    const first = errors[0];
    if (errors.length === 1 && first instanceof Error) throw first;
    throw new AggregateError(
      errors,
      `test servers failed to start: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('\n---\n')}`,
    );
  }

  const { primary, replica } = replicaSet.value.value;
  const { server: tlsServer, certificates } = tls.value.value;
  const standaloneServer = standalone.value.value;
  const aclServer = acl.value.value;
  const plain = (handle: RedisServerHandle): { host: string; port: number; url: string } => ({
    host: handle.host,
    port: handle.port,
    url: handle.url,
  });

  const servers: TestServers = {
    standalone: { ...plain(standaloneServer), socketPath: standaloneServer.socketPath ?? '' },
    replicaSet: { primary: plain(primary), replica: plain(replica) },
    tls: {
      ...plain(tlsServer),
      ca: certificates.ca,
      cert: certificates.clientCert,
      key: certificates.clientKey,
      caFile: certificates.caFile,
      certFile: certificates.clientCertFile,
      keyFile: certificates.clientKeyFile,
    },
    acl: { ...plain(aclServer), username: aclUsername, password: aclPassword },
    sentinel: sentinel.value.value.endpoints,
    cluster: cluster.value.value.endpoints,
  };

  return {
    servers,
    handles: {
      standalone: standaloneServer,
      primary,
      replica,
      tls: tlsServer,
      acl: aclServer,
      sentinel: sentinel.value.value,
      cluster: cluster.value.value,
    },
    certificates,
    timings: {
      standalone: standalone.value.ms,
      replicaSet: replicaSet.value.ms,
      tls: tls.value.ms,
      acl: acl.value.ms,
      sentinel: sentinel.value.ms,
      cluster: cluster.value.ms,
    },
    stop,
  };
}
