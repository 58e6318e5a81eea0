import { Redis as IORedis } from 'ioredis';
import { until } from './conformance/harness.js';
import type { HostPort } from './servers/topology-support.js';

// What a transport really sends is only visible on the server: MONITOR shows every command a
// node receives, MULTI and EXEC included, in order, with the connection that sent it.

/**
 * What each node received, by node port: each command as its lower-case name, then its
 * arguments as text.
 */
export type Seen = Map<number, string[][]>;

/** What {@link monitorNodes} records, until `stop()`. */
export interface MonitorRecorder {
  /** By node port. To start over, empty the lists (`cmds.length = 0`). */
  seen: Seen;
  /**
   * The same commands by client connection (its address as MONITOR reports it, and the node's
   * port), for telling one client's commands from those of the other tests on a shared server.
   * To start over, `clear()` it.
   */
  byConnection: Map<string, string[][]>;
  /** Ends MONITOR and closes its connections. */
  stop(): Promise<void>;
}

/** The recorder's connections' error listener (see monitorNodes). */
function ignore(): void {}

/**
 * Starts MONITOR on each node. Resolves once every node's MONITOR has reported its own PING,
 * so nothing sent afterwards is missed, with the lists emptied of that PING.
 *
 * @example
 * ```ts
 * const monitor = await monitorNodes(getTestServers().cluster.primaries);
 * try {
 *   // … send commands, then read monitor.seen or monitor.byConnection
 * } finally {
 *   await monitor.stop();
 * }
 * ```
 */
export async function monitorNodes(nodes: readonly HostPort[]): Promise<MonitorRecorder> {
  const seen: Seen = new Map(nodes.map((n) => [n.port, []]));
  const byConnection = new Map<string, string[][]>();
  const admins: IORedis[] = [];
  const streams: { disconnect(): void }[] = [];
  for (const node of nodes) {
    const admin = new IORedis({ host: node.host, port: node.port, lazyConnect: true });
    admins.push(admin);
    // Monitor lines that arrive after stop() (the socket is half-closed, the server still
    // writing) find the client out of monitoring mode, and the driver reports them as an
    // 'error' event ("Command queue state error"); unheard, that event would be an uncaught
    // exception in whichever test runs then. The recorder's own connections are not what a
    // test checks, so their errors are ignored.
    admin.on('error', ignore);
    const stream = await admin.monitor();
    stream.on('error', ignore);
    streams.push(stream);
    stream.on('monitor', (_time: string, args: unknown[], source: string) => {
      const command = [String(args[0]).toLowerCase(), ...args.slice(1).map((a) => String(a))];
      append(seen, node.port, command);
      // A client may use the same local port towards two nodes: the node's port tells them apart.
      append(byConnection, `${source} -> ${node.port}`, command);
    });
  }
  await until(async () => {
    await Promise.all(admins.map((admin) => admin.ping()));
    return [...seen.values()].every((cmds) => cmds.some((c) => c[0] === 'ping'));
  });
  for (const cmds of seen.values()) cmds.length = 0;
  byConnection.clear();
  return {
    seen,
    byConnection,
    stop: async () => {
      for (const stream of streams) stream.disconnect();
      for (const admin of admins) admin.disconnect();
    },
  };
}

/**
 * The commands of the one connection that named `prefix` (see
 * {@link MonitorRecorder.byConnection}), from the first to the last one naming it, with a MULTI
 * just before and an EXEC just after; shaped by {@link commandShapes}. Empty when none did.
 */
export function commandsOf(
  byConnection: ReadonlyMap<string, string[][]>,
  prefix: string,
): string[] {
  for (const cmds of byConnection.values()) {
    const ours = cmds.filter((c) => c.some((a) => a.startsWith(prefix)));
    if (ours.length === 0) continue;
    const first = cmds.indexOf(ours[0]!);
    const last = cmds.indexOf(ours[ours.length - 1]!);
    const end = cmds[last + 1]?.[0] === 'exec' ? last + 1 : last;
    const start = cmds[first - 1]?.[0] === 'multi' ? first - 1 : first;
    return commandShapes(cmds.slice(start, end + 1));
  }
  return [];
}

/**
 * The commands a node saw (a list of {@link MonitorRecorder.seen}) that name `prefix` in an
 * argument, with the MULTI and EXEC around them.
 */
export function commandsWith(cmds: readonly string[][], prefix: string): string[][] {
  const out: string[][] = [];
  cmds.forEach((c, i) => {
    if (c.slice(1).some((a) => a.includes(prefix))) {
      out.push(c);
      return;
    }
    const touches = (other: string[] | undefined) =>
      other?.slice(1).some((a) => a.includes(prefix)) === true;
    // MULTI/EXEC belong to the block whose commands name the prefix.
    if (c[0] === 'multi' && touches(cmds[i + 1])) out.push(c);
    if (c[0] === 'exec' && touches(cmds[i - 1])) out.push(c);
  });
  return out;
}

/** Commands in short, for comparing sequences: `multi`, `exec`, or the name and first argument. */
export function commandShapes(cmds: readonly string[][]): string[] {
  return cmds.map((c) => (c[0] === 'multi' || c[0] === 'exec' ? c[0] : `${c[0]} ${c[1]}`));
}

function append<K>(map: Map<K, string[][]>, key: K, command: string[]): void {
  const list = map.get(key) ?? [];
  list.push(command);
  map.set(key, list);
}
