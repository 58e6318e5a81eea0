import type { CacheContext } from '../cache-context.js';
import { InvalidArgumentError } from '../errors.js';
import { ALL_KEYS, TWO_KEYS } from '../key-spec.js';
import { type Step, step } from '../step.js';
import type { MaybePromise } from '../types/codec.js';
import { decodeArray, thenMaybe } from './encoding.js';
import { type VersionOptions, versionFor } from './options.js';
import { toBool, toInt } from './reply.js';

// Set commands over several keys. The keys are passed through as they are: on a cluster they
// must share a hash slot (use a {hash tag}), otherwise the server's CROSSSLOT reply surfaces
// as a CrossSlotError. Splitting them per node would silently change the command's meaning.

/** Options of `smove`. */
export interface SmoveOptions extends VersionOptions {
  /** Version of the source key (default: `version`, else the cache's). */
  versionSrc?: number;
  /** Version of the destination key (default: `version`, else the cache's). */
  versionDst?: number;
}

/** Options of `sdiffstore`, `sinterstore` and `sunionstore`. */
export interface SetStoreOptions extends VersionOptions {
  /** Version of the destination key (default: `version`, else the cache's). */
  versionDest?: number;
  /** Version of the source keys (default: `version`, else the cache's). */
  versionKeys?: number;
}

type Combine = 'SDIFF' | 'SINTER' | 'SUNION';

function keyList(keys: string | readonly string[], method: string): string[] {
  const list = typeof keys === 'string' ? [keys] : [...keys];
  if (list.length === 0) {
    throw new InvalidArgumentError(`${method}: at least one key is needed`);
  }
  return list;
}

export function smoveStep(
  ctx: CacheContext,
  source: string,
  destination: string,
  member: unknown,
  options?: SmoveOptions,
): MaybePromise<Step<boolean>> {
  const src = ctx.makeKey(source, versionFor(options?.versionSrc, options));
  const dst = ctx.makeKey(destination, versionFor(options?.versionDst, options));
  return thenMaybe(ctx.encodeMember(member, source), (encoded) =>
    step({ name: 'SMOVE', keys: TWO_KEYS, args: [src, dst, encoded] }, toBool, source),
  );
}

/** SDIFF / SINTER / SUNION: the decoded members of the combination, as an array. */
export function combineStep(
  ctx: CacheContext,
  name: Combine,
  keys: string | readonly string[],
  options?: VersionOptions,
): Step<unknown[]> {
  const list = keyList(keys, name.toLowerCase());
  const first = list[0]!;
  return step(
    { name, keys: ALL_KEYS, args: list.map((k) => ctx.makeKey(k, options?.version)), read: true },
    (reply) => decodeArray(ctx, reply, first),
    first,
  );
}

/** SDIFFSTORE / SINTERSTORE / SUNIONSTORE: stores the combination, resolves its size. */
export function combineStoreStep(
  ctx: CacheContext,
  name: Combine,
  destination: string,
  keys: string | readonly string[],
  options?: SetStoreOptions,
): Step<number> {
  const list = keyList(keys, `${name.toLowerCase()}store`);
  const dest = ctx.makeKey(destination, versionFor(options?.versionDest, options));
  const sources = list.map((k) => ctx.makeKey(k, versionFor(options?.versionKeys, options)));
  return step(
    { name: `${name}STORE`, keys: ALL_KEYS, args: [dest, ...sources] },
    toInt,
    destination,
  );
}
