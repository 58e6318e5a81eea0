import {
  closeAfterEach,
  clusterKeySlot,
  clusterPrimaryForKey,
  getTestServers,
  type HostPort,
  infoField,
  monitorNodes,
  randomPrefix,
  runAdminCommand,
  type Seen,
  until,
} from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import type { ClusterTransport } from '../src/index.js';
import { clusterTransport, keysOnNode } from './support.js';

// Multi-key operations over keys spread over every slot: split by slot (Redis refuses a
// multi-key command over several slots, even on one node), sent as one pipeline per node.

const closers = closeAfterEach();

function open(driver: 'ioredis' | 'iovalkey', prefix = randomPrefix({ spread: true })) {
  return closers.cache(clusterTransport(driver), prefix);
}

/** Server-side CROSSSLOT error replies so far, summed over the primaries. */
async function crossSlotReplies(primaries: readonly HostPort[]): Promise<number> {
  let total = 0;
  for (const node of primaries) {
    const stat = infoField(
      await runAdminCommand(node, 'INFO', 'errorstats'),
      'errorstat_CROSSSLOT',
    );
    total += Number(/count=(\d+)/.exec(stat ?? '')?.[1] ?? 0);
  }
  return total;
}

/**
 * Counts the writes to each primary's socket while `run` runs: a pipeline is written in one
 * go, so this is the number of round trips per node.
 */
async function writesPerNode(
  transport: ClusterTransport,
  run: () => Promise<unknown>,
): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  const restore: (() => void)[] = [];
  for (const node of transport.getClient().nodes('master')) {
    const stream = (node as unknown as { stream?: { write: (...args: unknown[]) => boolean } })
      .stream;
    if (stream === undefined) continue;
    const port = node.options.port ?? 0;
    const write = stream.write;
    stream.write = (...args: unknown[]) => {
      counts.set(port, (counts.get(port) ?? 0) + 1);
      return write.apply(stream, args);
    };
    restore.push(() => {
      stream.write = write;
    });
  }
  try {
    await run();
  } finally {
    for (const undo of restore) undo();
  }
  return counts;
}

/** Per primary port: how many `name` commands named the prefix, and how many keys they held. */
function tally(
  seen: Seen,
  name: string,
  prefix: string,
): Map<number, { calls: number; keys: number }> {
  const out = new Map<number, { calls: number; keys: number }>();
  for (const [port, cmds] of seen) {
    const ours = cmds.filter((c) => c[0] === name && c[1]?.startsWith(prefix));
    out.set(port, {
      calls: ours.length,
      keys: ours.reduce((n, c) => n + (name === 'set' ? 1 : c.length - 1), 0),
    });
  }
  return out;
}

function format(map: ReadonlyMap<number, { calls: number; keys: number } | number>): string {
  return [...map]
    .map(([port, v]) => (typeof v === 'number' ? `${port}: ${v}` : `${port}: ${v.calls}`))
    .join(', ');
}

