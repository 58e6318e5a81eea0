import {
  type BatchResult,
  type Command,
  createScript,
  FIRST_KEY,
  NoScriptError,
  type Script,
} from '@cachex/core';
import { scriptCommand } from '@cachex/core/internal';
import {
  type ClusterTopologyHandle,
  closeAfterEach,
  clusterPrimaryForKey,
  commandShapes,
  commandsWith,
  getTestServers,
  type HostPort,
  monitorNodes,
  randomPrefix,
  runAdminCommand,
  startClusterTopology,
  until,
} from '@cachex/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterTransport, createClusterTransport } from '../src/index.js';
import { clusterTransport } from './support.js';

// Scripts run by SHA (EVALSHA) on the node owning their keys. A node that lost its scripts
// (SCRIPT FLUSH, a new primary after a failover) answers NOSCRIPT: a single command loads the
// script on that node and runs once more; a batch loads its scripts first on each node, in the
// same round trip, so that the order is kept and MULTI blocks are safe.

const closers = closeAfterEach();

/** A script of its own for each test (its source names `tag`), so no other test loads it. */
function incrBy(tag: string): Script {
  return createScript(`-- ${tag}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`);
}

function open(driver: 'ioredis' | 'iovalkey', prefix = randomPrefix()) {
  const opened = closers.cache(clusterTransport(driver), prefix);
  return { ...opened, key: (name: string) => `${prefix}:${name}` };
}

function run(transport: ClusterTransport, command: Command) {
  return transport.command(command.name, command.args, command);
}

const get = (key: string): Command => ({ name: 'GET', args: [key], keys: FIRST_KEY });

async function hasScript(node: HostPort, script: Script): Promise<boolean> {
  const [exists] = (await runAdminCommand(node, 'SCRIPT', 'EXISTS', script.sha)) as number[];
  return exists === 1;
}

/** Whether every node's CLUSTER SLOTS lists `replica` (among the nodes serving a range). */
async function everyNodeLists(nodes: readonly HostPort[], replica: HostPort): Promise<boolean> {
  for (const node of nodes) {
    const ranges = (await runAdminCommand(node, 'CLUSTER', 'SLOTS')) as unknown[][];
    const listed = ranges.some((range) =>
      range.slice(2).some((entry) => (entry as unknown[])[1] === replica.port),
    );
    if (!listed) return false;
  }
  return true;
}

const values = (results: readonly BatchResult[]) =>
  results.map((r) => (r.ok ? (Buffer.isBuffer(r.value) ? r.value.toString() : r.value) : r.error));

