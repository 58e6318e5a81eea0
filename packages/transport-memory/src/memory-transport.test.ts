import {
  ClosedError,
  CommandError,
  ConfigError,
  FIRST_KEY,
  KeyNotFoundError,
  NotIntegerError,
  WrongTypeError,
} from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.js';
import { createMemoryTransport } from './memory-transport.js';

describe('MemoryTransport', () => {
  it('replies like ioredis callBuffer: Buffers, numbers, null, arrays', async () => {
    const t = createMemoryTransport();
    expect(await t.command('SET', ['k', 'v'])).toEqual(Buffer.from('OK'));
    expect(await t.command('get', ['k'])).toEqual(Buffer.from('v'));
    expect(await t.command('GET', ['missing'])).toBeNull();
    expect(await t.command('INCRBY', ['n', 5])).toBe(5);
    expect(await t.command('MGET', ['k', 'missing'])).toEqual([Buffer.from('v'), null]);
    expect(t.capabilities).toEqual({
      scripts: false,
      transactions: true,
      cluster: false,
      replicas: false,
    });
    expect(t.partitionKeys(['a', 'b', 'c'])).toEqual([[0, 1, 2]]);
    expect(await t.broadcast('DBSIZE', [])).toEqual([2]);
    await t.close();
  });

  it('turns error replies into the same cachex errors as a server', async () => {
    const t = createMemoryTransport();
    await t.command('LPUSH', ['l', 'x']);
    await t.command('SET', ['s', 'x']);
    await expect(t.command('GET', ['l'])).rejects.toBeInstanceOf(WrongTypeError);
    await expect(t.command('INCR', ['s'])).rejects.toBeInstanceOf(NotIntegerError);
    await expect(t.command('RENAME', ['nope', 'x'])).rejects.toBeInstanceOf(KeyNotFoundError);
    const unknown = await t.command('NOPE', ['a']).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(CommandError);
    expect((unknown as CommandError).context.command).toBe('NOPE');
    expect((unknown as Error).message).toBe(
      "ERR unknown command 'NOPE', with args beginning with: 'a' ",
    );
    await t.close();
  });

  it('batch: each command has its own result; a transaction aborts on a queueing error', async () => {
    const t = createMemoryTransport();
    await t.command('LPUSH', ['l', 'x']);
    const plain = await t.batch([
      {
        commands: [
          { name: 'SET', keys: FIRST_KEY, args: ['a', '1'] },
          { name: 'INCR', keys: FIRST_KEY, args: ['l'] },
          { name: 'INCR', keys: FIRST_KEY, args: ['a'] },
        ],
      },
    ]);
    expect(plain[0]).toEqual({ ok: true, value: Buffer.from('OK') });
    expect(plain[1]?.ok === false && plain[1].error).toBeInstanceOf(WrongTypeError);
    expect(plain[2]).toEqual({ ok: true, value: 2 });
    const aborted = await t.batch(
      [
        {
          commands: [
            { name: 'INCR', keys: FIRST_KEY, args: ['a'] },
            { name: 'GET', keys: FIRST_KEY, args: [] },
          ],
        },
      ],
      { transaction: true },
    );
    for (const result of aborted) {
      expect(result.ok === false && result.error.message).toBe(
        'EXECABORT Transaction discarded because of previous errors.',
      );
    }
    expect(await t.command('GET', ['a'])).toEqual(Buffer.from('2'));
    expect(await t.batch([])).toEqual([]);
    await t.close();
  });

  it('batch: an atomic group keeps its MULTI semantics inside a plain batch', async () => {
    const t = createMemoryTransport();
    const results = await t.batch([
      { commands: [{ name: 'SET', keys: FIRST_KEY, args: ['a', '1'] }] },
      {
        atomic: true,
        commands: [
          { name: 'SET', keys: FIRST_KEY, args: ['b', '1'] },
          { name: 'SET', keys: FIRST_KEY, args: ['c'] },
        ],
      },
      {
        atomic: true,
        commands: [
          { name: 'SET', keys: FIRST_KEY, args: ['d', '1'] },
          { name: 'INCR', keys: FIRST_KEY, args: ['d'] },
        ],
      },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, false, true, true]);
    const [first, second] = results.slice(1, 3).map((r) => !r.ok && r.error);
    expect(first ? first.message : undefined).toMatch(/EXECABORT/);
    expect(first).not.toBe(second);
    expect(await t.command('EXISTS', ['b', 'c'])).toBe(0);
    expect(await t.command('GET', ['d'])).toEqual(Buffer.from('2'));
    await t.close();
  });

  it('scan yields every matching key, page by page, even while keys are deleted', async () => {
    const t = createMemoryTransport();
    for (let i = 0; i < 100; i++) await t.command('SET', [`k:${i}`, i]);
    await t.command('SET', ['other', 1]);
    const seen: string[] = [];
    for await (const page of t.scan({ match: 'k:*', count: 10 })) {
      expect(page.length).toBeLessThanOrEqual(10);
      seen.push(...page.map(String));
      await t.command('UNLINK', page);
    }
    expect(seen.length).toBe(100);
    expect(new Set(seen).size).toBe(100);
    expect(await t.command('DBSIZE', [])).toBe(1);
    await t.close();
  });

  it('SCAN cursors resume where they stopped, with MATCH, COUNT and TYPE', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 30; i++) store.call('SET', [`s${i}`, 'v']);
    store.call('RPUSH', ['list', 'x']);
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = store.call('SCAN', [cursor, 'COUNT', 7, 'MATCH', 's*']) as [
        Buffer,
        Buffer[],
      ];
      cursor = next.toString();
      found.push(...keys.map(String));
      store.call('DEL', keys); // deleting between calls skips nothing
    } while (cursor !== '0');
    expect(found.length).toBe(30);
    const [, lists] = store.call('SCAN', ['0', 'COUNT', 1000, 'TYPE', 'list']) as [
      Buffer,
      Buffer[],
    ];
    expect(lists.map(String)).toEqual(['list']);
    expect(() => store.call('SCAN', ['x'])).toThrow('ERR invalid cursor');
    store.close();
  });

  it('a shared store is seen by every transport on it and outlives them', async () => {
    const store = new MemoryStore();
    const a = createMemoryTransport({ store });
    const b = createMemoryTransport({ store });
    await a.command('SET', ['k', 'v']);
    expect(await b.command('GET', ['k'])).toEqual(Buffer.from('v'));
    expect(b.getClient()).toBe(store);
    await a.close();
    expect(await b.command('GET', ['k'])).toEqual(Buffer.from('v'));
    await b.close();
    expect(store.call('GET', ['k'])).toEqual(Buffer.from('v'));
    store.close();
    expect(() => store.call('GET', ['k'])).toThrow(ClosedError);
    expect(() => createMemoryTransport({ store, maxEntries: 1 })).toThrow(ConfigError);
  });

  it('after close every call rejects with a ClosedError', async () => {
    const t = createMemoryTransport();
    await t.close();
    await t.close();
    await expect(t.command('GET', ['k'])).rejects.toBeInstanceOf(ClosedError);
    await expect(
      t.batch([{ commands: [{ name: 'GET', keys: FIRST_KEY, args: ['k'] }] }]),
    ).rejects.toBeInstanceOf(ClosedError);
    await expect(t.broadcast('FLUSHDB', [])).rejects.toBeInstanceOf(ClosedError);
    await expect(t.scan({ match: '*' })[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(
      ClosedError,
    );
  });
});
