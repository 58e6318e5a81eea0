import { describe, expect, it } from 'vitest';
import { mergeConfig, removeNullAliases } from './merge-config.js';

describe('mergeConfig', () => {
  const base = {
    caches: {
      default: {
        location: ['redis://a', 'redis://b'],
        timeout: 300,
        options: { compressor: 'zlib', minLength: 10 },
      },
      sessions: { backend: 'memory' },
    },
  };

  it('merges objects key by key; arrays, scalars and null replace', () => {
    const overlay = {
      caches: {
        default: { location: ['redis://prod'], timeout: null, options: { compressor: 'zstd' } },
        extra: { backend: 'dummy' },
      },
    };
    expect(mergeConfig(base, overlay)).toEqual({
      caches: {
        default: {
          location: ['redis://prod'],
          timeout: null,
          options: { compressor: 'zstd', minLength: 10 },
        },
        sessions: { backend: 'memory' },
        extra: { backend: 'dummy' },
      },
    });
  });

  it('does not modify its inputs', () => {
    const copy = structuredClone(base);
    mergeConfig(base, { caches: { default: { timeout: 1 } } });
    expect(base).toEqual(copy);
  });

  it('keeps a __proto__ key of a file as a plain property', () => {
    const merged = mergeConfig(
      JSON.parse('{"a": {"x": 1}}'),
      JSON.parse('{"__proto__": {"polluted": true}}'),
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(merged)).toEqual(['a', '__proto__']);
  });
});

describe('removeNullAliases', () => {
  it('drops the caches the overlay sets to null, and only those', () => {
    const overlay = { caches: { sessions: null } };
    const merged = mergeConfig(
      { caches: { default: {}, sessions: { backend: 'memory' } } },
      overlay,
    );
    expect(removeNullAliases(merged, overlay)).toEqual({ caches: { default: {} } });
  });

  it('leaves a null that came from the base for the schema to reject', () => {
    const merged = { caches: { default: null } };
    expect(removeNullAliases(merged, { caches: {} })).toEqual({ caches: { default: null } });
  });
});
