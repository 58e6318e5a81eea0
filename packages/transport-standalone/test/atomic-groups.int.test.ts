import { FIRST_KEY } from '@cachex/core';
import { closeAfterEach, commandsOf, getTestServers, monitorNodes, until } from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import { createStandaloneTransport } from '../src/index.js';

// What the server really receives, read with MONITOR: a multi-command call keeps its own
// MULTI/EXEC block inside a plain pipeline, exactly as when it runs on its own.

const closers = closeAfterEach();

/** Starts MONITOR and returns the commands seen per client connection (stopped after the test). */
async function monitor(): Promise<Map<string, string[][]>> {
  const recorder = await monitorNodes([getTestServers().standalone]);
  closers.add(recorder.stop);
  return recorder.byConnection;
}

/** A transport and a cache on the shared standalone server, closed after the test. */
function open(driver: 'ioredis' | 'iovalkey') {
  return closers.cache(
    createStandaloneTransport({ location: getTestServers().standalone.url, driver }),
  );
}

describe.each(['ioredis', 'iovalkey'] as const)('atomic groups on the wire (%s)', (driver) => {
  it('setMany with a timeout sends the same MULTI/EXEC block on the Cache and in a pipeline', async () => {
    const seen = await monitor();
    const { prefix, cache } = open(driver);
    const k = (key: string) => cache.makeKey(key);

    await cache.setMany({ a: 1, b: 2 }, { timeout: 60 });
    await until(() => commandsOf(seen, prefix).length >= 4);
    expect(commandsOf(seen, prefix)).toEqual(['multi', `set ${k('a')}`, `set ${k('b')}`, 'exec']);

    seen.clear();
    const results = await cache
      .pipeline()
      .get('x')
      .setMany({ c: 1, d: 2 }, { timeout: 60 })
      .get('y')
      .exec();
    expect(results).toEqual([undefined, undefined, undefined]);
    await until(() => commandsOf(seen, prefix).length >= 6);
    expect(commandsOf(seen, prefix)).toEqual([
      `get ${k('x')}`,
      'multi',
      `set ${k('c')}`,
      `set ${k('d')}`,
      'exec',
      `get ${k('y')}`,
    ]);
    expect(await cache.ttl('d')).toBeGreaterThan(55);
  });

  it('a failed call leaves the others, and the atomic block, applied', async () => {
    const { cache } = open(driver);
    await cache.context.transport.command('LPUSH', [cache.makeKey('list'), 'x']);
    const results = await cache
      .pipeline()
      .set('before', 1)
      .setMany({ c: 1, d: 2 }, { timeout: 60 })
      .incr('list')
      .set('after', 2)
      .exec();
    expect(results[0]).toBe(true);
    expect(results[1]).toBeUndefined();
    expect(results[2]).toBeInstanceOf(Error);
    expect(results[3]).toBe(true);
    expect(await cache.getMany(['before', 'c', 'd', 'after'])).toEqual(
      new Map<string, number>([
        ['before', 1],
        ['c', 1],
        ['d', 2],
        ['after', 2],
      ]),
    );
  });

  it('batch: a queueing error aborts only its own atomic group, each slot with its own error', async () => {
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
    expect(await transport.command('EXISTS', [`${prefix}:b`, `${prefix}:d`])).toBe(0);
    expect(results[4]).toEqual({ ok: true, value: Buffer.from('1') });
  });
});
