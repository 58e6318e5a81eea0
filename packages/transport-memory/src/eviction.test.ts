import { ConfigError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.js';

function keys(store: MemoryStore): string[] {
  return (store.call('KEYS', ['*']) as Buffer[]).map(String).sort();
}

describe('LRU bounds', () => {
  it('maxEntries evicts the least recently used key; reads count as use', () => {
    const store = new MemoryStore({ maxEntries: 3 });
    store.call('SET', ['a', '1']);
    store.call('SET', ['b', '2']);
    store.call('SET', ['c', '3']);
    store.call('GET', ['a']);
    store.call('SET', ['d', '4']);
    expect(keys(store)).toEqual(['a', 'c', 'd']);
    expect(store.evictions).toBe(1);
    // Overwriting an existing key makes no room and needs none.
    store.call('SET', ['c', '33']);
    expect(keys(store)).toEqual(['a', 'c', 'd']);
    store.call('RPUSH', ['list', 'x']);
    expect(keys(store)).toEqual(['c', 'd', 'list']);
    store.close();
  });

  it('maxBytes counts key + value bytes and evicts the oldest keys to fit', () => {
    // Each key: 1 byte of key + 9 bytes of value = 10.
    const store = new MemoryStore({ maxBytes: 30 });
    for (const k of ['a', 'b', 'c']) store.call('SET', [k, '123456789']);
    expect(store.bytes).toBe(30);
    store.call('SET', ['d', '123456789']);
    expect(keys(store)).toEqual(['b', 'c', 'd']);
    store.call('SET', ['e', Buffer.alloc(19)]);
    expect(keys(store)).toEqual(['d', 'e']);
    expect(store.bytes).toBe(30);
    store.call('DEL', ['e']);
    expect(store.bytes).toBe(10);
    store.close();
  });

  it('a growing collection is re-measured and pushes older keys out', () => {
    const store = new MemoryStore({ maxBytes: 100 });
    store.call('SET', ['s', Buffer.alloc(49)]);
    store.call('HSET', ['h', 'f', 'v']);
    expect(store.bytes).toBe(50 + 3);
    store.call('HSET', ['h', 'g', Buffer.alloc(40)]);
    expect(store.bytes).toBe(50 + 3 + 41);
    store.call('HSET', ['h', 'i', Buffer.alloc(10)]);
    expect(keys(store)).toEqual(['h']);
    expect(store.bytes).toBe(1 + 2 + 41 + 11);
    store.call('HDEL', ['h', 'g']);
    expect(store.bytes).toBe(1 + 2 + 11);
    store.call('ZADD', ['z', 1, 'abc']);
    expect(store.bytes).toBe(14 + 1 + 3 + 8);
    store.close();
  });

  it('a single value larger than maxBytes is refused with OOM and nothing changes', () => {
    const store = new MemoryStore({ maxBytes: 20 });
    store.call('SET', ['k', 'small']);
    expect(() => store.call('SET', ['k', Buffer.alloc(100)])).toThrow(/^OOM /);
    expect(store.call('GET', ['k'])).toEqual(Buffer.from('small'));
    store.close();
  });

  it('rejects invalid bounds', () => {
    expect(() => new MemoryStore({ maxEntries: 0 })).toThrow(ConfigError);
    expect(() => new MemoryStore({ maxBytes: 1.5 })).toThrow(ConfigError);
    expect(() => new MemoryStore({ sweepIntervalMs: -1 })).toThrow(ConfigError);
  });

  it('stored bytes are copies: changing a Buffer given or returned changes nothing', () => {
    const store = new MemoryStore();
    const input = Buffer.from('abc');
    store.call('SET', ['k', input]);
    input[0] = 0x7a;
    const output = store.call('GET', ['k']) as Buffer;
    output[1] = 0x7a;
    expect(store.call('GET', ['k'])).toEqual(Buffer.from('abc'));
    store.close();
  });
});
