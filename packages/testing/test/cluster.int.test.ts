import { setTimeout as delay } from 'node:timers/promises';
import { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { infoField, runAdminCommand } from '../src/servers/admin-client.js';
import { clusterKeySlot, clusterSlotCount } from '../src/servers/cluster-slot.js';
import {
  type ClusterTopologyHandle,
  clusterPrimaryForKey,
  startClusterTopology,
} from '../src/servers/cluster-topology.js';
import { getTestServers } from '../src/servers/get-test-servers.js';
import { cleanUpAfterEach, isAlive, uniqueKey, writeContinuously } from './support.js';

const { clients, servers: topologies } = cleanUpAfterEach<Cluster, ClusterTopologyHandle>();

/** A raw ioredis Cluster client that retries quickly and refreshes its slot map often. */
function clusterClient(nodes: { host: string; port: number }[]): Cluster {
  const cluster = new Cluster(nodes, {
    lazyConnect: true,
    clusterRetryStrategy: () => 50,
    retryDelayOnFailover: 50,
    retryDelayOnClusterDown: 50,
    retryDelayOnTryAgain: 50,
    slotsRefreshInterval: 200,
    slotsRefreshTimeout: 1000,
    redisOptions: { connectTimeout: 500, commandTimeout: 1000, maxRetriesPerRequest: 1 },
  });
  cluster.on('error', () => {});
  clients.push(cluster);
  return cluster;
}

describe('clusterKeySlot', () => {
  it('matches CLUSTER KEYSLOT, hash tags and UTF-8 included', async () => {
    const { cluster } = getTestServers();
    const node = cluster.nodes[0];
    if (node === undefined) throw new Error('no node');
    const keys = [
      'foo',
      '123456789', // the CRC16 check value in the Redis Cluster spec: slot 12739
      '{user1000}.following',
      '{user1000}.followers',
      'foo{}{bar}', // an empty first tag: the whole key is hashed
      'foo{{bar}}zap',
      'foo{bar}{zap}',
      'clé-ünïcødé-🔑',
      '',
      uniqueKey(),
    ];
    for (const key of keys) {
      expect(clusterKeySlot(key), key).toBe(await runAdminCommand(node, 'CLUSTER', 'KEYSLOT', key));
    }
    expect(clusterKeySlot('123456789')).toBe(12739);
    expect(clusterKeySlot('{user1000}.following')).toBe(clusterKeySlot('{user1000}.followers'));
  });
});

describe('shared cluster topology', () => {
  it('is provided with plain endpoints: 3 primaries, 3 replicas, every slot served', () => {
    const { cluster } = getTestServers();
    expect(cluster.nodes).toHaveLength(6);
    expect(cluster.primaries).toHaveLength(3);
    expect(cluster.replicas).toHaveLength(3);
    expect(cluster.url).toBe(`redis://127.0.0.1:${cluster.nodes[0]?.port}`);
    const ports = cluster.nodes.map((n) => n.port);
    expect(new Set(ports).size).toBe(6);
    expect(ports).not.toContain(6379);
    let slots = 0;
    for (const primary of cluster.primaries) {
      expect(primary.role).toBe('primary');
      expect(primary.id).toMatch(/^[0-9a-f]{40}$/);
      for (const [first, last] of primary.slots) slots += last - first + 1;
    }
    expect(slots).toBe(clusterSlotCount);
    for (const replica of cluster.replicas) {
      expect(replica.role).toBe('replica');
      expect(replica.slots).toEqual([]);
      expect(cluster.primaries.map((p) => p.id)).toContain(replica.replicaOf);
    }
  });

  it('every node says cluster_state:ok and every replica link is up', async () => {
    const { cluster } = getTestServers();
    for (const node of cluster.nodes) {
      const info = await runAdminCommand(node, 'CLUSTER', 'INFO');
      expect(infoField(info, 'cluster_state')).toBe('ok');
      expect(infoField(info, 'cluster_known_nodes')).toBe('6');
      const replication = await runAdminCommand(node, 'INFO', 'replication');
      expect(infoField(replication, 'role')).toBe(node.role === 'primary' ? 'master' : 'slave');
      if (node.role === 'replica') {
        expect(infoField(replication, 'master_link_status')).toBe('up');
      }
    }
  });

  it('serves writes and reads on every primary through a raw ioredis Cluster client', async () => {
    const { cluster } = getTestServers();
    const redis = clusterClient([
      { host: cluster.nodes[0]?.host ?? '', port: cluster.nodes[0]?.port ?? 0 },
    ]);
    await redis.connect();
    // One key per primary: keep drawing until each primary owns one.
    const prefix = uniqueKey();
    const keyFor = new Map<number, string>();
    for (let i = 0; keyFor.size < cluster.primaries.length && i < 10_000; i += 1) {
      const key = `${prefix}:${i}`;
      const owner = clusterPrimaryForKey(cluster, key);
      if (!keyFor.has(owner.port)) keyFor.set(owner.port, key);
    }
    expect(keyFor.size).toBe(3);
    for (const [port, key] of keyFor) {
      await redis.set(key, `on-${port}`, 'EX', 60);
      expect(await redis.get(key)).toBe(`on-${port}`);
      // The owner found from the endpoints answers directly, without a MOVED redirect.
      expect(await runAdminCommand({ port }, 'GET', key)).toBe(`on-${port}`);
      await redis.del(key);
    }
  });
});

describe('startClusterTopology (private, faulted)', () => {
  it('survives a SIGKILL of a primary; the killed node rejoins as a replica', async () => {
    const startBegan = performance.now();
    const topology = await startClusterTopology({ name: 'cluster-fault' });
    topologies.push(topology);
    console.log(
      `[cluster failover] private 6-node cluster up in ${Math.round(performance.now() - startBegan)} ms`,
    );
    const pids = topology.pids;
    expect(pids).toHaveLength(6);

    const seed = topology.endpoints.nodes[0];
    if (seed === undefined) throw new Error('no seed node');
    const redis = clusterClient([{ host: seed.host, port: seed.port }]);
    await redis.connect();
    const key = uniqueKey();
    await redis.set(key, 'before');

    const victim = await topology.nodeForKey(key);
    const [heir] = await topology.replicasOf(victim);
    if (heir === undefined) throw new Error(`${victim.name} has no replica`);

    const writes = writeContinuously((i) => redis.set(key, `write-${i}`));

    await delay(200);
    const killedAt = writes.killed();
    await victim.kill();
    await topology.waitForClusterOk({ timeoutMs: 15_000 });
    const clusterOkMs = Math.round(performance.now() - killedAt);
    expect(await topology.nodeForKey(key)).toBe(heir);
    const role = await heir.command('ROLE');
    expect(Array.isArray(role) && role[0]).toBe('master');

    const { firstWriteAfterKill, failedWrites } = await writes.stopAfterRecovery(15_000);
    expect(firstWriteAfterKill).toBeGreaterThan(0);
    const outageMs = Math.round(firstWriteAfterKill - killedAt);
    console.log(
      `[cluster failover] primary ${victim.port} SIGKILLed: replica ${heir.port} promoted, cluster_state:ok on every live node after ${clusterOkMs} ms; ioredis Cluster client outage ${outageMs} ms (${failedWrites} failed writes)`,
    );
    expect(clusterOkMs).toBeLessThan(15_000);

    // Same port, same nodes.conf: it rejoins as a replica of the node that took its slots.
    const restartBegan = performance.now();
    await victim.restart();
    const replication = await victim.command('INFO', 'replication');
    expect(infoField(replication, 'role')).toBe('slave');
    expect(infoField(replication, 'master_port')).toBe(String(heir.port));
    expect(infoField(replication, 'master_link_status')).toBe('up');
    await topology.waitForClusterOk();
    expect(await topology.replicasOf(heir)).toEqual([victim]);
    console.log(
      `[cluster failover] killed node ${victim.port} restarted and rejoined as a replica of ${heir.port} in ${Math.round(performance.now() - restartBegan)} ms`,
    );

    // And CLUSTER FAILOVER on it gives its slots back.
    const manual = await topology.failover(victim);
    expect(manual.primary).toBe(victim);
    expect(await topology.nodeForKey(key)).toBe(victim);
    console.log(
      `[cluster failover] CLUSTER FAILOVER on ${victim.port}: primary again in ${manual.ms} ms`,
    );
    expect(await redis.get(key)).toMatch(/^write-\d+$/);

    const allPids = topology.pids;
    expect(allPids).toHaveLength(7); // six nodes, one of them restarted
    await topology.stop();
    for (const pid of allPids) expect(isAlive(pid)).toBe(false);
  }, 90_000);
});
