import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from './memory-store.js';

const DAY = 24 * 3600 * 1000;

/** A store on a clock the test moves by hand. */
function storeAt(start = 1_700_000_000_000) {
  const clock = { now: start };
  const store = new MemoryStore({ now: () => clock.now });
  return { store, clock };
}

describe('expiry', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  afterEach(() => {
    vi.useRealTimers();
    process.off('warning', onWarning);
    warnings.length = 0;
  });

  it('a 30-day TTL neither overflows a timer nor fires early, and expires 1 ms after', async () => {
    process.on('warning', onWarning);
    const { store, clock } = storeAt();
    expect(store.call('SET', ['k', 'v', 'EX', 30 * 24 * 3600])).toEqual(Buffer.from('OK'));
    clock.now += 29 * DAY;
    expect(store.call('GET', ['k'])).toEqual(Buffer.from('v'));
    expect(store.call('TTL', ['k'])).toBe(24 * 3600);
    expect(store.call('PTTL', ['k'])).toBe(DAY);
    clock.now += DAY;
    // At the expiry time itself the key still exists (Redis expires when now > time)…
    expect(store.call('PTTL', ['k'])).toBe(0);
    clock.now += 1;
    // …and one millisecond later it is gone.
    expect(store.call('GET', ['k'])).toBeNull();
    expect(store.call('TTL', ['k'])).toBe(-2);
    // Let a TimeoutOverflowWarning (emitted on the next tick) show up if any timer overflowed.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.name === 'TimeoutOverflowWarning')).toEqual([]);
    store.close();
  });

  it('TTL rounds like Redis ((ms + 500) / 1000), PTTL is exact, -1 without expiry, -2 missing', () => {
    const { store, clock } = storeAt();
    store.call('SET', ['k', 'v', 'PX', 10_000]);
    clock.now += 8_501;
    expect(store.call('PTTL', ['k'])).toBe(1_499);
    expect(store.call('TTL', ['k'])).toBe(1);
    clock.now += 1;
    expect(store.call('TTL', ['k'])).toBe(1);
    clock.now += 1;
    expect(store.call('TTL', ['k'])).toBe(1);
    store.call('SET', ['p', 'v']);
    expect(store.call('TTL', ['p'])).toBe(-1);
    expect(store.call('PTTL', ['missing'])).toBe(-2);
    store.close();
  });

  it('expired keys vanish lazily from every read, EXISTS, SCAN and DBSIZE', () => {
    const { store, clock } = storeAt();
    store.call('SET', ['a', '1', 'PX', 100]);
    store.call('HSET', ['h', 'f', 'v']);
    store.call('PEXPIRE', ['h', 100]);
    store.call('SET', ['keep', '1']);
    clock.now += 101;
    expect(store.call('EXISTS', ['a', 'h', 'keep'])).toBe(1);
    expect(store.call('HGET', ['h', 'f'])).toBeNull();
    expect((store.call('SCAN', ['0', 'COUNT', 100]) as [Buffer, Buffer[]])[1]).toEqual([
      Buffer.from('keep'),
    ]);
    expect(store.call('DBSIZE')).toBe(1);
    store.close();
  });

  it("uses one unref'd interval for the whole store, started by the first TTL", () => {
    vi.useFakeTimers();
    const { store, clock } = storeAt();
    store.call('SET', ['plain', 'v']);
    expect(vi.getTimerCount()).toBe(0);
    for (let i = 0; i < 1000; i++) store.call('SET', [`k${i}`, 'v', 'PX', 100 + i]);
    expect(vi.getTimerCount()).toBe(1);
    clock.now += 10_000;
    vi.advanceTimersByTime(1000);
    expect(store.size).toBe(1);
    store.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('one sweeper removes expired keys without any access, and a changed expiry is respected', () => {
    const { store, clock } = storeAt();
    for (let i = 0; i < 100; i++) store.call('SET', [`k${i}`, 'v', 'PX', 1000]);
    store.call('PEXPIRE', ['k0', 5000]);
    store.call('PERSIST', ['k1']);
    clock.now += 1001;
    expect(store.size).toBe(100);
    expect(store.sweep()).toBe(98);
    expect(store.size).toBe(2);
    clock.now += 4000;
    expect(store.sweep()).toBe(1);
    expect(store.call('EXISTS', ['k1'])).toBe(1);
    store.close();
  });

  it('EXPIRE with a time in the past deletes; RENAME keeps the absolute expiry', () => {
    const { store, clock } = storeAt();
    store.call('SET', ['a', 'v', 'EX', 100]);
    store.call('RENAME', ['a', 'b']);
    clock.now += 40_000;
    expect(store.call('TTL', ['b'])).toBe(60);
    expect(store.call('EXPIREAT', ['b', 1])).toBe(1);
    expect(store.call('EXISTS', ['b'])).toBe(0);
    expect(store.call('EXPIRE', ['b', 10])).toBe(0);
    store.close();
  });
});
