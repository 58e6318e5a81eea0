import { execFile } from 'node:child_process';
import { infoField } from './admin-client.js';
import { clusterKeySlot, clusterSlotCount } from './cluster-slot.js';
import { type RedisServerHandle, startRedisServer } from './redis-server.js';
import { resolveCliBinary, resolveServerBinary } from './server-binary.js';
import { isLive, logTails, since, stopAll } from './topology-support.js';
import { waitUntil } from './wait-until.js';

const host = '127.0.0.1';

/** A slot range, both ends included: `[0, 5460]`. */
export type SlotRange = [first: number, last: number];

/** One node of a cluster topology, as it was at start-up. */
export interface ClusterNodeEndpoint {
  host: string;
  port: number;
  url: string;
  role: 'primary' | 'replica';
  /** Cluster node ID (40 hex characters); stable across restarts (kept in `nodes.conf`). */
  id: string;
  /** Slot ranges a primary serves; `[]` for a replica. */
  slots: SlotRange[];
  /** For a replica: the node ID of its primary. */
  replicaOf?: string;
}

/** Plain endpoints of a cluster topology (JSON, so the global setup can hand them to tests). */
export interface ClusterTopology {
  /** Every node, in start order. */
  nodes: ClusterNodeEndpoint[];
  /** The primaries at start-up, by first slot. */
  primaries: ClusterNodeEndpoint[];
  /** The replicas at start-up, in the order of their primaries. */
  replicas: ClusterNodeEndpoint[];
  /** `redis://127.0.0.1:<first node's port>`: one seed node; a cluster client finds the rest. */
  url: string;
}

export interface StartClusterTopologyOptions {
  /** Label for temp dirs, server names and errors. Default `cluster`. */
  name?: string;
  /** Default 3. */
  primaries?: number;
  /** Replicas per primary (`--cluster-replicas`). Default 1. */
  replicasPerPrimary?: number;
  /** `--cluster-node-timeout`: how long a node may be unreachable before failover. Default 2000. */
  nodeTimeoutMs?: number;
  /** Server binary; default: `CACHEX_REDIS_SERVER`, else redis-server / valkey-server on PATH. */
  binary?: string;
  /** CLI used for `--cluster create`; default: redis-cli (or valkey-cli) next to the binary. */
  cli?: string;
  /** Bound on the whole start-up. Default 20 000 ms. */
  startTimeoutMs?: number;
}

/** A node's server handle plus its cluster node ID. */
export type ClusterNodeHandle = RedisServerHandle & { readonly nodeId: string };

/** A running cluster topology: handles (PIDs, fault helpers), endpoints, waiters. */
export interface ClusterTopologyHandle {
  readonly endpoints: ClusterTopology;
  /**
   * Every node, in start order. `kill()`, `pause()`, `resume()` work as on any server;
   * `restart()` keeps the port, bus port and `nodes.conf`, and resolves once the node has
   * rejoined (`cluster_state:ok`, and its replica link up if it came back as a replica).
   */
  readonly nodes: readonly ClusterNodeHandle[];
  /** Every PID the topology has started, restarts included. */
  readonly pids: readonly number[];
  /** The node listening on this port. */
  node(port: number): ClusterNodeHandle;
  /** The primaries now (as a live node sees them), by first slot. */
  primaries(): Promise<ClusterNodeHandle[]>;
  /** The live replicas of a primary now. */
  replicasOf(primary: ClusterNodeHandle): Promise<ClusterNodeHandle[]>;
  /** The primary that serves `key`'s slot now. */
  nodeForKey(key: string | Uint8Array): Promise<ClusterNodeHandle>;
  /**
   * `CLUSTER FAILOVER [FORCE|TAKEOVER]` on a replica (default: a live replica of the first
   * primary), then waits until it is a primary and `waitForClusterOk()`. Default 15 s.
   */
  failover(
    replica?: ClusterNodeHandle,
    options?: { mode?: 'FORCE' | 'TAKEOVER'; timeoutMs?: number },
  ): Promise<{ primary: ClusterNodeHandle; ms: number }>;
  /**
   * Waits until every live (running, not paused) node says `cluster_state:ok`, every slot has a
   * live primary, every live node agrees on who serves which slot and who replicates whom (as
   * each node reports itself) and flags no live node as failing, and every live replica's link
   * is up. Default 15 s. Resolves the time it took, in ms.
   */
  waitForClusterOk(options?: { timeoutMs?: number }): Promise<number>;
  /** Stops every node by PID and removes the temp dirs. Idempotent. */
  stop(): Promise<void>;
}

