import * as zlib from 'node:zlib';
import type { Compressor } from '@cachex/core';
import { lazyOptional } from '../load-optional.js';
import { withRequirement } from '../requirements.js';
import { type LevelOptions, resolveLevel } from './level.js';
import { isZstd } from './magic.js';

/** The part of `zstd-napi` used here (declared locally: the package is an optional peer). */
export interface ZstdModule {
  Compressor: new () => {
    setParameters(parameters: { compressionLevel: number }): void;
    compress(data: Uint8Array): Buffer;
  };
  Decompressor: new () => { decompress(data: Uint8Array): Buffer };
}

/**
 * The part of `node:zlib`'s zstd used here (Node >= 22.15 and >= 23.8; declared locally, as
 * Node 20's typings have none).
 */
export interface NodeZstd {
  zstdCompressSync(
    data: Uint8Array,
    options: { params: Record<number, number>; pledgedSrcSize: number },
  ): Buffer;
  zstdDecompressSync(data: Uint8Array): Buffer;
  constants: { ZSTD_c_compressionLevel: number };
}

/** `node:zlib`'s zstd API, or undefined on Node versions without it (Node 20). */
export function builtInZstd(module: object = zlib): NodeZstd | undefined {
  const candidate = module as Partial<NodeZstd>;
  return typeof candidate.zstdCompressSync === 'function' &&
    typeof candidate.zstdDecompressSync === 'function' &&
    typeof candidate.constants?.ZSTD_c_compressionLevel === 'number'
    ? (candidate as NodeZstd)
    : undefined;
}

/**
 * The Zstandard compressor (`'zstd'`): standard zstd frames (`28 b5 2f fd`), readable by Python's
 * `zstandard`/`compression.zstd` and django-cachex's zstd compressor. `level` 1–22, default 3.
 * The fastest compressor here (about 600 MB/s compress, 2 GB/s decompress on 100 KB of JSON).
 * Synchronous.
 *
 * Where Node has zstd built in (`zlib.zstdCompressSync`, Node >= 22.15 and >= 23.8) no package
 * is needed; the optional package `zstd-napi` is still preferred when it is installed, being
 * about 3.5x faster. On older Node (20) it needs `zstd-napi`, loaded
 * on first use; `createCodec` loads it when it is created, and fails there with a
 * `MissingDependencyError` when it is absent (used on its own, the compressor throws that error
 * on its first compress or decompress). Both write the same standard frames, with the content
 * size in the header, and each reads the other's.
 */
export function createZstdCompressor(options: LevelOptions = {}): Compressor {
  const level = resolveLevel('zstd', options.level, 3, 1, 22);
  const napi = lazyOptional<ZstdModule>('zstd-napi', 'The zstd compressor');
  const builtIn = builtInZstd();
  if (builtIn === undefined) return zstdCompressor(napi, level);
  // Both may be there: zstd-napi, when installed, keeps one native context per compressor and
  // is about 3.5x faster than Node's one-shot calls (which set up a context every time); the
  // built-in one serves installs without it.
  return loads(napi) ? zstdCompressor(napi, level) : builtInZstdCompressor(builtIn, level);
}

/** Whether an optional package's getter loads (its failure is remembered by the getter). */
function loads(load: () => unknown): boolean {
  try {
    load();
    return true;
  } catch {
    return false;
  }
}

/** The compressor over `node:zlib`'s zstd (tests pass a stand-in on Node versions without it). */
export function builtInZstdCompressor(zstd: NodeZstd, level: number): Compressor {
  const params = { [zstd.constants.ZSTD_c_compressionLevel]: level };
  return {
    name: 'zstd',
    // The content size goes in the frame header, as zstd-napi writes it: Python's zstandard
    // needs it to decompress in one call. Node's one-shot call writes it already; declaring it
    // keeps it there.
    compress: (data) => zstd.zstdCompressSync(data, { params, pledgedSrcSize: data.byteLength }),
    decompress: (data) => zstd.zstdDecompressSync(data),
    matches: isZstd,
  };
}

/** The compressor over an injected module getter (tests point it at a missing package). */
export function zstdCompressor(load: () => ZstdModule, level: number): Compressor {
  // One native context per compressor, created on first use and reused: zstd-napi's one-shot
  // helpers would reset the parameters on every call.
  let compressor: InstanceType<ZstdModule['Compressor']> | undefined;
  let decompressor: InstanceType<ZstdModule['Decompressor']> | undefined;
  return withRequirement(
    {
      name: 'zstd',
      compress(data) {
        if (compressor === undefined) {
          const created = new (load().Compressor)();
          created.setParameters({ compressionLevel: level });
          compressor = created;
        }
        return compressor.compress(data);
      },
      decompress(data) {
        decompressor ??= new (load().Decompressor)();
        return decompressor.decompress(data);
      },
      matches: isZstd,
    },
    load,
  );
}
