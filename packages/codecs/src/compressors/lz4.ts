import type { Compressor } from '@cachex/core';
import { ConfigError } from '@cachex/core';
import { toBuffer } from '../bytes.js';
import { lazyOptional } from '../load-optional.js';
import { withRequirement } from '../requirements.js';
import type { LevelOptions } from './level.js';
import { isLz4Frame } from './magic.js';

/** The part of `lz4-napi` used here (declared locally: the package is an optional peer). */
export interface Lz4Module {
  compressFrameSync(data: Buffer): Buffer;
  decompressFrameSync(data: Buffer): Buffer;
}

/**
 * The LZ4 compressor (`'lz4'`): the LZ4 **frame** format (`04 22 4d 18`), what Python's
 * `lz4.frame.compress` writes and django-cachex's lz4 compressor reads (not the headerless block
 * format). Needs the optional package `lz4-napi`, loaded on first use (`createCodec` loads it when
 * it is created, and fails there with a `MissingDependencyError` when it is absent; used on its
 * own, the compressor throws that error on its first compress or decompress). Synchronous. There is no level option
 * (lz4-napi has none for frames): passing one is a `ConfigError`.
 */
export function createLz4Compressor(options: LevelOptions = {}): Compressor {
  if (options.level !== undefined) {
    throw new ConfigError('The lz4 compressor has no level option', {
      context: { field: 'level', compressor: 'lz4' },
    });
  }
  return lz4Compressor(lazyOptional<Lz4Module>('lz4-napi', 'The lz4 compressor'));
}

/** The compressor over an injected module getter (tests point it at a missing package). */
export function lz4Compressor(load: () => Lz4Module): Compressor {
  return withRequirement(
    {
      name: 'lz4',
      compress: (data) => load().compressFrameSync(toBuffer(data)),
      decompress: (data) => load().decompressFrameSync(toBuffer(data)),
      matches: isLz4Frame,
    },
    load,
  );
}