/** One line of `CLUSTER NODES`. */
interface NodeLine {
  id: string;
  host: string;
  port: number;
  flags: Set<string>;
  primaryId: string | undefined;
  slots: SlotRange[];
}

function parseClusterNodes(reply: unknown): NodeLine[] {
  if (typeof reply !== 'string') throw new Error(`CLUSTER NODES replied ${String(reply)}`);
  return reply
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [id = '', address = '', flags = '', primary = '-', , , , , ...slotFields] =
        line.split(' ');
      // ip:port@cport[,hostname]
      const hostPort = address.split('@')[0] ?? '';
      const colon = hostPort.lastIndexOf(':');
      const slots: SlotRange[] = [];
      for (const field of slotFields) {
        if (field.startsWith('[')) continue; // a slot being imported or migrated
        const [first, last = first] = field.split('-');
        slots.push([Number(first), Number(last)]);
      }
      return {
        id,
        host: hostPort.slice(0, colon),
        port: Number(hostPort.slice(colon + 1)),
        flags: new Set(flags.split(',')),
        primaryId: primary === '-' ? undefined : primary,
        slots,
      };
    });
}

const failing = (line: NodeLine): boolean =>
  line.flags.has('fail') ||
  line.flags.has('fail?') ||
  line.flags.has('handshake') ||
  line.flags.has('noaddr');

function formatSlots(slots: readonly SlotRange[]): string {
  return slots.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}

/** The primaries that serve slots, by first slot. */
function slotOwners(view: readonly NodeLine[]): NodeLine[] {
  return view
    .filter((line) => line.flags.has('master') && line.slots.length > 0)
    .sort((a, b) => (a.slots[0]?.[0] ?? 0) - (b.slots[0]?.[0] ?? 0));
}

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes from redis-cli
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

function runCli(cli: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(
      cli,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const output = stripAnsi(`${stdout}${stderr}`).trim();
        if (error) {
          reject(
            new Error(
              `${cli} ${args.slice(0, 2).join(' ')} failed (${error.message.split('\n')[0]}):\n${output}`,
            ),
          );
        } else {
          resolveRun(output);
        }
      },
    );
  });
}

/**
 * Starts a Redis Cluster: by default 6 nodes (3 primaries with one replica each), each in its own
 * temp dir with its own `nodes.conf`, joined with `redis-cli --cluster create … --cluster-yes`,
 * and resolves once every node says `cluster_state:ok`, every replica's link is up and every node
 * agrees on all 16384 slots. A failed start-up stops every node and throws with the CLI output
 * and the log tails.
 */
