import { ConfigError } from '@cachex/core';

/** Options of the compressors that have a compression level. */
export interface LevelOptions {
  /** Compression level; the range and default depend on the compressor. */
  level?: number;
}

/**
 * The level to use: `level` when it is an integer in `[min, max]`, `fallback` when it is absent.
 * Anything else is a `ConfigError` naming the compressor and the valid range.
 */
export function resolveLevel(
  compressor: string,
  level: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (level === undefined) return fallback;
  if (!Number.isInteger(level) || level < min || level > max) {
    throw new ConfigError(
      `Invalid level for the ${compressor} compressor: expected an integer from ${min} to ${max}, got ${String(level)}`,
      { context: { field: 'level', compressor } },
    );
  }
  return level;
}