describe.each(['ioredis', 'iovalkey'] as const)('keys spread over slots (%s)', (driver) => {
  it('1,000 keys: setMany with a timeout, one getMany, deleteMany; one MGET per slot, one round trip per node', async () => {
    const { primaries } = getTestServers().cluster;
    const { prefix, transport, cache } = open(driver);
    const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
    const slots = new Set(keys.map((k) => clusterKeySlot(cache.makeKey(k))));
    const crossSlotBefore = await crossSlotReplies(primaries);
    const monitor = await monitorNodes(primaries);
    closers.add(monitor.stop);
    // Connect to every primary first, so that the writes below are all counted.
    await transport.broadcast('PING', []);

    let begin = performance.now();
    const setWrites = await writesPerNode(transport, () =>
      cache.setMany(
        keys.map((k, i): [string, unknown] => [k, { i }]),
        { timeout: 300 },
      ),
    );
    const setMs = performance.now() - begin;
    begin = performance.now();
    let found = new Map<string, { i: number }>();
    const getWrites = await writesPerNode(transport, async () => {
      found = await cache.getMany<{ i: number }>(keys);
    });
    const getMs = performance.now() - begin;
    expect(found.size).toBe(1000);
    expect([...found.keys()]).toEqual(keys);
    expect(found.get('k999')).toEqual({ i: 999 });
    expect(await cache.ttl('k500')).toBeGreaterThan(290);
    begin = performance.now();
    let deleted = 0;
    const deleteWrites = await writesPerNode(transport, async () => {
      deleted = await cache.deleteMany(keys);
    });
    const deleteMs = performance.now() - begin;
    expect(deleted).toBe(1000);

    // MONITOR reports asynchronously: wait until every UNLINK has been seen.
    const unlinked = () => [...tally(monitor.seen, 'unlink', prefix).values()];
    await until(() => unlinked().reduce((n, t) => n + t.keys, 0) === 1000, 10_000);
    const sets = tally(monitor.seen, 'set', prefix);
    const mgets = tally(monitor.seen, 'mget', prefix);
    const unlinks = tally(monitor.seen, 'unlink', prefix);
    console.log(
      `[cluster ${driver}] 1,000 keys over ${slots.size} slots, 3 primaries\n` +
        `  setMany (timeout): ${Math.round(setMs)} ms; SET per node ${format(sets)}; round trips per node ${format(setWrites)}\n` +
        `  getMany:           ${Math.round(getMs)} ms; MGET per node ${format(mgets)}; round trips per node ${format(getWrites)}\n` +
        `  deleteMany:        ${Math.round(deleteMs)} ms; UNLINK per node ${format(unlinks)}; round trips per node ${format(deleteWrites)}`,
    );

    // One MGET per slot, each on the primary that serves it, and every primary has its share.
    let mgetCalls = 0;
    for (const node of primaries) {
      const ours = monitor.seen.get(node.port)?.filter((c) => c[0] === 'mget') ?? [];
      const mine = ours.filter((c) => c[1]?.startsWith(prefix));
      expect(mine.length, `MGETs on ${node.port}`).toBeGreaterThan(0);
      for (const c of mine) {
        const keySlots = new Set(c.slice(1).map((k) => clusterKeySlot(k)));
        expect(keySlots.size).toBe(1);
        expect(clusterPrimaryForKey(getTestServers().cluster, c[1]!).port).toBe(node.port);
      }
      mgetCalls += mine.length;
      expect(sets.get(node.port)?.calls).toBeGreaterThan(0);
    }
    expect(mgetCalls).toBe(slots.size);
    // One round trip per node, per operation.
    for (const writes of [setWrites, getWrites, deleteWrites]) {
      expect([...writes.values()]).toEqual([1, 1, 1]);
    }
    expect(await crossSlotReplies(primaries)).toBe(crossSlotBefore);
  }, 60_000);

  it('keys under a few hash tags: one MGET per tag', async () => {
    const { primaries } = getTestServers().cluster;
    const { prefix, cache } = open(driver);
    const keys = Array.from({ length: 1000 }, (_, i) => `{g${i % 10}}:k${i}`);
    const monitor = await monitorNodes(primaries);
    closers.add(monitor.stop);
    await cache.setMany(
      keys.map((k): [string, number] => [k, 1]),
      { timeout: null },
    );
    const found = await cache.getMany<number>(keys);
    expect(found.size).toBe(1000);
    expect(await cache.deleteMany(keys)).toBe(1000);
    const total = () =>
      [...tally(monitor.seen, 'unlink', prefix).values()].reduce((n, t) => n + t.keys, 0);
    await until(() => total() === 1000, 10_000);
    const mgets = tally(monitor.seen, 'mget', prefix);
    const msets = tally(monitor.seen, 'mset', prefix);
    console.log(
      `[cluster ${driver}] 1,000 keys under 10 hash tags: MGET per node ${format(mgets)}, MSET per node ${format(msets)}`,
    );
    expect([...mgets.values()].reduce((n, t) => n + t.calls, 0)).toBe(10);
    expect([...msets.values()].reduce((n, t) => n + t.calls, 0)).toBe(10);
  });

  it('clear() removes this cache’s keys from every primary and leaves another prefix alone', async () => {
    const { primaries } = getTestServers().cluster;
    const { prefix, cache } = open(driver);
    const other = open(driver);
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
    await cache.setMany(keys.map((k): [string, number] => [k, 1]));
    await other.cache.setMany(keys.slice(0, 30).map((k): [string, number] => [k, 2]));
    const before = await Promise.all(primaries.map((p) => keysOnNode(p, prefix)));
    const otherBefore = await Promise.all(primaries.map((p) => keysOnNode(p, other.prefix)));
    console.log(
      `[cluster ${driver}] clear(): this prefix's keys per primary before ${before.join(', ')}; the other prefix's ${otherBefore.join(', ')}`,
    );
    for (const count of before) expect(count).toBeGreaterThan(0);
    expect(before.reduce((a, b) => a + b, 0)).toBe(300);

    expect(await cache.clear()).toBe(300);
    expect(await Promise.all(primaries.map((p) => keysOnNode(p, prefix)))).toEqual([0, 0, 0]);
    expect(await Promise.all(primaries.map((p) => keysOnNode(p, other.prefix)))).toEqual(
      otherBefore,
    );
    expect((await other.cache.keys()).length).toBe(30);
    await other.cache.clear();
  });
});
