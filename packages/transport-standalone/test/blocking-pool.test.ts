import { ClosedError } from '@cachex/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BlockingPool } from '../src/driver/blocking-pool.js';
import type { DriverClient } from '../src/driver/load-driver.js';

// The pool on its own, with stand-in connections: which call gets which connection, and when.
function setup(max: number, idleTimeoutMs = 1000) {
  let opened = 0;
  const retired: DriverClient[] = [];
  const pool = new BlockingPool(
    { max, idleTimeoutMs },
    () => ({ id: ++opened }) as unknown as DriverClient,
    (client) => retired.push(client),
  );
  const id = (client: DriverClient | undefined) => (client as unknown as { id: number })?.id;
  return { pool, retired, id, opened: () => opened };
}

async function lent(
  acquired: ReturnType<BlockingPool['acquire']>,
): Promise<DriverClient | undefined> {
  return 'queued' in acquired ? acquired.client : await acquired;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('BlockingPool', () => {
  it('opens up to max connections, then queues calls first come, first served', async () => {
    const { pool, id, opened } = setup(2);
    const a = pool.acquire(undefined);
    const b = pool.acquire(undefined);
    expect('queued' in a && 'queued' in b).toBe(true);
    const c = pool.acquire(undefined);
    const d = pool.acquire(undefined);
    expect(c).toBeInstanceOf(Promise);
    expect(pool.stats).toEqual({ busy: 2, idle: 0, waiting: 2 });
    const first = await lent(a);
    pool.release(first!, true);
    // Handed straight to the first waiting call.
    expect(id(await lent(c))).toBe(id(first));
    pool.release((await lent(b))!, true);
    expect(id(await lent(d))).toBe(2);
    expect(opened()).toBe(2);
  });

  it('replaces a connection that cannot be reused for the next waiting call', async () => {
    const { pool, id, retired } = setup(1);
    const first = await lent(pool.acquire(undefined));
    const waiting = pool.acquire(undefined);
    pool.release(first!, false);
    expect(retired).toEqual([first]);
    const next = await lent(waiting);
    expect(id(next)).toBe(2);
  });

  it('never lends a connection that is already lent', async () => {
    const { pool } = setup(3);
    const holding = new Set<DriverClient>();
    let served = 0;
    for (let i = 0; i < 20; i++) {
      void lent(pool.acquire(undefined)).then((client) => {
        expect(holding.has(client!)).toBe(false);
        holding.add(client!);
        served++;
      });
    }
    // Release in a scrambled order, sometimes as broken, until every call was served.
    for (let round = 0; served < 20 || holding.size > 0; round++) {
      await new Promise((resolve) => setImmediate(resolve));
      const clients = [...holding];
      const client = clients[(round * 7) % Math.max(1, clients.length)];
      if (!client) continue;
      holding.delete(client);
      pool.release(client, round % 3 !== 0);
    }
    expect(pool.stats).toEqual({ busy: 0, idle: expect.any(Number), waiting: 0 });
  });

  it('a call whose deadline passes in the queue resolves undefined and is skipped', async () => {
    vi.useFakeTimers();
    const { pool, id } = setup(1);
    const first = await lent(pool.acquire(undefined));
    const late = pool.acquire(performance.now() + 50);
    const patient = pool.acquire(undefined);
    vi.advanceTimersByTime(50);
    expect(await late).toBeUndefined();
    pool.release(first!, true);
    expect(id(await lent(patient))).toBe(id(first));
  });

  it('closes idle connections after the idle timeout, and reuses them before', async () => {
    vi.useFakeTimers();
    const { pool, retired, id } = setup(2, 1000);
    const first = await lent(pool.acquire(undefined));
    pool.release(first!, true);
    vi.advanceTimersByTime(999);
    const again = await lent(pool.acquire(undefined));
    expect(id(again)).toBe(id(first));
    pool.release(again!, true);
    vi.advanceTimersByTime(1000);
    expect(retired).toEqual([first]);
    expect(pool.stats).toEqual({ busy: 0, idle: 0, waiting: 0 });
  });

  it('close() rejects waiting calls with ClosedErrors of their own and hands back the busy connections', async () => {
    const { pool, retired } = setup(1);
    const busy = await lent(pool.acquire(undefined));
    const waiting = [pool.acquire(undefined), pool.acquire(performance.now() + 60_000)].map((w) =>
      (w as Promise<unknown>).catch((e: unknown) => e),
    );
    expect(pool.close()).toEqual([busy]);
    const errors = await Promise.all(waiting);
    for (const error of errors) expect(error).toBeInstanceOf(ClosedError);
    expect(errors[0]).not.toBe(errors[1]);
    // The busy connection's call settles later: it is closed, not kept.
    pool.release(busy!, true);
    expect(retired).toEqual([busy]);
    await expect(pool.acquire(undefined)).rejects.toBeInstanceOf(ClosedError);
  });
});
