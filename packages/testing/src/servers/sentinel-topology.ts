import { randomBytes } from 'node:crypto';
import { isReplyError } from './admin-client.js';
import { findFreePort } from './free-port.js';
import {
  PortInUseError,
  type RedisServerHandle,
  type ReplicaOfContext,
  type ReplicaOfTarget,
  startRedisServer,
} from './redis-server.js';
import { resolveServerBinary } from './server-binary.js';
import {
  type HostPort,
  isLive,
  logTails,
  pairsToRecord,
  since,
  stopAll,
} from './topology-support.js';
import { waitUntil } from './wait-until.js';

const host = '127.0.0.1';

/** Plain endpoints of a sentinel topology (JSON, so the global setup can hand them to tests). */
export interface SentinelTopology {
  /** The name the sentinels monitor (`sentinel monitor <masterName> …`). */
  masterName: string;
  /**
   * `redis://<masterName>`: the host of a Sentinel URL is the master name; the sentinels are given
   * separately (`sentinels`).
   */
  url: string;
  sentinels: HostPort[];
  /** The primary at start-up. After a failover, ask the sentinels instead. */
  primary: { host: string; port: number; url: string };
  /** The replica at start-up. */
  replica: { host: string; port: number; url: string };
  quorum: number;
}

export interface StartSentinelTopologyOptions {
  /** Label for temp dirs, server names and errors. Default `sentinel`. */
  name?: string;
  /** Default `cachex-primary`. */
  masterName?: string;
  /** Number of sentinels. Default 3. */
  sentinels?: number;
  /** Sentinels that must agree the primary is down. Default 2. */
  quorum?: number;
  /** `sentinel down-after-milliseconds`. Default 1000. */
  downAfterMs?: number;
  /** `sentinel failover-timeout`. Default 3000. */
  failoverTimeoutMs?: number;
  /** Server binary; default: `CACHEX_REDIS_SERVER`, else redis-server / valkey-server on PATH. */
  binary?: string;
  /** Bound on the whole start-up. Default 15 000 ms. */
  startTimeoutMs?: number;
}

/** The outcome of a failover: the new primary's address and handle. */
export interface NewPrimary extends HostPort {
  server: RedisServerHandle;
  /** How long the wait took, in ms. */
  ms: number;
}

/** A running sentinel topology: handles (PIDs, fault helpers), endpoints, waiters. */
export interface SentinelTopologyHandle {
  readonly masterName: string;
  readonly endpoints: SentinelTopology;
  /** The server that started as the primary (its role may have changed since). */
  readonly primary: RedisServerHandle;
  /** The server that started as the replica. */
  readonly replica: RedisServerHandle;
  readonly sentinels: readonly RedisServerHandle[];
  /** Every process of the topology: primary, replica, then the sentinels. */
  readonly servers: readonly RedisServerHandle[];
  /** Every PID the topology has started, restarts included. */
  readonly pids: readonly number[];
  /** What the live sentinels report now (`SENTINEL get-master-addr-by-name`); they must agree. */
  primaryAddress(): Promise<HostPort>;
  /** The handle of the server the sentinels report as the primary. */
  currentPrimary(): Promise<RedisServerHandle>;
  /**
   * `SENTINEL FAILOVER <masterName>` (no agreement needed), then `waitForNewPrimary()`. The old
   * primary, still running, stays a primary until a sentinel's next INFO of it (every 10 s)
   * converts it to a replica, and the sentinels see its link up at the INFO after that: in Redis
   * 7.0, `waitForHealthy()` after `failover()` takes about 20 s.
   */
  failover(options?: { timeoutMs?: number }): Promise<NewPrimary>;
  /**
   * Waits until every live sentinel reports a primary other than `previous` (default: the last
   * primary this handle knew of) and that server answers `ROLE` as master. Default 15 s.
   */
  waitForNewPrimary(options?: { previous?: HostPort; timeoutMs?: number }): Promise<NewPrimary>;
  /**
   * Waits until every live sentinel agrees on a live primary, sees every other live server as a
   * replica with its link up, and is connected to every other live sentinel. Default 30 s.
   */
  waitForHealthy(options?: { timeoutMs?: number }): Promise<void>;
  /** Stops every process by PID (sentinels first) and removes the temp dirs. Idempotent. */
  stop(): Promise<void>;
}

