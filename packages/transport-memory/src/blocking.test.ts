import { ClosedError, FIRST_KEY, type Reply } from '@cachex/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from './memory-store.js';
import { createMemoryTransport, type MemoryTransport } from './memory-transport.js';

const text = (reply: Reply) =>
  Array.isArray(reply) ? reply.map((r) => String(r)) : reply === null ? null : String(reply);

describe('blocking pops', () => {
  const open: MemoryTransport[] = [];
  const transport = (store?: MemoryStore) => {
    const t = createMemoryTransport(store ? { store } : {});
    open.push(t);
    return t;
  };
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(open.splice(0).map((t) => t.close()));
  });

  it('answers at once when a list has elements', async () => {
    const t = transport();
    await t.command('RPUSH', ['l', 'a', 'b']);
    expect(text(await t.command('BLPOP', ['x', 'l', 0], { blocking: true }))).toEqual(['l', 'a']);
    expect(text(await t.command('BRPOP', ['l', 0], { blocking: true }))).toEqual(['l', 'b']);
  });

  it('serves waiters first come, first served, when another call pushes', async () => {
    const store = new MemoryStore();
    const [a, b, c, pusher] = [
      transport(store),
      transport(store),
      transport(store),
      transport(store),
    ];
    const order: string[] = [];
    const first = a.command('BLPOP', ['q', 0], { blocking: true }).then((r) => {
      order.push('first');
      return r;
    });
    const second = b.command('BRPOP', ['other', 'q', 0], { blocking: true }).then((r) => {
      order.push('second');
      return r;
    });
    const third = c.command('BLPOP', ['q', 0], { blocking: true });
    expect(store.blockedCount).toBe(3);
    // LPUSH answers the length after the push; the waiters then take the elements.
    expect(await pusher.command('RPUSH', ['q', 'x', 'y'])).toBe(2);
    expect(text(await first)).toEqual(['q', 'x']);
    expect(text(await second)).toEqual(['q', 'y']);
    expect(order).toEqual(['first', 'second']);
    expect(await pusher.command('LLEN', ['q'])).toBe(0);
    await pusher.command('LPUSH', ['q', 'z']);
    expect(text(await third)).toEqual(['q', 'z']);
    expect(store.blockedCount).toBe(0);
  });

  it('a transaction pushes first and serves waiters after its last command', async () => {
    const store = new MemoryStore();
    const [waiter, writer] = [transport(store), transport(store)];
    const popped = waiter.command('BLPOP', ['q', 0], { blocking: true });
    const results = await writer.batch(
      [
        {
          commands: [
            { name: 'RPUSH', keys: FIRST_KEY, args: ['q', 'a'] },
            { name: 'LLEN', keys: FIRST_KEY, args: ['q'] },
          ],
        },
      ],
      { transaction: true },
    );
    expect(results.map((r) => r.ok && r.value)).toEqual([1, 1]);
    expect(text(await popped)).toEqual(['q', 'a']);
  });

  it('BLMOVE waits, then moves the element; the move can wake a waiter on the destination', async () => {
    const store = new MemoryStore();
    const [a, b, c] = [transport(store), transport(store), transport(store)];
    const moved = a.command('BLMOVE', ['src', 'dst', 'LEFT', 'RIGHT', 0], { blocking: true });
    const downstream = b.command('BLPOP', ['dst', 0], { blocking: true });
    await c.command('LPUSH', ['src', 'v']);
    expect(text(await moved)).toBe('v');
    expect(text(await downstream)).toEqual(['dst', 'v']);
  });

  it('times out with nil after a fractional number of seconds', async () => {
    const t = transport();
    const started = Date.now();
    expect(await t.command('BLPOP', ['empty', 0.05], { blocking: true })).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('never polls: a waiter without timeout holds no timer, a long timeout holds one', async () => {
    vi.useFakeTimers();
    const t = transport();
    void t.command('BLPOP', ['empty', 0], { blocking: true }).catch(() => undefined);
    expect(vi.getTimerCount()).toBe(0);
    // 40 days: longer than setTimeout can wait in one go.
    const long = t.command('BLPOP', ['empty2', 40 * 24 * 3600], { blocking: true });
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(39 * 24 * 3600 * 1000);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(24 * 3600 * 1000);
    expect(await long).toBeNull();
  });

  it('close() releases the transport’s waiters with a ClosedError; others keep waiting', async () => {
    const store = new MemoryStore();
    const [closing, staying, pusher] = [transport(store), transport(store), transport(store)];
    const released = closing.command('BLPOP', ['q', 0], { blocking: true });
    const kept = staying.command('BLPOP', ['q', 0], { blocking: true });
    await closing.close();
    await expect(released).rejects.toBeInstanceOf(ClosedError);
    await expect(closing.command('BLPOP', ['q', 0])).rejects.toBeInstanceOf(ClosedError);
    await pusher.command('RPUSH', ['q', 'v']);
    expect(text(await kept)).toEqual(['q', 'v']);
  });

  it('argument errors reject at once; inside a batch a blocking pop answers nil', async () => {
    const t = transport();
    await expect(t.command('BLPOP', ['q', -1], { blocking: true })).rejects.toThrow(
      'ERR timeout is negative',
    );
    await expect(t.command('BLPOP', ['q', 'soon'], { blocking: true })).rejects.toThrow(
      'ERR timeout is not a float or out of range',
    );
    const [result] = await t.batch([
      { commands: [{ name: 'BLPOP', keys: FIRST_KEY, args: ['q', 0] }] },
    ]);
    expect(result).toEqual({ ok: true, value: null });
  });
});
