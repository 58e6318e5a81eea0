import {
  type CachexError,
  CrossSlotError,
  FIRST_KEY,
  isCachexError,
  WrongTypeError,
} from '@cachex/core';
import {
  closeAfterEach,
  clusterPrimaryForKey,
  commandShapes,
  commandsWith,
  getTestServers,
  monitorNodes,
  randomPrefix,
  type Seen,
  until,
} from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import type { ClusterTransport } from '../src/index.js';
import { clusterTransport } from './support.js';

// What the nodes really receive, read with MONITOR: a multi-command call keeps its own
// MULTI/EXEC block inside a pipeline, on the node serving its slot; an atomic block or a
// transaction whose keys span slots is refused before anything is sent.

const closers = closeAfterEach();

function open(driver: 'ioredis' | 'iovalkey', prefix = randomPrefix()) {
  return closers.cache(clusterTransport(driver), prefix);
}

async function watchAll() {
  const monitor = await monitorNodes(getTestServers().cluster.primaries);
  closers.add(monitor.stop);
  return monitor;
}

/** Sends a marker to every primary and waits until MONITOR has reported it everywhere. */
async function settle(transport: ClusterTransport, seen: Seen): Promise<void> {
  const marker = `marker-${Math.random().toString(36).slice(2)}`;
  await transport.broadcast('ECHO', [marker]);
  await until(() => [...seen.values()].every((cmds) => cmds.some((c) => c[1] === marker)));
}

