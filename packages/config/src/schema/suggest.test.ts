import { describe, expect, it } from 'vitest';
import { joinPath } from './issues.js';
import { describeType, nearest, sameNameOtherCase } from './suggest.js';

describe('nearest', () => {
  it('finds typos within a distance that grows with the length', () => {
    expect(nearest('jsn', ['json', 'msgpack', 'v8'])).toBe('json');
    expect(nearest('JSON', ['json', 'msgpack', 'v8'])).toBe('json');
    expect(nearest('compresor', ['compressor', 'timeout'])).toBe('compressor');
    expect(nearest('sockettimeuot', ['socketTimeout'])).toBe('socketTimeout');
  });

  it('suggests nothing for unrelated words', () => {
    expect(nearest('xml', ['json', 'msgpack', 'v8'])).toBeUndefined();
    expect(nearest('banana', ['timeout', 'version'])).toBeUndefined();
    expect(nearest('', ['json'])).toBeUndefined();
  });
});

describe('sameNameOtherCase', () => {
  it('maps snake_case, UPPER_CASE and kebab-case to the camelCase name', () => {
    const known = ['keyPrefix', 'maxConnections'];
    expect(sameNameOtherCase('key_prefix', known)).toBe('keyPrefix');
    expect(sameNameOtherCase('KEY_PREFIX', known)).toBe('keyPrefix');
    expect(sameNameOtherCase('max-connections', known)).toBe('maxConnections');
    expect(sameNameOtherCase('prefix', known)).toBeUndefined();
  });
});

describe('describeType', () => {
  it('never shows the value', () => {
    expect(describeType('s3cr3t')).toBe('a string');
    expect(describeType(42)).toBe('a number');
    expect(describeType(Number.NaN)).toBe('NaN');
    expect(describeType([1])).toBe('an array');
    expect(describeType(null)).toBe('null');
  });
});

describe('joinPath', () => {
  it('joins keys with dots, indexes in brackets, and quotes other keys', () => {
    expect(joinPath('', 'timeout')).toBe('timeout');
    expect(joinPath('caches', 'sessions', 'options', 'compressor', 1)).toBe(
      'caches.sessions.options.compressor[1]',
    );
    expect(joinPath('caches', 'my cache')).toBe('caches["my cache"]');
  });
});
