import { describe, expect, it } from 'vitest';
import { addLongDouble, formatDouble, formatLongDouble, parseLongDouble } from './float.js';

// Expected texts are what redis-server 7.0 replies (the differential test checks them live).

describe('formatDouble (%.17g, as Redis 7.0 replies scores)', () => {
  const cases: [number, string][] = [
    [1, '1'],
    [3, '3'],
    [1.5, '1.5'],
    [-2.25, '-2.25'],
    [0.1, '0.10000000000000001'],
    [0.3, '0.29999999999999999'],
    [1e20, '1e+20'],
    [1e-5, '1.0000000000000001e-05'],
    [123456789012345680, '1.2345678901234568e+17'],
    [2.5e-320, '2.4999721679567075e-320'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [0, '0'],
  ];
  for (const [value, expected] of cases) {
    it(`${value} → ${expected}`, () => expect(formatDouble(value)).toBe(expected));
  }
});

describe('long doubles (INCRBYFLOAT)', () => {
  const add = (a: string, b: string) => {
    const x = parseLongDouble(a);
    const y = parseLongDouble(b);
    if (typeof x !== 'object' || typeof y !== 'object') throw new Error('not finite');
    return formatLongDouble(addLongDouble(x, y)!);
  };
  it('adds and prints like an x87 long double with %.17Lf', () => {
    expect(add('0.1', '0.2')).toBe('0.3');
    expect(add('1', '1.5e-7')).toBe('1.00000015');
    expect(add('0', '12345678.123456789')).toBe('12345678.12345678899964696');
    expect(add('0', '123456789012345678901234567890')).toBe('123456789012345678899921813504');
    expect(add('1e18', '0.5')).toBe('1000000000000000000.5');
    expect(add('5', '-5')).toBe('0');
    expect(add('0', '-0')).toBe('0');
    expect(add('0', '1e-20')).toBe('0');
    expect(add('0', '-1.5')).toBe('-1.5');
    expect(add('0', '0x10')).toBe('16');
  });

  it('reads what strtold reads, and refuses what string2ld refuses', () => {
    expect(parseLongDouble('inf')).toBe(Infinity);
    expect(parseLongDouble('-Infinity')).toBe(-Infinity);
    for (const bad of ['', ' 1', '1 ', 'abc', 'nan', '1e', '--1', '1e99999']) {
      expect(parseLongDouble(bad)).toBeUndefined();
    }
  });
});
