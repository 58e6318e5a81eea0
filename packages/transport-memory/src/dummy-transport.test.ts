import {
  ClosedError,
  CommandError,
  FIRST_KEY,
  NotIntegerError,
  WrongTypeError,
} from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createDummyTransport } from './dummy-transport.js';
import { createMemoryTransport } from './memory-transport.js';

describe('DummyTransport', () => {
  it('answers every command as the memory transport would, and keeps nothing', async () => {
    const t = createDummyTransport();
    expect(t.name).toBe('dummy');
    expect(t.capabilities).toEqual({ ...createMemoryTransport().capabilities, ephemeral: true });
    expect(await t.command('SET', ['k', 'v'])).toEqual(Buffer.from('OK'));
    expect(await t.command('GET', ['k'])).toBeNull();
    expect(await t.command('EXISTS', ['k'])).toBe(0);
    // A missing key counts as 0, as on Redis: every INCR starts again.
    expect(await t.command('INCR', ['n'])).toBe(1);
    expect(await t.command('INCRBY', ['n', 5])).toBe(5);
    expect(await t.command('RPUSH', ['l', 'a', 'b'])).toBe(2);
    expect(await t.command('LLEN', ['l'])).toBe(0);
    expect(await t.command('HSET', ['h', 'f', 'v'])).toBe(1);
    expect(await t.command('HGETALL', ['h'])).toEqual([]);
    expect(await t.broadcast('DBSIZE', [])).toEqual([0]);
    expect(t.partitionKeys(['a', 'b'])).toEqual([[0, 1]]);
    expect(t.getClient().size).toBe(0);
    await t.close();
  });

  it('fails on invalid commands as a server does', async () => {
    const t = createDummyTransport();
    await expect(t.command('NOPE', [])).rejects.toBeInstanceOf(CommandError);
    await expect(t.command('GET', [])).rejects.toBeInstanceOf(CommandError);
    await expect(t.command('BLPOP', ['l', 'soon'], { blocking: true })).rejects.toBeInstanceOf(
      CommandError,
    );
    await t.close();
  });

  it('a batch sees its own writes, which are gone afterwards', async () => {
    const t = createDummyTransport();
    const set = { name: 'SET', args: ['k', 'v'], keys: FIRST_KEY };
    const get = { name: 'GET', args: ['k'], keys: FIRST_KEY };
    const incr = { name: 'INCR', args: ['k'], keys: FIRST_KEY };
    const results = await t.batch([{ commands: [set, get] }, { commands: [incr] }]);
    expect(results[0]).toEqual({ ok: true, value: Buffer.from('OK') });
    expect(results[1]).toEqual({ ok: true, value: Buffer.from('v') });
    expect(results[2]?.ok).toBe(false);
    expect(!results[2]?.ok && results[2]?.error).toBeInstanceOf(NotIntegerError);
    // Within a batch a value's type counts, as on a server.
    const typed = await t.batch(
      [
        {
          commands: [
            { name: 'RPUSH', args: ['l', 'x'], keys: FIRST_KEY },
            { name: 'GET', args: ['l'], keys: FIRST_KEY },
          ],
        },
      ],
      {
        transaction: true,
      },
    );
    expect(typed[0]).toEqual({ ok: true, value: 1 });
    expect(!typed[1]?.ok && typed[1]?.error).toBeInstanceOf(WrongTypeError);
    expect(await t.batch([{ commands: [get] }], { transaction: true })).toEqual([
      { ok: true, value: null },
    ]);
    expect(await t.command('GET', ['k'])).toBeNull();
    await t.close();
  });

  it('blocking pops answer nil at once, whatever their timeout', async () => {
    const t = createDummyTransport();
    expect(await t.command('BLPOP', ['l', 0], { blocking: true })).toBeNull();
    expect(await t.command('BRPOP', ['a', 'b', 30], { blocking: true })).toBeNull();
    expect(
      await t.command('BLMOVE', ['a', 'b', 'LEFT', 'RIGHT', 0], { blocking: true }),
    ).toBeNull();
    expect(t.getClient().blockedCount).toBe(0);
    // Even right after a push: the element was not kept.
    await t.command('RPUSH', ['l', 'x']);
    expect(await t.command('BLPOP', ['l', 0], { blocking: true })).toBeNull();
    await t.close();
  });

  it('scan finds no key', async () => {
    const t = createDummyTransport();
    await t.command('SET', ['k', 'v']);
    const pages: Buffer[][] = [];
    for await (const page of t.scan({ match: '*' })) pages.push(page);
    expect(pages).toEqual([]);
    await t.close();
  });

  it('close() is idempotent; later calls reject with a ClosedError', async () => {
    const t = createDummyTransport();
    await t.close();
    await t.close();
    await expect(t.command('GET', ['k'])).rejects.toBeInstanceOf(ClosedError);
    await expect(
      t.batch([{ commands: [{ name: 'GET', args: ['k'], keys: FIRST_KEY }] }]),
    ).rejects.toBeInstanceOf(ClosedError);
    await expect(t.scan({ match: '*' }).next()).rejects.toBeInstanceOf(ClosedError);
  });
});
