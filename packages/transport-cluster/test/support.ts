import { globEscape } from '@cachex/core';
import { runAdminCommand, until } from '@cachex/testing';
import { Redis as IORedis } from 'ioredis';

/** A node to talk to directly (admin commands, MONITOR). */
export interface NodeAddress {
  host: string;
  port: number;
}

/** What MONITOR saw on each node: lower-case command name, then the arguments as text. */
export type Seen = Map<number, string[][]>;

/**
 * Starts MONITOR on each node and returns what each one receives, plus a stop function. Waits
 * until every MONITOR reports its own PING, so nothing sent afterwards is missed.
 */
export async function monitorNodes(
  nodes: readonly NodeAddress[],
): Promise<{ seen: Seen; stop: () => Promise<void> }> {
  const seen: Seen = new Map(nodes.map((n) => [n.port, []]));
  const admins: IORedis[] = [];
  const streams: { disconnect(): void }[] = [];
  for (const node of nodes) {
    const admin = new IORedis({ host: node.host, port: node.port, lazyConnect: true });
    admins.push(admin);
    const stream = await admin.monitor();
    streams.push(stream);
    stream.on('monitor', (_time: string, args: unknown[]) => {
      seen
        .get(node.port)
        ?.push([String(args[0]).toLowerCase(), ...args.slice(1).map((a) => String(a))]);
    });
  }
  await until(async () => {
    await Promise.all(admins.map((admin) => admin.ping()));
    return [...seen.values()].every((cmds) => cmds.some((c) => c[0] === 'ping'));
  });
  for (const cmds of seen.values()) cmds.length = 0;
  return {
    seen,
    stop: async () => {
      for (const stream of streams) stream.disconnect();
      for (const admin of admins) admin.disconnect();
    },
  };
}

/** The commands a node saw that name `prefix` in an argument (and MULTI/EXEC around them). */
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

/** How many keys matching `prefix*` a node holds (SCAN, on that node only). */
export async function keysOnNode(node: NodeAddress, prefix: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = (await runAdminCommand(
      node,
      'SCAN',
      cursor,
      'MATCH',
      `${globEscape(prefix)}*`,
      'COUNT',
      '1000',
    )) as [string, string[]];
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}