function sentinelConfig(options: {
  masterName: string;
  myId: string;
  primaryPort: number;
  replicaPort: number;
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
  peers: { port: number; id: string }[];
}): string {
  const m = options.masterName;
  return [
    // Fixed IDs and the peers below are what a sentinel writes itself after discovery (hello
    // messages, every 2 s): written up front, the sentinels know each other and the replica at
    // once and need only connect.
    `sentinel myid ${options.myId}`,
    `sentinel monitor ${m} ${host} ${options.primaryPort} ${options.quorum}`,
    `sentinel down-after-milliseconds ${m} ${options.downAfterMs}`,
    `sentinel failover-timeout ${m} ${options.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${m} 1`,
    `sentinel known-replica ${m} ${host} ${options.replicaPort}`,
    ...options.peers.map((peer) => `sentinel known-sentinel ${m} ${host} ${peer.port} ${peer.id}`),
    '',
  ].join('\n');
}

function addressOf(reply: unknown): HostPort | undefined {
  if (!Array.isArray(reply) || reply.length < 2) return undefined;
  return { host: String(reply[0]), port: Number(reply[1]) };
}

/**
 * Flags that mean a sentinel cannot rely on an instance. Others are harmless: `master_down` on a
 * peer sentinel is its stale vote from the last failover, cleared only 5 s after it.
 */
const unhealthyFlags = ['s_down', 'o_down', 'disconnected', 'failover_in_progress', 'promoted'];

function flagsProblem(flags: string | undefined, role: string): string | undefined {
  const set = new Set((flags ?? '').split(','));
  if (!set.has(role)) return flags ?? 'unknown';
  const bad = unhealthyFlags.filter((flag) => set.has(flag));
  return bad.length > 0 ? flags : undefined;
}

const sameAddress = (a: HostPort | undefined, b: HostPort | undefined): boolean =>
  a !== undefined && b !== undefined && a.host === b.host && a.port === b.port;

/**
 * Starts a primary, one replica and (by default) three sentinels monitoring them, each in its own
 * temp dir with its own config file (which the sentinel rewrites), and resolves once every
 * sentinel knows the primary, the replica and the other sentinels and is connected to them, so a
 * failover can happen. A failed start-up stops whatever started and throws with the log tails.
 */
