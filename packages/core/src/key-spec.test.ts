import { describe, expect, it } from 'vitest';
import {
  ALL_BUT_LAST,
  ALL_KEYS,
  FIRST_KEY,
  KEY_VALUE_PAIRS,
  keysOf,
  NO_KEYS,
  TWO_KEYS,
} from './key-spec.js';

describe('keysOf', () => {
  it('reads the keys a spec names', () => {
    expect(keysOf(FIRST_KEY, ['k', 'v', 'EX', 60])).toEqual(['k']);
    expect(keysOf(TWO_KEYS, ['a', 'b', 'LEFT', 'RIGHT'])).toEqual(['a', 'b']);
    expect(keysOf(ALL_KEYS, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(keysOf(ALL_BUT_LAST, ['a', 'b', 0])).toEqual(['a', 'b']);
    expect(keysOf(KEY_VALUE_PAIRS, ['a', 1, 'b', 2])).toEqual(['a', 'b']);
    expect(keysOf(NO_KEYS, ['x'])).toEqual([]);
    const raw = Buffer.from([0xff]);
    expect(keysOf(FIRST_KEY, [raw])).toEqual([raw]);
  });
  it('never reads past the arguments', () => {
    expect(keysOf(TWO_KEYS, ['a'])).toEqual(['a']);
    expect(keysOf(ALL_BUT_LAST, [0])).toEqual([]);
    expect(keysOf(FIRST_KEY, [])).toEqual([]);
  });
});
