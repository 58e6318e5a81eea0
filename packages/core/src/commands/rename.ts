import type { CacheContext } from '../cache-context.js';
import { FIRST_KEY, TWO_KEYS } from '../key-spec.js';
import { type Step, step } from '../step.js';
import { type VersionOptions, versionFor } from './options.js';
import { toBool, toText } from './reply.js';

/** Versions for the two keys of a rename (each defaults to `version`, then the cache's). */
export interface RenameOptions extends VersionOptions {
  versionSrc?: number;
  versionDst?: number;
}

function keysOf(
  ctx: CacheContext,
  src: string,
  dst: string,
  options?: RenameOptions,
): [string, string] {
  return [
    ctx.makeKey(src, versionFor(options?.versionSrc, options)),
    ctx.makeKey(dst, versionFor(options?.versionDst, options)),
  ];
}

/** RENAME: the value and its TTL move atomically; a missing source is a KeyNotFoundError. */
export function renameStep(
  ctx: CacheContext,
  src: string,
  dst: string,
  options?: RenameOptions,
): Step<boolean> {
  return step(
    { name: 'RENAME', keys: TWO_KEYS, args: keysOf(ctx, src, dst, options) },
    () => true,
    src,
  );
}

/** RENAMENX: like rename, but false (and nothing moved) when the destination exists. */
export function renamenxStep(
  ctx: CacheContext,
  src: string,
  dst: string,
  options?: RenameOptions,
): Step<boolean> {
  return step(
    { name: 'RENAMENX', keys: TWO_KEYS, args: keysOf(ctx, src, dst, options) },
    toBool,
    src,
  );
}

/** The Redis data type of a key. */
export type KeyType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** TYPE: the key's data type, or `undefined` when it does not exist. */
export function typeStep(
  ctx: CacheContext,
  key: string,
  options?: VersionOptions,
): Step<KeyType | undefined> {
  return step(
    { name: 'TYPE', keys: FIRST_KEY, args: [ctx.makeKey(key, options?.version)], read: true },
    (reply) => {
      const type = toText(reply);
      return type === 'none' ? undefined : (type as KeyType);
    },
    key,
  );
}