export async function startSentinelTopology(
  options: StartSentinelTopologyOptions = {},
): Promise<SentinelTopologyHandle> {
  const begin = performance.now();
  const name = options.name ?? 'sentinel';
  const masterName = options.masterName ?? 'cachex-primary';
  if (!/^[A-Za-z0-9._-]+$/.test(masterName)) {
    throw new Error(
      `${name}: master name ${JSON.stringify(masterName)} must match [A-Za-z0-9._-]+`,
    );
  }
  const sentinelCount = options.sentinels ?? 3;
  const quorum = options.quorum ?? 2;
  if (sentinelCount < 1 || quorum < 1 || quorum > sentinelCount) {
    throw new Error(`${name}: need 1 <= quorum (${quorum}) <= sentinels (${sentinelCount})`);
  }
  const binary = options.binary ?? resolveServerBinary();
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const remaining = (): number => Math.max(1000, startTimeoutMs - since(begin));

  const dataNodes: RedisServerHandle[] = [];
  let sentinels: RedisServerHandle[] = [];
  const allServers = (): RedisServerHandle[] => [...dataNodes, ...sentinels];

  /** Asks the live sentinels, in order, for the primary; the first answer wins. */
  const askAnySentinel = async (): Promise<HostPort | undefined> => {
    for (const sentinel of sentinels.filter(isLive)) {
      try {
        const address = addressOf(
          await sentinel.command('SENTINEL', 'get-master-addr-by-name', masterName),
        );
        if (address !== undefined) return address;
      } catch {
        // Try the next sentinel.
      }
    }
    return undefined;
  };

  // A data node restarted after a failover comes back as a replica of whatever the sentinels
  // now call the primary (or as a primary if that is itself), as an operator would restart it.
  const replicaOf =
    (initial: ReplicaOfTarget | undefined) =>
    async ({ port, restart }: ReplicaOfContext): Promise<ReplicaOfTarget | undefined> => {
      if (!restart) return initial;
      const primary = await askAnySentinel();
      if (primary === undefined || primary.port === port) return undefined;
      return primary;
    };

  let lastPrimary: HostPort | undefined;

  const agreedPrimary = async (): Promise<HostPort> => {
    const live = sentinels.filter(isLive);
    if (live.length === 0) throw new Error('no live sentinel');
    const answers = await Promise.all(
      live.map(async (sentinel) =>
        addressOf(await sentinel.command('SENTINEL', 'get-master-addr-by-name', masterName)),
      ),
    );
    const first = answers[0];
    if (first === undefined || answers.some((a) => !sameAddress(a, first))) {
      throw new Error(
        `sentinels disagree on the primary: ${answers.map((a) => (a === undefined ? 'none' : `${a.host}:${a.port}`)).join(', ')}`,
      );
    }
    return first;
  };

  const serverAt = (address: HostPort): RedisServerHandle | undefined =>
    dataNodes.find((server) => server.host === address.host && server.port === address.port);

  /** One round of the health check: undefined when healthy, else what is missing. */
  const healthProblem = async (): Promise<string | undefined> => {
    const primaryAddress = await agreedPrimary();
    const primary = serverAt(primaryAddress);
    if (primary === undefined) {
      return `sentinels report ${primaryAddress.host}:${primaryAddress.port}, not a server of this topology`;
    }
    if (!isLive(primary)) return `the primary ${primary.name} is not running`;
    const role = await primary.command('ROLE');
    if (!Array.isArray(role) || role[0] !== 'master') {
      return `${primary.name} reports role ${Array.isArray(role) ? role[0] : role}`;
    }
    const liveSentinels = sentinels.filter(isLive);
    const replicas = dataNodes.filter((server) => server !== primary && isLive(server));
    for (const sentinel of liveSentinels) {
      const master = pairsToRecord(await sentinel.command('SENTINEL', 'master', masterName));
      const masterFlags = flagsProblem(master.flags, 'master');
      if (masterFlags !== undefined) return `${sentinel.name} flags the primary ${masterFlags}`;
      const known = ((await sentinel.command('SENTINEL', 'replicas', masterName)) as unknown[]).map(
        pairsToRecord,
      );
      for (const replica of replicas) {
        const entry = known.find((r) => Number(r.port) === replica.port);
        if (entry === undefined) return `${sentinel.name} does not know replica ${replica.name}`;
        if (
          flagsProblem(entry.flags, 'slave') !== undefined ||
          entry['master-link-status'] !== 'ok' ||
          Number(entry['master-port']) !== primary.port
        ) {
          return `${sentinel.name} sees replica ${replica.name} as ${entry.flags}, link ${entry['master-link-status']}, of port ${entry['master-port']}`;
        }
      }
      const peers = (
        (await sentinel.command('SENTINEL', 'sentinels', masterName)) as unknown[]
      ).map(pairsToRecord);
      for (const other of liveSentinels) {
        if (other === sentinel) continue;
        const entry = peers.find((s) => Number(s.port) === other.port);
        if (entry === undefined) return `${sentinel.name} does not know ${other.name}`;
        const peerFlags = flagsProblem(entry.flags, 'sentinel');
        if (peerFlags !== undefined) return `${sentinel.name} sees ${other.name} as ${peerFlags}`;
      }
    }
    lastPrimary = primaryAddress;
    return undefined;
  };

  const waitForHealthy = async (timeoutMs = 30_000): Promise<void> => {
    await waitUntil(healthProblem, {
      what: `${name}: sentinel topology healthy`,
      timeoutMs,
      details: () => `last log lines:\n${logTails(allServers())}`,
    });
  };

  const startSentinels = async (primary: RedisServerHandle, replica: RedisServerHandle) => {
    const ports = await Promise.all(
      Array.from({ length: sentinelCount }, () => findFreePort(host)),
    );
    const ids = ports.map(() => randomBytes(20).toString('hex'));
    const results = await Promise.allSettled(
      ports.map((port, i) =>
        startRedisServer({
          name: `${name}-sentinel-${i + 1}`,
          binary,
          port,
          sentinel: {
            config: sentinelConfig({
              masterName,
              myId: ids[i] ?? '',
              primaryPort: primary.port,
              replicaPort: replica.port,
              quorum,
              downAfterMs: options.downAfterMs ?? 1000,
              failoverTimeoutMs: options.failoverTimeoutMs ?? 3000,
              peers: ports.map((p, j) => ({ port: p, id: ids[j] ?? '' })).filter((_, j) => j !== i),
            }),
          },
        }),
      ),
    );
    const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failed.length > 0) {
      await stopAll(started).catch(() => {});
      throw failed.find((e) => !(e instanceof PortInUseError)) ?? failed[0];
    }
    return started;
  };

  try {
    const primary = await startRedisServer({
      name: `${name}-primary`,
      binary,
      replicaOf: replicaOf(undefined),
    });
    dataNodes.push(primary);
    const replica = await startRedisServer({
      name: `${name}-replica`,
      binary,
      replicaOf: replicaOf({ host: primary.host, port: primary.port }),
    });
    dataNodes.push(replica);
    // The sentinels' ports are written into each other's config, so they are fixed; on a clash
    // (another process took one in between) start all of them again on fresh ports.
    for (let attempt = 1; sentinels.length === 0; attempt += 1) {
      try {
        sentinels = await startSentinels(primary, replica);
      } catch (error) {
        if (!(error instanceof PortInUseError) || attempt >= 3) throw error;
      }
    }
    lastPrimary = { host: primary.host, port: primary.port };
    await waitForHealthy(remaining());
  } catch (error) {
    await stopAll([...sentinels, ...dataNodes]).catch(() => {});
    if (error instanceof Error && !error.message.includes('last log lines')) {
      error.message = `${name}: sentinel topology failed to start: ${error.message}\nlast log lines:\n${logTails(allServers())}`;
    }
    throw error;
  }

  const [primary, replica] = dataNodes as [RedisServerHandle, RedisServerHandle];
  const endpoints: SentinelTopology = {
    masterName,
    url: `redis://${masterName}`,
    sentinels: sentinels.map((s) => ({ host: s.host, port: s.port })),
    primary: { host: primary.host, port: primary.port, url: primary.url },
    replica: { host: replica.host, port: replica.port, url: replica.url },
    quorum,
  };

  const waitForNewPrimary = async (
    waitOptions: { previous?: HostPort; timeoutMs?: number } = {},
  ): Promise<NewPrimary> => {
    const waitBegin = performance.now();
    const previous = waitOptions.previous ?? lastPrimary;
    let found: { address: HostPort; server: RedisServerHandle } | undefined;
    await waitUntil(
      async () => {
        const address = await agreedPrimary();
        if (sameAddress(address, previous)) {
          return `sentinels still report ${address.host}:${address.port}`;
        }
        const server = serverAt(address);
        if (server === undefined) return `${address.host}:${address.port} is not in this topology`;
        const role = await server.command('ROLE');
        if (!Array.isArray(role) || role[0] !== 'master') {
          return `${server.name} is not master yet (${Array.isArray(role) ? role[0] : role})`;
        }
        found = { address, server };
        return undefined;
      },
      {
        what: `${name}: new primary`,
        timeoutMs: waitOptions.timeoutMs ?? 15_000,
        details: () => `last log lines:\n${logTails(allServers())}`,
      },
    );
    if (found === undefined) throw new Error(`${name}: new primary not found`);
    lastPrimary = found.address;
    return { ...found.address, server: found.server, ms: since(waitBegin) };
  };

  let stopping: Promise<void> | undefined;
  const handle: SentinelTopologyHandle = {
    masterName,
    endpoints,
    primary,
    replica,
    sentinels,
    servers: allServers(),
    get pids() {
      return allServers().flatMap((server) => server.pids);
    },
    primaryAddress: agreedPrimary,
    async currentPrimary() {
      const address = await agreedPrimary();
      const server = serverAt(address);
      if (server === undefined) {
        throw new Error(`${name}: sentinels report ${address.host}:${address.port}, unknown`);
      }
      return server;
    },
    async failover(failoverOptions = {}) {
      const timeoutMs = failoverOptions.timeoutMs ?? 15_000;
      const previous = await agreedPrimary();
      // Right after a start or a failover a sentinel may not have a replica it deems good yet
      // (NOGOODSLAVE); ask again until it does.
      await waitUntil(
        async () => {
          const sentinel = sentinels.find(isLive);
          if (sentinel === undefined) return 'no live sentinel';
          try {
            await sentinel.command('SENTINEL', 'FAILOVER', masterName);
            return undefined;
          } catch (error) {
            if (isReplyError(error) && /INPROG/.test(error.message)) return undefined;
            throw error;
          }
        },
        { what: `${name}: SENTINEL FAILOVER accepted`, timeoutMs },
      );
      return waitForNewPrimary({ previous, timeoutMs });
    },
    waitForNewPrimary,
    waitForHealthy: (waitOptions = {}) => waitForHealthy(waitOptions.timeoutMs),
    stop() {
      stopping ??= (async () => {
        // Sentinels first, so none starts a failover while the data nodes go down.
        await stopAll(sentinels);
        await stopAll(dataNodes);
      })();
      return stopping;
    },
  };
  return handle;
}
