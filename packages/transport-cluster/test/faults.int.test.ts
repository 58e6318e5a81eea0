import { inspect } from 'node:util';
import { createCodec } from '@cachex/codecs';
import { type Cache, ConnectionError, createCache, FIRST_KEY } from '@cachex/core';
import {
  type ClusterNodeHandle,
  type ClusterTopologyHandle,
  clusterKeySlot,
  infoField,
  randomPrefix,
  startClusterTopology,
  until,
} from '@cachex/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterTransportOptions, createClusterTransport } from '../src/index.js';

// A private 6-node cluster (3 primaries, 3 replicas) that these tests fault: credentials on
// every node, slots moved under the client (MOVED, ASK), a primary killed (failover).

let topology: ClusterTopologyHandle;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  topology = await startClusterTopology({ name: 'cx-transport-faults' });
}, 60_000);

afterAll(async () => {
  await topology?.stop();
});

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function url(auth = ''): string {
  const seed = topology.endpoints.nodes[0]!;
  return `redis://${auth}${seed.host}:${seed.port}`;
}

function open(options: Partial<ClusterTransportOptions> & { prefix?: string } = {}) {
  const { prefix = randomPrefix({ spread: true }), ...rest } = options;
  const transport = createClusterTransport({ location: url(), ...rest });
  closers.push(() => transport.close());
  const cache = createCache({ transport, codec: createCodec(), keyPrefix: prefix });
  return { transport, cache, prefix };
}

async function errorCount(node: ClusterNodeHandle, error: string): Promise<number> {
  const stat = infoField(await node.command('INFO', 'errorstats'), `errorstat_${error}`);
  return Number(/count=(\d+)/.exec(stat ?? '')?.[1] ?? 0);
}

/** The first hash tag (`{t123}`) whose slot the primary `node` serves now. */
async function tagServedBy(node: ClusterNodeHandle, skip: ReadonlySet<number>): Promise<string> {
  for (let i = 0; ; i++) {
    const tag = `{t${Math.random().toString(36).slice(2)}${i}}`;
    if (skip.has(clusterKeySlot(tag))) continue;
    if ((await topology.nodeForKey(tag)).port === node.port) return tag;
  }
}

/** Moves `keys` of `slot` from `source` to `target` (MIGRATE), the slot marked as migrating. */
async function startMigration(
  slot: number,
  source: ClusterNodeHandle,
  target: ClusterNodeHandle,
): Promise<void> {
  await target.command('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', source.nodeId);
  await source.command('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', target.nodeId);
}

async function migrateKeys(
  source: ClusterNodeHandle,
  target: ClusterNodeHandle,
  keys: readonly string[],
): Promise<void> {
  await source.command(
    'MIGRATE',
    target.host,
    String(target.port),
    '',
    '0',
    '5000',
    'KEYS',
    ...keys,
  );
}

async function finishMigration(slot: number, target: ClusterNodeHandle): Promise<void> {
  for (const node of await topology.primaries()) {
    await node.command('CLUSTER', 'SETSLOT', String(slot), 'NODE', target.nodeId);
  }
  await topology.waitForClusterOk();
}

