import { ConfigError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createCodec } from './codec.js';
import { compressors, createCompressor, createSerializer, serializers } from './registry.js';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('registry', () => {
  it('lists the built-in names', () => {
    expect(Object.keys(serializers)).toEqual(['json', 'msgpack', 'v8']);
    expect(Object.keys(compressors)).toEqual(['zlib', 'gzip', 'brotli', 'lz4', 'zstd', 'lzma']);
  });

  it('creates by name', () => {
    expect(createSerializer('v8').name).toBe('v8');
    expect(createCompressor('zstd', { level: 5 }).name).toBe('zstd');
  });

  it('rejects unknown names with a ConfigError listing the valid ones', () => {
    const serializer = configError(() => createSerializer('pickle'));
    expect(serializer.message).toBe(
      'Unknown serializer "pickle": expected one of json, msgpack, v8',
    );
    expect(serializer.context.field).toBe('serializer');
    const compressor = configError(() => createCompressor('snappy'));
    expect(compressor.message).toContain('zlib, gzip, brotli, lz4, zstd, lzma');
    expect(configError(() => createSerializer('toString')).message).toContain('"toString"');
  });
});

describe('createCodec options', () => {
  it('rejects an empty serializer list, naming the field', () => {
    const error = configError(() => createCodec({ serializer: [] }));
    expect(error.message).toMatch(/serializer/);
    expect(error.context.field).toBe('serializer');
  });

  it('rejects unknown names in options and lists', () => {
    // @ts-expect-error: not a serializer name
    expect(() => createCodec({ serializer: 'yaml' })).toThrow(ConfigError);
    // @ts-expect-error: not a compressor name
    expect(() => createCodec({ compressor: ['zstd', 'snappy'] })).toThrow(
      /Unknown compressor "snappy"/,
    );
  });

  it('rejects objects that are not serializers or compressors', () => {
    const halfSerializer = { name: 'x', serialize: () => new Uint8Array() };
    // @ts-expect-error: missing deserialize
    expect(() => createCodec({ serializer: halfSerializer })).toThrow(ConfigError);
    // @ts-expect-error: not a compressor
    expect(() => createCodec({ compressor: 42 })).toThrow(/Invalid compressor/);
  });

  it.each([-1, 1.5, Number.NaN])('rejects minLength %s', (minLength) => {
    expect(configError(() => createCodec({ minLength })).context.field).toBe('minLength');
  });

  it('treats an empty compressor list and null as no compression', () => {
    const big = 'q'.repeat(1000);
    expect(createCodec({ compressor: [] }).encode(big)).toBe(`"${big}"`);
    expect(createCodec({ compressor: null }).encode(big)).toBe(`"${big}"`);
  });
});