describe.each(['ioredis', 'iovalkey'] as const)('atomic blocks on a cluster (%s)', (driver) => {
  it('setMany with a timeout sends the same MULTI/EXEC block on the Cache and in a pipeline, on the node owning the slot', async () => {
    const { prefix, cache } = open(driver);
    const k = (key: string) => cache.makeKey(key);
    const owner = clusterPrimaryForKey(getTestServers().cluster, k('a'));
    const { seen } = await watchAll();
    const on = () => commandsWith(seen.get(owner.port) ?? [], prefix);

    await cache.setMany({ a: 1, b: 2 }, { timeout: 60 });
    await until(() => on().length >= 4);
    expect(commandShapes(on())).toEqual(['multi', `set ${k('a')}`, `set ${k('b')}`, 'exec']);

    for (const cmds of seen.values()) cmds.length = 0;
    const results = await cache
      .pipeline()
      .get('x')
      .setMany({ c: 1, d: 2 }, { timeout: 60 })
      .get('y')
      .exec();
    expect(results).toEqual([undefined, undefined, undefined]);
    await until(() => on().length >= 6);
    expect(commandShapes(on())).toEqual([
      `get ${k('x')}`,
      'multi',
      `set ${k('c')}`,
      `set ${k('d')}`,
      'exec',
      `get ${k('y')}`,
    ]);
    // Only the owner saw them.
    for (const [port, cmds] of seen) {
      if (port !== owner.port) expect(commandsWith(cmds, prefix)).toEqual([]);
    }
    expect(await cache.ttl('d')).toBeGreaterThan(55);
  });

  it('an atomic block or a transaction over several slots is a CrossSlotError per command, and nothing is sent', async () => {
    const { transport } = open(driver);
    const tagA = randomPrefix();
    const tagB = randomPrefix();
    const { seen } = await watchAll();
    const results = await transport.batch([
      { commands: [{ name: 'SET', keys: FIRST_KEY, args: [`${tagA}:alone`, '1'] }] },
      {
        atomic: true,
        commands: [
          { name: 'SET', keys: FIRST_KEY, args: [`${tagA}:x`, '1'] },
          { name: 'SET', keys: FIRST_KEY, args: [`${tagB}:y`, '1'] },
        ],
      },
    ]);
    expect(results[0]).toEqual({ ok: true, value: Buffer.from('OK') });
    const refused = results.slice(1).map((r) => (r.ok ? undefined : r.error));
    for (const error of refused) {
      expect(error).toBeInstanceOf(CrossSlotError);
      expect(error?.code).toBe('E_CROSSSLOT');
      expect(error?.message).toContain(`${tagA}:x`);
      expect(error?.message).toContain(`${tagB}:y`);
      expect(error?.message).toContain('{user42}:a');
    }
    expect(refused[0]).not.toBe(refused[1]);

    const transaction = await transport.batch(
      [
        { commands: [{ name: 'SET', keys: FIRST_KEY, args: [`${tagA}:t1`, '1'] }] },
        { commands: [{ name: 'SET', keys: FIRST_KEY, args: [`${tagB}:t2`, '1'] }] },
        { commands: [{ name: 'GET', keys: FIRST_KEY, args: [`${tagA}:t1`] }] },
      ],
      { transaction: true },
    );
    const errors = transaction.map((r) => (r.ok ? undefined : r.error));
    expect(errors.every((e) => e instanceof CrossSlotError)).toBe(true);
    expect(new Set(errors).size).toBe(3);
    expect(errors[0]?.message).toMatch(/transaction/);

    await settle(transport, seen);
    const sent = [...seen.values()].flatMap((cmds) =>
      cmds.filter((c) =>
        c
          .slice(1)
          .some((a) => a.includes(tagB) || a.includes(`${tagA}:t`) || a.includes(`${tagA}:x`)),
      ),
    );
    expect(sent).toEqual([]);
    expect(await transport.command('EXISTS', [`${tagA}:x`], { keys: FIRST_KEY })).toBe(0);
    await transport.command('UNLINK', [`${tagA}:alone`], { keys: FIRST_KEY });
  });

  it('the Cache: a cross-slot transaction or multi-key call fails before sending, naming the keys and the fix', async () => {
    const { cache } = open(driver, randomPrefix({ spread: true }));
    await cache.set('a', 1);
    const error = await cache.rename('a', 'b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrossSlotError);
    expect((error as Error).message).toContain(cache.makeKey('a'));
    expect((error as Error).message).toContain(cache.makeKey('b'));
    expect((error as Error).message).toMatch(/hash tag/);
    expect(await cache.get('a')).toBe(1);

    const results = await cache.pipeline({ transaction: true }).set('a', 2).set('b', 3).exec();
    expect(results.every((r) => r instanceof CrossSlotError)).toBe(true);
    expect(results[0]).not.toBe(results[1]);
    expect(await cache.get('a')).toBe(1);
    expect(await cache.has('b')).toBe(false);
    await cache.delete('a');
  });

  it('one failed command never carries another key’s context; errors are objects of their own', async () => {
    const { cache } = open(driver, randomPrefix({ spread: true }));
    await cache.context.transport.command('LPUSH', [cache.makeKey('list'), 'x'], {
      keys: FIRST_KEY,
    });
    await cache.context.transport.command('LPUSH', [cache.makeKey('list2'), 'x'], {
      keys: FIRST_KEY,
    });
    const results = await cache
      .pipeline()
      .set('a', 1)
      .incr('list')
      .smove('a', 'b', 'm')
      .get('list2')
      .getMany(['a', 'c', 'd'])
      .set('z', 2)
      .exec();
    expect(results[0]).toBe(true);
    const wrongType = results[1] as CachexError;
    expect(wrongType).toBeInstanceOf(WrongTypeError);
    expect(wrongType.key).toBe('list');
    const crossSlot = results[2] as CachexError;
    expect(crossSlot).toBeInstanceOf(CrossSlotError);
    expect(crossSlot.key).toBe('a');
    const other = results[3] as CachexError;
    expect(other).toBeInstanceOf(WrongTypeError);
    expect(other.key).toBe('list2');
    expect(results[4]).toEqual(new Map([['a', 1]]));
    expect(results[5]).toBe(true);
    const errors = results.filter(isCachexError);
    expect(new Set(errors).size).toBe(errors.length);
    expect(JSON.stringify(wrongType.context)).not.toContain('list2');
    expect(JSON.stringify(other.context)).not.toContain('"list"');
    expect(crossSlot.message).not.toContain('list');
    await cache.deleteMany(['a', 'z', 'list', 'list2']);
  });

  it('a queueing error aborts only its own atomic block, each command with its own error', async () => {
    const { prefix, transport } = open(driver);
    const results = await transport.batch([
      { commands: [{ name: 'SET', keys: FIRST_KEY, args: [`${prefix}:a`, '1'] }] },
      {
        atomic: true,
        commands: [
          { name: 'SET', keys: FIRST_KEY, args: [`${prefix}:b`, '1'] },
          { name: 'SET', keys: FIRST_KEY, args: [`${prefix}:c`] },
          { name: 'SET', keys: FIRST_KEY, args: [`${prefix}:d`, '1'] },
        ],
      },
      { commands: [{ name: 'GET', keys: FIRST_KEY, args: [`${prefix}:a`] }] },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false, true]);
    const errors = results.flatMap((r) => (r.ok ? [] : [r.error]));
    expect(errors[1]?.message).toMatch(/wrong number of arguments/);
    expect(errors[0]?.message).toMatch(/EXECABORT/);
    expect(errors[0]).not.toBe(errors[2]);
    expect(
      await transport.command('EXISTS', [`${prefix}:b`, `${prefix}:d`], {
        keys: { first: 0, last: -1, step: 1 },
      }),
    ).toBe(0);
    expect(results[4]).toEqual({ ok: true, value: Buffer.from('1') });
    await transport.command('UNLINK', [`${prefix}:a`], { keys: FIRST_KEY });
  });
});
