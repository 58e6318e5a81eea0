import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { infoField, runAdminCommand } from '../src/servers/admin-client.js';
import { getTestServers } from '../src/servers/get-test-servers.js';
import {
  type SentinelTopologyHandle,
  startSentinelTopology,
} from '../src/servers/sentinel-topology.js';
import { cleanUpAfterEach, isAlive, uniqueKey, writeContinuously } from './support.js';

const { clients, servers: topologies } = cleanUpAfterEach<Redis, SentinelTopologyHandle>();

/** A raw ioredis Sentinel client that keeps retrying quickly, as an application would. */
function sentinelClient(sentinels: { host: string; port: number }[], name: string): Redis {
  const redis = new Redis({
    sentinels,
    name,
    lazyConnect: true,
    retryStrategy: () => 50,
    sentinelRetryStrategy: () => 50,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    commandTimeout: 1000,
  });
  redis.on('error', () => {});
  clients.push(redis);
  return redis;
}

describe('shared sentinel topology', () => {
  it('is provided with plain endpoints', () => {
    const { sentinel } = getTestServers();
    expect(sentinel.masterName).toBe('cachex-primary');
    expect(sentinel.url).toBe('redis://cachex-primary');
    expect(sentinel.sentinels).toHaveLength(3);
    expect(sentinel.quorum).toBe(2);
    const ports = [
      sentinel.primary.port,
      sentinel.replica.port,
      ...sentinel.sentinels.map((s) => s.port),
    ];
    expect(new Set(ports).size).toBe(5);
    expect(ports).not.toContain(6379);
    for (const s of sentinel.sentinels) expect(s.host).toBe('127.0.0.1');
    expect(sentinel.primary.url).toBe(`redis://127.0.0.1:${sentinel.primary.port}`);
  });

  it('every sentinel reports the primary, one replica and two other sentinels', async () => {
    const { sentinel } = getTestServers();
    for (const s of sentinel.sentinels) {
      expect(
        await runAdminCommand(s, 'SENTINEL', 'get-master-addr-by-name', sentinel.masterName),
      ).toEqual(['127.0.0.1', String(sentinel.primary.port)]);
      expect(await runAdminCommand(s, 'SENTINEL', 'replicas', sentinel.masterName)).toHaveLength(1);
      expect(await runAdminCommand(s, 'SENTINEL', 'sentinels', sentinel.masterName)).toHaveLength(
        2,
      );
    }
  });

  it('serves writes and reads through a raw ioredis Sentinel client', async () => {
    const { sentinel } = getTestServers();
    const redis = sentinelClient(sentinel.sentinels, sentinel.masterName);
    await redis.connect();
    const key = uniqueKey();
    await redis.set(key, 'through-sentinel', 'EX', 60);
    expect(await redis.get(key)).toBe('through-sentinel');
    // It really went to the primary.
    expect(await runAdminCommand(sentinel.primary, 'GET', key)).toBe('through-sentinel');
    const info = await redis.info('server');
    expect(infoField(info, 'tcp_port')).toBe(String(sentinel.primary.port));
    await redis.del(key);
  });
});

describe('startSentinelTopology (private, faulted)', () => {
  it('survives a SIGKILL of its primary; the old primary rejoins as a replica', async () => {
    const topology = await startSentinelTopology({ name: 'sentinel-fault' });
    topologies.push(topology);
    const { masterName, endpoints, primary, replica } = topology;
    expect(await topology.primaryAddress()).toEqual({ host: primary.host, port: primary.port });

    const redis = sentinelClient(endpoints.sentinels, masterName);
    await redis.connect();
    const key = uniqueKey();
    await redis.set(key, 'before');

    // Write continuously; measure from the kill to the first write that succeeds afterwards.
    const writes = writeContinuously((i) => redis.set(key, `write-${i}`));

    await delay(200);
    const killedAt = writes.killed();
    await primary.kill();
    expect(primary.running).toBe(false);
    const promoted = await topology.waitForNewPrimary({ timeoutMs: 15_000 });
    const failoverMs = Math.round(performance.now() - killedAt);
    expect(promoted.server).toBe(replica);
    expect(promoted.port).toBe(replica.port);

    const { firstWriteAfterKill, failedWrites } = await writes.stopAfterRecovery(15_000);
    expect(firstWriteAfterKill).toBeGreaterThan(0);
    const outageMs = Math.round(firstWriteAfterKill - killedAt);
    console.log(
      `[sentinel failover] primary ${primary.port} SIGKILLed: sentinels switched to ${promoted.port} after ${failoverMs} ms; ioredis Sentinel client outage ${outageMs} ms (${failedWrites} failed writes)`,
    );
    expect(outageMs).toBeLessThan(15_000);
    expect(await replica.command('GET', key)).toMatch(/^write-\d+$/);

    // Restarted on the same port, it follows the sentinels and comes back as a replica.
    const restartBegan = performance.now();
    await primary.restart();
    const role = await primary.command('ROLE');
    expect(Array.isArray(role) && role[0]).toBe('slave');
    expect(infoField(await primary.command('INFO', 'replication'), 'master_port')).toBe(
      String(replica.port),
    );
    await topology.waitForHealthy();
    console.log(
      `[sentinel failover] old primary restarted as a replica of ${replica.port}, healthy after ${Math.round(performance.now() - restartBegan)} ms`,
    );

    const pids = topology.pids;
    expect(pids).toHaveLength(6); // five processes, the primary twice
    await topology.stop();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  }, 60_000);

  it('failover() promotes the replica on request, and stop() leaves no process behind', async () => {
    const topology = await startSentinelTopology({ name: 'sentinel-manual' });
    topologies.push(topology);
    const { primary, replica } = topology;
    const pids = topology.pids;
    expect(pids).toHaveLength(5);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);

    const promoted = await topology.failover();
    console.log(
      `[sentinel failover] SENTINEL FAILOVER: ${replica.port} promoted in ${promoted.ms} ms`,
    );
    expect(promoted.server).toBe(replica);
    expect((await topology.currentPrimary()).port).toBe(replica.port);
    expect(primary.running).toBe(true);

    // Faults on a sentinel: pause one, the others still answer; resume it.
    const [first] = topology.sentinels;
    first?.pause();
    expect(first?.paused).toBe(true);
    expect(await topology.primaryAddress()).toEqual({ host: replica.host, port: replica.port });
    first?.resume();

    await topology.stop();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  }, 60_000);
});