export async function startClusterTopology(
  options: StartClusterTopologyOptions = {},
): Promise<ClusterTopologyHandle> {
  const begin = performance.now();
  const name = options.name ?? 'cluster';
  const primaryCount = options.primaries ?? 3;
  const replicasPerPrimary = options.replicasPerPrimary ?? 1;
  if (primaryCount < 3) {
    throw new Error(`${name}: redis-cli --cluster create needs at least 3 primaries`);
  }
  const nodeCount = primaryCount * (1 + replicasPerPrimary);
  const binary = options.binary ?? resolveServerBinary();
  const cli = options.cli ?? resolveCliBinary(binary);
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const remaining = (): number => Math.max(1000, startTimeoutMs - since(begin));

  const nodes: ClusterNodeHandle[] = [];
  const live = (): ClusterNodeHandle[] => nodes.filter(isLive);

  const nodeAt = (port: number): ClusterNodeHandle | undefined =>
    nodes.find((node) => node.port === port);

  /** CLUSTER NODES from the first live node that answers. */
  const currentView = async (): Promise<NodeLine[]> => {
    let lastError: unknown = new Error('no live node');
    for (const node of live()) {
      try {
        return parseClusterNodes(await node.command('CLUSTER', 'NODES'));
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  };

  /** One round of the cluster-wide check: undefined when ok, else what is missing. */
  const clusterProblem = async (): Promise<string | undefined> => {
    const liveNodes = live();
    if (liveNodes.length === 0) return 'no live node';
    const livePorts = new Set(liveNodes.map((node) => node.port));
    const states = await Promise.all(
      liveNodes.map(async (node) => {
        const [info, nodesReply, replication] = await Promise.all([
          node.command('CLUSTER', 'INFO'),
          node.command('CLUSTER', 'NODES'),
          node.command('INFO', 'replication'),
        ]);
        return { node, info, view: parseClusterNodes(nodesReply), replication };
      }),
    );
    // What each node says of itself: role, and the port of its primary.
    const selfReport = new Map(
      states.map(({ node, replication }) => [
        node.port,
        infoField(replication, 'role') === 'slave'
          ? `replica of ${infoField(replication, 'master_port')}`
          : 'primary',
      ]),
    );
    let agreed: string | undefined;
    for (const { node, info, view, replication } of states) {
      const state = infoField(info, 'cluster_state');
      if (state !== 'ok') return `${node.name} says cluster_state:${state ?? 'unknown'}`;
      if (
        infoField(replication, 'role') === 'slave' &&
        infoField(replication, 'master_link_status') !== 'up'
      ) {
        return `${node.name}'s replica link is ${infoField(replication, 'master_link_status')}`;
      }
      const owners = slotOwners(view);
      let covered = 0;
      for (const owner of owners) {
        for (const [first, last] of owner.slots) covered += last - first + 1;
        if (!livePorts.has(owner.port) || failing(owner)) {
          return `${node.name} has slots ${formatSlots(owner.slots)} on ${owner.host}:${owner.port}, which is not live`;
        }
      }
      if (covered !== clusterSlotCount) return `${node.name} sees ${covered} slots covered`;
      for (const other of liveNodes) {
        const line = view.find((l) => l.port === other.port);
        if (line === undefined) return `${node.name} does not know ${other.name}`;
        if (failing(line)) return `${node.name} flags ${other.name} ${[...line.flags].join(',')}`;
        // Gossip spreads a new replica's role too: until it has, a node lists a replica as a
        // primary without slots, and a client asking it would see a 4th primary.
        const primaryPort = view.find((l) => l.id === line.primaryId)?.port;
        const seen = line.flags.has('slave') ? `replica of ${primaryPort}` : 'primary';
        if (seen !== selfReport.get(other.port)) {
          return `${node.name} sees ${other.name} as ${seen}, it says ${selfReport.get(other.port)}`;
        }
      }
      const signature = owners.map((o) => `${o.port}:${formatSlots(o.slots)}`).join(' ');
      agreed ??= signature;
      if (signature !== agreed) return `nodes disagree on slots: ${agreed} vs ${signature}`;
    }
    return undefined;
  };

  const waitForClusterOk = async (timeoutMs = 15_000): Promise<number> => {
    const waitBegin = performance.now();
    await waitUntil(clusterProblem, {
      what: `${name}: cluster ok`,
      timeoutMs,
      details: () => `last log lines:\n${logTails(nodes)}`,
    });
    return since(waitBegin);
  };

  let cliOutput = '';
  try {
    const results = await Promise.allSettled(
      Array.from({ length: nodeCount }, (_, i) =>
        startRedisServer({
          name: `${name}-${i + 1}`,
          binary,
          cluster: { nodeTimeoutMs: options.nodeTimeoutMs ?? 2000 },
          startTimeoutMs: 20_000,
          // A restarted node reads its nodes.conf and rejoins as the same node; a former primary
          // whose replica took over comes back as that replica's replica. Ready once it is in.
          readyCheck: async (command, { restart }) => {
            if (!restart) return undefined;
            const state = infoField(await command('CLUSTER', 'INFO'), 'cluster_state');
            if (state !== 'ok') return `cluster_state:${state ?? 'unknown'} after restart`;
            const replication = await command('INFO', 'replication');
            if (
              infoField(replication, 'role') === 'slave' &&
              infoField(replication, 'master_link_status') !== 'up'
            ) {
              return 'replica link not up after restart';
            }
            return undefined;
          },
        }),
      ),
    );
    for (const result of results) {
      if (result.status === 'fulfilled') nodes.push(result.value as ClusterNodeHandle);
    }
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;

    cliOutput = await runCli(
      cli,
      [
        '--cluster',
        'create',
        ...nodes.map((node) => `${node.host}:${node.port}`),
        '--cluster-replicas',
        String(replicasPerPrimary),
        '--cluster-yes',
      ],
      remaining(),
    );
    await waitForClusterOk(remaining());
    const knownNodes = await Promise.all(
      nodes.map(async (node) =>
        Number(infoField(await node.command('CLUSTER', 'INFO'), 'cluster_known_nodes')),
      ),
    );
    if (knownNodes.some((n) => n !== nodeCount)) {
      throw new Error(`nodes know ${knownNodes.join(', ')} nodes, expected ${nodeCount} each`);
    }
    const ids = await Promise.all(nodes.map((node) => node.command('CLUSTER', 'MYID')));
    nodes.forEach((node, i) => {
      Object.defineProperty(node, 'nodeId', { value: String(ids[i]), enumerable: true });
    });
  } catch (error) {
    await stopAll(nodes).catch(() => {});
    if (error instanceof Error && !error.message.includes('last log lines')) {
      error.message = `${name}: cluster failed to start: ${error.message}${
        cliOutput === '' ? '' : `\n${cli} output:\n${cliOutput}`
      }\nlast log lines:\n${logTails(nodes)}`;
    }
    throw error;
  }

  const view = await currentView();
  const endpointOf = (node: ClusterNodeHandle): ClusterNodeEndpoint => {
    const line = view.find((l) => l.id === node.nodeId);
    if (line === undefined) throw new Error(`${name}: ${node.name} missing from CLUSTER NODES`);
    const isPrimary = line.flags.has('master');
    return {
      host: node.host,
      port: node.port,
      url: node.url,
      role: isPrimary ? 'primary' : 'replica',
      id: node.nodeId,
      slots: line.slots,
      ...(line.primaryId !== undefined ? { replicaOf: line.primaryId } : {}),
    };
  };
  const nodeEndpoints = nodes.map(endpointOf);
  const primaryEndpoints = nodeEndpoints
    .filter((n) => n.role === 'primary')
    .sort((a, b) => (a.slots[0]?.[0] ?? 0) - (b.slots[0]?.[0] ?? 0));
  const endpoints: ClusterTopology = {
    nodes: nodeEndpoints,
    primaries: primaryEndpoints,
    replicas: primaryEndpoints.flatMap((p) => nodeEndpoints.filter((n) => n.replicaOf === p.id)),
    url: `redis://${host}:${nodes[0]?.port ?? 0}`,
  };

  const byLine = (line: NodeLine): ClusterNodeHandle => {
    const node = nodes.find((n) => n.nodeId === line.id) ?? nodeAt(line.port);
    if (node === undefined)
      throw new Error(`${name}: ${line.host}:${line.port} is not a node here`);
    return node;
  };

  const replicasOf = async (primary: ClusterNodeHandle): Promise<ClusterNodeHandle[]> =>
    (await currentView())
      .filter((line) => line.primaryId === primary.nodeId && !failing(line))
      .map(byLine)
      .filter(isLive);

  let stopping: Promise<void> | undefined;
  const handle: ClusterTopologyHandle = {
    endpoints,
    nodes,
    get pids() {
      return nodes.flatMap((node) => node.pids);
    },
    node(port) {
      const node = nodeAt(port);
      if (node === undefined) throw new Error(`${name}: no node on port ${port}`);
      return node;
    },
    async primaries() {
      return slotOwners(await currentView()).map(byLine);
    },
    replicasOf,
    async nodeForKey(key) {
      const slot = clusterKeySlot(key);
      const owner = slotOwners(await currentView()).find((line) =>
        line.slots.some(([first, last]) => slot >= first && slot <= last),
      );
      if (owner === undefined) throw new Error(`${name}: no primary serves slot ${slot}`);
      return byLine(owner);
    },
    async failover(replica, failoverOptions = {}) {
      const failoverBegin = performance.now();
      const timeoutMs = failoverOptions.timeoutMs ?? 15_000;
      let target = replica;
      if (target === undefined) {
        const first = slotOwners(await currentView())[0];
        target = first === undefined ? undefined : (await replicasOf(byLine(first)))[0];
        if (target === undefined) throw new Error(`${name}: no live replica to fail over to`);
      }
      const promoted = target;
      const mode = failoverOptions.mode;
      await promoted.command('CLUSTER', 'FAILOVER', ...(mode === undefined ? [] : [mode]));
      await waitUntil(
        async () => {
          const role = await promoted.command('ROLE');
          return Array.isArray(role) && role[0] === 'master'
            ? undefined
            : `${promoted.name} is still ${Array.isArray(role) ? role[0] : role}`;
        },
        {
          what: `${name}: ${promoted.name} promoted`,
          timeoutMs,
          details: () => `last log lines:\n${logTails(nodes)}`,
        },
      );
      await waitForClusterOk(Math.max(1000, timeoutMs - since(failoverBegin)));
      return { primary: promoted, ms: since(failoverBegin) };
    },
    waitForClusterOk: (waitOptions = {}) => waitForClusterOk(waitOptions.timeoutMs),
    stop() {
      stopping ??= stopAll(nodes);
      return stopping;
    },
  };
  return handle;
}

/** The start-up primary of a plain cluster topology that serves `key`'s slot. */
export function clusterPrimaryForKey(
  cluster: ClusterTopology,
  key: string | Uint8Array,
): ClusterNodeEndpoint {
  const slot = clusterKeySlot(key);
  const owner = cluster.primaries.find((p) =>
    p.slots.some(([first, last]) => slot >= first && slot <= last),
  );
  if (owner === undefined) throw new Error(`no primary serves slot ${slot}`);
  return owner;
}
