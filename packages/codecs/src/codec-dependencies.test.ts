import { type Compressor, errorCodes, MissingDependencyError } from '@cachex/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCodec } from './codec.js';
import { createZstdCompressor } from './compressors/zstd.js';
import { createMsgpackSerializer } from './serializers/msgpack.js';

// The optional packages this file pretends are not installed, and what was loaded. The codecs'
// loader is replaced by one that refuses those packages, and node:zlib by one without zstd (as
// on Node 20), so that the zstd compressor needs zstd-napi whatever Node runs the tests.
const state = vi.hoisted(() => ({ missing: new Set<string>(), loaded: [] as string[] }));

vi.mock('./load-optional.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./load-optional.js')>();
  const { MissingDependencyError } = await import('@cachex/core');
  const check = (name: string, feature: string): void => {
    if (state.missing.has(name)) {
      const cause = Object.assign(new Error(`Cannot find module '${name}'`), {
        code: 'MODULE_NOT_FOUND',
      });
      throw new MissingDependencyError(name, feature, { cause });
    }
    state.loaded.push(name);
  };
  return {
    loadOptional: <T>(name: string, feature: string): T => {
      check(name, feature);
      return real.loadOptional<T>(name, feature);
    },
    lazyOptional: <T>(name: string, feature: string): (() => T) => {
      const getter = real.lazyOptional<T>(name, feature);
      return () => {
        check(name, feature);
        return getter();
      };
    },
  };
});

vi.mock('node:zlib', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:zlib')>();
  // Present but undefined: vitest refuses reads of names a mock does not define.
  const withoutZstd = { ...real, zstdCompressSync: undefined, zstdDecompressSync: undefined };
  return { ...withoutZstd, default: withoutZstd };
});

afterEach(() => {
  state.missing.clear();
  state.loaded.length = 0;
});

function creationError(create: () => unknown): MissingDependencyError {
  try {
    create();
  } catch (error) {
    expect(error).toBeInstanceOf(MissingDependencyError);
    return error as MissingDependencyError;
  }
  throw new Error('createCodec did not throw');
}

describe('createCodec checks its optional packages when it is created', () => {
  it("{ compressor: 'zstd' } without zstd-napi throws E_MISSING_DEPENDENCY at creation", () => {
    state.missing.add('zstd-napi');
    const error = creationError(() => createCodec({ compressor: 'zstd' }));
    expect(error.code).toBe(errorCodes.missingDependency);
    expect(error.code).toBe('E_MISSING_DEPENDENCY');
    expect(error.context.package).toBe('zstd-napi');
    expect(error.message).toContain('The zstd compressor needs the optional package "zstd-napi"');
    expect(error.message).toContain('npm install zstd-napi');
  });

  it.each([
    ['lz4', 'lz4-napi'],
    ['lzma', 'lzma-native'],
  ] as const)('{ compressor: %j } without %s throws at creation', (name, pkg) => {
    state.missing.add(pkg);
    expect(creationError(() => createCodec({ compressor: name })).context.package).toBe(pkg);
  });

  it('checks every entry of a fallback list, not only the writer', () => {
    state.missing.add('lz4-napi');
    const error = creationError(() => createCodec({ compressor: ['zlib', 'gzip', 'lz4'] }));
    expect(error.context.package).toBe('lz4-napi');
  });

  it("{ serializer: 'msgpack' } without msgpackr throws at creation, in a list too", () => {
    state.missing.add('msgpackr');
    const alone = creationError(() => createCodec({ serializer: 'msgpack' }));
    expect(alone.context.package).toBe('msgpackr');
    expect(alone.message).toContain('The msgpack serializer needs the optional package "msgpackr"');
    const reader = creationError(() => createCodec({ serializer: ['json', 'msgpack'] }));
    expect(reader.context.package).toBe('msgpackr');
  });

  it('checks built-in instances passed as objects', () => {
    state.missing.add('zstd-napi');
    const zstd = createZstdCompressor({ level: 6 });
    expect(() => createCodec({ compressor: zstd })).toThrow(MissingDependencyError);
    state.missing.clear();
    state.missing.add('msgpackr');
    const msgpack = createMsgpackSerializer();
    expect(() => createCodec({ serializer: msgpack })).toThrow(MissingDependencyError);
  });

  it('creating the serializers and compressors themselves loads nothing', () => {
    createZstdCompressor();
    createMsgpackSerializer();
    expect(state.loaded).toEqual([]);
  });

  it('a JSON codec loads no optional package, not even msgpackr', () => {
    state.missing.add('msgpackr').add('zstd-napi').add('lz4-napi').add('lzma-native');
    const codec = createCodec({ compressor: ['zlib', 'gzip', 'brotli'] });
    expect(codec.decode(codec.encode({ a: 'x'.repeat(500) }) as Buffer, 'k')).toEqual({
      a: 'x'.repeat(500),
    });
    expect(state.loaded).toEqual([]);
  });

  it('with the packages installed, the codec loads them once, at creation', () => {
    const codec = createCodec({ serializer: ['msgpack', 'json'], compressor: ['zstd', 'lz4'] });
    expect([...state.loaded].sort()).toEqual(['lz4-napi', 'msgpackr', 'zstd-napi']);
    const value = { text: 'long '.repeat(100) };
    expect(codec.decode(codec.encode(value) as Buffer, 'k')).toEqual(value);
  });

  it('a serializer or compressor used on its own fails on first use, with the same error', () => {
    state.missing.add('msgpackr').add('zstd-napi');
    const msgpack = createMsgpackSerializer();
    expect(() => msgpack.serialize({ a: 1 })).toThrow(MissingDependencyError);
    expect(() => msgpack.deserialize(Buffer.from([0x80]))).toThrow(/npm install msgpackr/);
    const zstd = createZstdCompressor();
    expect(() => zstd.compress(Buffer.from('x'))).toThrow(MissingDependencyError);
  });

  it('a custom compressor is not checked (it has nothing to load)', () => {
    const custom: Compressor = { name: 'none', compress: (d) => d, decompress: (d) => d };
    expect(() => createCodec({ compressor: custom })).not.toThrow();
  });
});