describe.each(['ioredis', 'iovalkey'] as const)('scripts on a cluster (%s)', (driver) => {
  it('a single command whose node lost the script (SCRIPT FLUSH there only) loads it on that node and runs once more', async () => {
    const { transport, key, prefix } = open(driver);
    const script = incrBy(prefix);
    const owner = clusterPrimaryForKey(getTestServers().cluster, key('n'));
    expect(await run(transport, scriptCommand(script, [key('n')], [1]))).toBe(1);
    expect(await hasScript(owner, script)).toBe(true);

    await runAdminCommand(owner, 'SCRIPT', 'FLUSH');
    expect(await hasScript(owner, script)).toBe(false);
    const monitor = await monitorNodes([owner]);
    closers.add(monitor.stop);
    expect(await run(transport, scriptCommand(script, [key('n')], [1]))).toBe(2);
    expect(await hasScript(owner, script)).toBe(true);
    // On that node: the EVALSHA that failed, SCRIPT LOAD, the EVALSHA again and the script's
    // INCRBY (it ran once).
    const ours = () =>
      (monitor.seen.get(owner.port) ?? []).filter((c) => c.join(' ').includes(prefix));
    await until(() => ours().some((c) => c[0] === 'incrby'));
    expect(commandShapes(ours()).map((shape) => shape.split(' ')[0])).toEqual([
      'evalsha',
      'script',
      'evalsha',
      'incrby',
    ]);
  });

  it('a pipeline over every primary loads the scripts first on each node: results in call order, MULTI blocks included', async () => {
    const { transport, key, prefix } = open(driver, randomPrefix({ spread: true }));
    const script = incrBy(prefix);
    const cluster = getTestServers().cluster;
    const keys = Array.from({ length: 12 }, (_, i) => key(`k${i}`));
    const owners = new Set(keys.map((k) => clusterPrimaryForKey(cluster, k).port));
    expect(owners.size).toBe(3);
    // Every primary has the script; then the owner of k0 only loses it.
    const first = await transport.batch(
      keys.map((k) => ({ commands: [scriptCommand(script, [k], [1])] })),
    );
    expect(values(first)).toEqual(keys.map(() => 1));
    const flushed = clusterPrimaryForKey(cluster, keys[0]!);
    await runAdminCommand(flushed, 'SCRIPT', 'FLUSH');
    expect(await hasScript(flushed, script)).toBe(false);
    const monitor = await monitorNodes(cluster.primaries);
    closers.add(monitor.stop);

    const results = await transport.batch([
      ...keys.flatMap((k) => [
        { commands: [scriptCommand(script, [k], [1])] },
        { commands: [get(k)] },
      ]),
      // An atomic block on the node that lost the script: it must not run in part.
      { commands: [scriptCommand(script, [keys[0]!], [10]), get(keys[0]!)], atomic: true },
    ]);
    expect(values(results)).toEqual([...keys.flatMap(() => [2, '2']), 12, '12']);
    expect(await hasScript(flushed, script)).toBe(true);
    // Each node's pipeline starts with one SCRIPT LOAD; no EVALSHA was sent twice.
    const sent = () => [...monitor.seen.values()].map((cmds) => commandsWith(cmds, prefix));
    await until(
      () =>
        sent()
          .flat()
          .filter((c) => c[0] === 'get').length ===
        keys.length + 1,
    );
    for (const cmds of sent()) {
      expect(cmds[0]?.[0]).toBe('script');
      expect(cmds.filter((c) => c[0] === 'script')).toHaveLength(1);
    }
    expect(
      sent()
        .flat()
        .filter((c) => c[0] === 'evalsha'),
    ).toHaveLength(keys.length + 1);
  });

  it('a transaction after SCRIPT FLUSH on its node: the script is loaded before MULTI', async () => {
    const { transport, key, prefix } = open(driver);
    const script = incrBy(prefix);
    const owner = clusterPrimaryForKey(getTestServers().cluster, key('n'));
    await runAdminCommand(owner, 'SCRIPT', 'FLUSH');
    const results = await transport.batch(
      [
        {
          commands: [
            { name: 'SET', args: [key('n'), 5], keys: FIRST_KEY },
            scriptCommand(script, [key('n')], [2]),
            get(key('n')),
          ],
        },
      ],
      { transaction: true },
    );
    expect(values(results)).toEqual(['OK', 7, '7']);
  });

  it('a script without keys runs on a primary, and a raw EVALSHA (no key spec) where its key is, after SCRIPT FLUSH everywhere', async () => {
    const { transport, key, prefix } = open(driver);
    const answer = createScript(`-- ${prefix}\nreturn 42`);
    const script = incrBy(prefix);
    await transport.broadcast('SCRIPT', ['FLUSH']);
    expect(await run(transport, scriptCommand(answer, [], []))).toBe(42);
    await transport.broadcast('SCRIPT', ['FLUSH']);
    const batch = await transport.batch([
      { commands: [scriptCommand(answer, [], [])] },
      { commands: [scriptCommand(script, [key('n')], [3])] },
    ]);
    expect(values(batch)).toEqual([42, 3]);
    await transport.broadcast('SCRIPT', ['FLUSH']);
    const { name, args } = scriptCommand(script, [key('n')], [1]);
    expect(await transport.command(name, args, { script })).toBe(4);
  });

  it('a read-only script (EVALSHA_RO) read from a replica is loaded on that replica', async () => {
    const prefix = randomPrefix();
    const read = createScript(`-- ${prefix}\nreturn redis.call('GET', KEYS[1])`);
    const key = `${prefix}:n`;
    const cluster = getTestServers().cluster;
    const owner = clusterPrimaryForKey(cluster, key);
    const replica = cluster.replicas.find((r) => r.replicaOf === owner.id)!;
    await runAdminCommand(owner, 'SET', key, 'v');
    // Nodes list a replica in CLUSTER SLOTS once it has replicated something: the transport
    // learns the slot map from there.
    await until(() => everyNodeLists(cluster.nodes, replica), 10_000);
    const transport = createClusterTransport({
      location: cluster.url,
      driver,
      readFrom: 'replica',
    });
    closers.add(() => transport.close());
    const fromReplica = () => transport.command('GET', [key], { keys: FIRST_KEY, read: true });
    await until(async () => String(await fromReplica()) === 'v');
    await runAdminCommand(replica, 'SCRIPT', 'FLUSH');

    const reply = await run(transport, scriptCommand(read, [key], [], true));
    expect(String(reply)).toBe('v');
    expect(await hasScript(replica, read)).toBe(true);
    await runAdminCommand(replica, 'SCRIPT', 'FLUSH');
    const results = await transport.batch([
      { commands: [scriptCommand(read, [key], [], true)] },
      { commands: [{ ...get(key), read: true }] },
    ]);
    expect(values(results)).toEqual(['v', 'v']);
    expect(await hasScript(replica, read)).toBe(true);
    expect(await hasScript(owner, read)).toBe(false);
  });

  it('retries once only: a script whose source does not load its SHA fails with a NoScriptError', async () => {
    const { transport, key, prefix } = open(driver);
    // The SHA of another source: SCRIPT LOAD never makes it known.
    const broken: Script = { sha: incrBy(`${prefix}-other`).sha, lua: incrBy(prefix).lua };
    await expect(run(transport, scriptCommand(broken, [key('n')], [1]))).rejects.toBeInstanceOf(
      NoScriptError,
    );
    const results = await transport.batch([
      { commands: [get(key('n'))] },
      { commands: [scriptCommand(broken, [key('n')], [1])] },
      { commands: [get(key('n'))] },
    ]);
    const failed = results[1]!;
    expect(failed.ok ? failed.value : failed.error).toBeInstanceOf(NoScriptError);
    expect(failed).toMatchObject({ ok: false, error: { code: 'E_NO_SCRIPT' } });
    expect(values([results[0]!, results[2]!])).toEqual([null, null]);
  });
});