describe('ACL credentials reach every node', () => {
  const password = 'cl@ster:/%#pass';

  it('every primary and replica connection logs in as the user of the URL; a wrong password is a ConnectionError without it', {
    timeout: 40_000,
  }, async () => {
    for (const node of topology.nodes) {
      await node.command('ACL', 'SETUSER', 'cachex', 'on', `>${password}`, '~*', '&*', '+@all');
    }
    // A fresh cluster lists replicas in CLUSTER SLOTS once their offsets have gone round.
    await until(async () => {
      for (const node of topology.nodes) {
        const ranges = (await node.command('CLUSTER', 'SLOTS')) as unknown[][];
        if (ranges.some((range) => range.length < 4)) return false;
      }
      return true;
    }, 20_000);
    const auth = `cachex:${encodeURIComponent(password)}@`;
    const errors: Error[] = [];
    const transport = createClusterTransport({
      location: url(auth),
      readFrom: 'replica',
      clientOptions: { connectionName: 'cx-acl' },
      onError: (error) => errors.push(error),
    });
    closers.push(() => transport.close());
    const cache = createCache({
      transport,
      codec: createCodec(),
      keyPrefix: randomPrefix({ spread: true }),
    });
    const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
    await cache.setMany(keys.map((k): [string, number] => [k, 1]));
    // Reads go to replicas: wait for replication rather than sleeping.
    await until(async () => (await cache.getMany(keys)).size === 60, 5000);
    expect(await cache.blpop('list', { timeout: 0.01 })).toBeUndefined();

    const users = new Map<number, string[]>();
    for (const node of topology.nodes) {
      const list = String(await node.command('CLIENT', 'LIST'));
      users.set(
        node.port,
        list
          .split('\n')
          .filter((line) => / name=cx-acl/.test(line))
          .map((line) => /user=(\S+)/.exec(line)?.[1] ?? '?'),
      );
    }
    // Every node has connections of this transport (primaries: writes; replicas: reads), all as
    // the URL's user; the blocking pop's connection is named cx-acl:blocking.
    for (const node of topology.nodes) {
      expect(users.get(node.port)?.length, `connections on ${node.port}`).toBeGreaterThan(0);
      expect(new Set(users.get(node.port))).toEqual(new Set(['cachex']));
    }
    expect(errors).toEqual([]);
    await cache.deleteMany(keys);

    const wrong = createClusterTransport({
      location: url(`cachex:${encodeURIComponent('not-the-password')}@`),
      onError: (error) => errors.push(error),
    });
    closers.push(() => wrong.close());
    const error = await wrong.command('GET', ['k'], { keys: FIRST_KEY }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    const everything = inspect([error, errors, wrong, transport], { depth: 10 });
    expect(everything).not.toContain(password);
    expect(everything).not.toContain('not-the-password');
  });
});

// On this private cluster only: FLUSHDB would wipe the keys of every other test on the shared one.
describe('flushDb', () => {
  it('wipes every primary (and so every replica), whatever the prefix', async () => {
    const { cache } = open();
    const other = open().cache;
    const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
    await cache.setMany(Object.fromEntries(keys.map((key) => [key, 1])));
    await other.setMany(Object.fromEntries(keys.map((key) => [key, 2])));
    const primaries = await topology.primaries();
    const sizes = async () =>
      Promise.all(primaries.map(async (node) => Number(await node.command('DBSIZE'))));
    // Keys spread over every primary first, so a FLUSHDB sent to one node only would show.
    expect((await sizes()).every((size) => size > 0)).toBe(true);
    await cache.flushDb();
    expect(await sizes()).toEqual(primaries.map(() => 0));
    expect(await other.getMany(keys)).toEqual(new Map());
    // The replicas follow.
    await until(async () => {
      const all = await Promise.all(
        topology.nodes.map(async (node) => Number(await node.command('DBSIZE'))),
      );
      return all.every((size) => size === 0);
    });
  });
});

describe.each(['ioredis', 'iovalkey'] as const)('slots moved under the client (%s)', (driver) => {
  it('MOVED during a batch and a single command: redirected, results in call order', async () => {
    // No periodic refresh: the client learns of the move only from MOVED replies.
    const { cache } = open({ driver, clusterOptions: { slotsRefreshInterval: 0 } });
    const [source, target] = await topology.primaries();
    if (source === undefined || target === undefined) throw new Error('no primaries');
    const tag = await tagServedBy(source, new Set());
    const slot = clusterKeySlot(tag);
    const keys = ['a', 'b', 'c'].map((k) => `${tag}:${k}`);
    const spread = Array.from({ length: 30 }, (_, i) => `s${i}`);
    await cache.setMany(keys.map((k): [string, string] => [k, `v-${k}`]));
    await cache.setMany(spread.map((k): [string, number] => [k, 1]));

    await startMigration(slot, source, target);
    await migrateKeys(
      source,
      target,
      keys.map((k) => cache.makeKey(k)),
    );
    await finishMigration(slot, target);
    const movedBefore = await errorCount(source, 'MOVED');

    const p = cache.pipeline();
    p.getMany([...keys, ...spread]);
    p.setMany(
      keys.map((k): [string, string] => [k, `w-${k}`]),
      { timeout: 60 },
    ); // an atomic block, on the moved slot
    p.get(keys[0]!);
    p.incr(`${tag}:n`);
    const results = await p.exec();
    const found = results[0] as Map<string, unknown>;
    expect([...found.keys()]).toEqual([...keys, ...spread]);
    expect(found.get(keys[1]!)).toBe(`v-${keys[1]}`);
    expect(results.slice(1)).toEqual([undefined, `w-${keys[0]}`, 1]);
    expect(await errorCount(source, 'MOVED')).toBeGreaterThan(movedBefore);
    expect(await cache.get(keys[2]!)).toBe(`w-${keys[2]}`);
    expect(await cache.ttl(keys[2]!)).toBeGreaterThan(55);

    // Now the client knows: commands go straight to the new owner.
    const moved = await errorCount(source, 'MOVED');
    await cache.getMany(keys);
    await cache.set(keys[0]!, 'x');
    expect(await errorCount(source, 'MOVED')).toBe(moved);
    expect(await target.command('EXISTS', cache.makeKey(keys[0]!))).toBe(1);
    await cache.deleteMany([...keys, ...spread, `${tag}:n`]);
  });

  it('ASK while a slot migrates: keys already moved are read and written on the new owner', async () => {
    const { cache } = open({ driver, clusterOptions: { slotsRefreshInterval: 0 } });
    const [source, target] = await topology.primaries();
    if (source === undefined || target === undefined) throw new Error('no primaries');
    const tag = await tagServedBy(source, new Set());
    const slot = clusterKeySlot(tag);
    const movedKeys = ['m1', 'm2'].map((k) => `${tag}:${k}`);
    const stayingKeys = ['s1', 's2'].map((k) => `${tag}:${k}`);
    const all = [...movedKeys, ...stayingKeys];
    await cache.setMany(all.map((k): [string, string] => [k, `v-${k}`]));

    await startMigration(slot, source, target);
    await migrateKeys(
      source,
      target,
      movedKeys.map((k) => cache.makeKey(k)),
    );
    const askBefore = await errorCount(source, 'ASK');
    try {
      const results = await cache
        .pipeline()
        .get(movedKeys[0]!)
        .get(stayingKeys[0]!)
        .set(movedKeys[1]!, 'changed')
        .set(stayingKeys[1]!, 'changed')
        .get(movedKeys[1]!)
        .exec();
      expect(results).toEqual([`v-${movedKeys[0]}`, `v-${stayingKeys[0]}`, true, true, 'changed']);
      expect(await cache.get(movedKeys[0]!)).toBe(`v-${movedKeys[0]}`);
      expect(await errorCount(source, 'ASK')).toBeGreaterThan(askBefore);
      // The moved keys are on the target, the others still on the source.
      expect(await target.command('CLUSTER', 'COUNTKEYSINSLOT', String(slot))).toBe(2);
      expect(await source.command('GET', cache.makeKey(stayingKeys[1]!))).toBe('"changed"');
    } finally {
      await migrateKeys(
        source,
        target,
        stayingKeys.map((k) => cache.makeKey(k)),
      );
      await finishMigration(slot, target);
    }
    expect(await cache.getMany(all)).toEqual(
      new Map([
        [movedKeys[0], `v-${movedKeys[0]}`],
        [movedKeys[1], 'changed'],
        [stayingKeys[0], `v-${stayingKeys[0]}`],
        [stayingKeys[1], 'changed'],
      ]),
    );
    await cache.deleteMany(all);
  });
});

/** One key per slot, under the cache's prefix: `{tag}` whose tag hashes to that slot. */
function keyForEverySlot(): string[] {
  const keys: (string | undefined)[] = new Array(16384);
  let missing = 16384;
  for (let i = 0; missing > 0; i++) {
    const tag = `s${i}`;
    const slot = clusterKeySlot(tag);
    if (keys[slot] === undefined) {
      keys[slot] = `{${tag}}`;
      missing--;
    }
  }
  return keys as string[];
}

interface Round {
  start: number;
  end: number;
  ok: boolean;
  error?: string;
}

/**
 * Traffic over keys of every slot range until stopped: each round writes and reads every key
 * (a batch: SET per key, MGET per slot) and one key per primary on its own (single commands).
 */
function traffic(cache: Cache, keys: readonly string[]) {
  const rounds: Round[] = [];
  let stopped = false;
  const running = (async () => {
    for (let n = 0; !stopped; n++) {
      const start = performance.now();
      try {
        await cache.setMany(
          keys.map((k): [string, number] => [k, n]),
          { timeout: 120 },
        );
        const found = await cache.getMany<number>(keys);
        if (found.size !== keys.length || [...found.values()].some((v) => v !== n)) {
          throw new Error(`round ${n}: read ${found.size} of ${keys.length} keys`);
        }
        for (const k of keys.slice(0, 3)) {
          await cache.set(`single:${k}`, n);
          if ((await cache.get(`single:${k}`)) !== n) throw new Error('single read');
        }
        rounds.push({ start, end: performance.now(), ok: true });
      } catch (error) {
        rounds.push({ start, end: performance.now(), ok: false, error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  })();
  return {
    rounds,
    async stop() {
      stopped = true;
      await running;
    },
  };
}

describe('failover: a primary is killed, its replica takes over', () => {
  const killed: ClusterNodeHandle[] = [];

  afterAll(async () => {
    // Bring killed nodes back (as replicas) so that the topology stops cleanly.
    for (const node of killed) if (!node.running) await node.restart().catch(() => undefined);
  });

  it.each(['ioredis', 'iovalkey'] as const)(
    '%s: reads and writes of every slot succeed again within 20 s',
    async (driver) => {
      await topology.waitForClusterOk({ timeoutMs: 20_000 });
      const { cache } = open({ driver });
      // Keys spread over every primary's slots.
      const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
      const owners = new Set(
        await Promise.all(
          keys.map(async (k) => (await topology.nodeForKey(cache.makeKey(k))).port),
        ),
      );
      expect(owners.size).toBe(3);
      await cache.setMany(keys.map((k): [string, number] => [k, 0]));

      const run = traffic(cache, keys);
      await until(() => run.rounds.filter((r) => r.ok).length >= 5, 10_000);
      // A primary not killed before (a node killed earlier came back as a replica).
      const primaries = await topology.primaries();
      const victim = primaries.find((p) => !killed.includes(p)) ?? primaries[0]!;
      const killAt = performance.now();
      await victim.kill();
      killed.push(victim);
      await topology.waitForClusterOk({ timeoutMs: 20_000 });
      const promotedAt = performance.now();
      // Five rounds in a row after the promotion, all successful.
      await until(() => {
        const after = run.rounds.filter((r) => r.start > promotedAt);
        return after.length >= 5 && after.slice(-5).every((r) => r.ok);
      }, 20_000);
      await run.stop();

      const afterKill = run.rounds.filter((r) => r.end > killAt);
      const failures = afterKill.filter((r) => !r.ok);
      const lastFailure = failures[failures.length - 1];
      const recovered = lastFailure
        ? run.rounds.find((r) => r.ok && r.start >= lastFailure.end)
        : afterKill.find((r) => r.ok);
      const outageMs = lastFailure ? Math.round((recovered?.end ?? killAt) - killAt) : 0;
      console.log(
        `[cluster failover ${driver}] primary ${victim.port} SIGKILLed: replica promoted and cluster ok after ${Math.round(promotedAt - killAt)} ms; ` +
          `outage ${outageMs} ms (${failures.length} failed rounds of ${afterKill.length}; first error: ${failures[0]?.error ?? 'none'})`,
      );
      expect(outageMs).toBeLessThan(20_000);

      // Every slot answers again: one key per slot, written and read back.
      const everySlot = keyForEverySlot();
      await cache.setMany(
        everySlot.map((k): [string, number] => [k, 1]),
        { timeout: 60 },
      );
      const found = await cache.getMany(everySlot);
      expect(found.size).toBe(16384);
      expect(await cache.deleteMany(everySlot)).toBe(16384);

      // The killed node comes back, as a replica of the one that took over.
      await victim.restart();
      await topology.waitForClusterOk({ timeoutMs: 20_000 });
    },
    90_000,
  );
});
