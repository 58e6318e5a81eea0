import { defaultKeyFunction } from '@cachex/core';
import { clusterKeySlot } from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import { hashTagOf, lockKeys } from '../src/keys.js';

const keyMaker = (prefix: string) => ({
  makeKey: (key: string, version = 1) => defaultKeyFunction(key, prefix, version),
});

describe('lock keys', () => {
  it('hashTagOf finds the tag as Redis does', () => {
    expect(hashTagOf('a:1:{job}')).toBe('job');
    expect(hashTagOf('{a}{b}')).toBe('a');
    expect(hashTagOf('a{}b{c}')).toBeUndefined(); // an empty first tag: the whole key is hashed
    expect(hashTagOf('a{b')).toBeUndefined();
    expect(hashTagOf('a}b{c}')).toBe('c');
    expect(hashTagOf('plain')).toBeUndefined();
  });

  it('the lock and its fencing counter are always in one slot', () => {
    const cases: [string, string][] = [
      ['app', 'job'],
      ['app', 'report:2024-01'],
      ['app', '{user42}:lock'],
      ['app', 'a{b'],
      ['app', 'a}b'],
      ['app', 'ключ 🔒'],
      ['{app}', 'job'],
      ['my{', 'job'],
      ['my{', 'a{b'],
      ['', 'job'],
      ['a}b', 'x'],
    ];
    for (const [prefix, key] of cases) {
      const { lock, fence } = lockKeys(keyMaker(prefix), key, undefined);
      expect(clusterKeySlot(lock), `${prefix} / ${key}`).toBe(clusterKeySlot(fence));
      expect(hashTagOf(lock)).toBeDefined();
    }
  });

  it('different lock names spread over the slots', () => {
    const slots = new Set(
      Array.from({ length: 50 }, (_, i) =>
        clusterKeySlot(lockKeys(keyMaker('app'), `job-${i}`, 1).lock),
      ),
    );
    expect(slots.size).toBeGreaterThan(40);
  });

  it('a key function that drops the tag is refused', () => {
    const stripping = { makeKey: (key: string) => `app:${key.replace(/[{}]/g, '')}` };
    expect(() => lockKeys(stripping, 'job', undefined)).toThrow(/one cluster hash slot/);
  });
});