// A private cluster: after a failover the new primary has none of the scripts the old one had.
describe('failover', () => {
  let topology: ClusterTopologyHandle;
  beforeAll(async () => {
    topology = await startClusterTopology({ name: 'cx-transport-scripts' });
  }, 60_000);
  afterAll(async () => {
    await topology?.stop();
  });

  it('a script runs on the new primary, alone and in a pipeline', async () => {
    const seed = topology.endpoints.nodes[0]!;
    const prefix = randomPrefix();
    const transport = createClusterTransport({ location: `redis://${seed.host}:${seed.port}` });
    closers.add(() => transport.close());
    const alone = incrBy(`${prefix}-alone`);
    const batched = incrBy(`${prefix}-batched`);
    const key = `${prefix}:n`;
    expect(await run(transport, scriptCommand(alone, [key], [1]))).toBe(1);
    expect(await run(transport, scriptCommand(batched, [key], [1]))).toBe(2);

    const primary = await topology.nodeForKey(key);
    const [replica] = await topology.replicasOf(primary);
    // The replica about to take over has none of the scripts (whether SCRIPT LOAD reaches
    // replicas depends on the server version).
    await replica!.command('SCRIPT', 'FLUSH');
    await topology.failover(replica);
    expect((await topology.nodeForKey(key)).port).toBe(replica!.port);

    expect(await run(transport, scriptCommand(alone, [key], [1]))).toBe(3);
    const results = await transport.batch([
      { commands: [scriptCommand(batched, [key], [1])] },
      { commands: [get(key)] },
    ]);
    expect(values(results)).toEqual([4, '4']);
  }, 30_000);
});
