import type { CacheContext } from '../cache-context.js';
import { InvalidArgumentError } from '../errors.js';
import { ALL_KEYS, FIRST_KEY, KEY_VALUE_PAIRS } from '../key-spec.js';
import { type AnyStep, constant } from '../step.js';
import { resolveExpiry } from '../timeout.js';
import type { EncodedValue, MaybePromise } from '../types/codec.js';
import type { Command, RedisArg, Reply } from '../types/transport.js';
import { mapMaybe, thenMaybe } from './encoding.js';
import { checkOptions, keyList } from './flags.js';
import type { TimeoutOptions, VersionOptions } from './options.js';
import { toArray, toInt } from './reply.js';

/** What `setMany` accepts: a plain record, a Map, or any iterable of entries. */
export type Entries<T = unknown> =
  | Record<string, T>
  | ReadonlyMap<string, T>
  | Iterable<readonly [string, T]>;

/**
 * The entries of `setMany` as pairs. Anything but a Map, an iterable of pairs or a plain
 * object (a number, a string, null) is an `InvalidArgumentError`: `Object.entries(5)` is an
 * empty list, which would write nothing without a word.
 */
function entriesOf<T>(entries: Entries<T>): [string, T][] {
  if (entries instanceof Map) return [...entries.entries()];
  if (typeof entries !== 'object' || entries === null) {
    const got = entries === null ? 'null' : typeof entries;
    throw new InvalidArgumentError(
      `setMany: entries must be a record, a Map or [key, value] pairs, got ${got}`,
    );
  }
  if (Symbol.iterator in entries)
    return [...(entries as Iterable<readonly [string, T]>)].map(([k, v]) => [k, v]);
  return Object.entries(entries as Record<string, T>);
}

/** Picks `items[i]` for each index of a group. */
function pick<T>(items: readonly T[], group: readonly number[]): T[] {
  return group.map((i) => items[i]!);
}

export function getManyStep<T>(
  ctx: CacheContext,
  keys: Iterable<string>,
  options?: VersionOptions,
): AnyStep<Map<string, T>> {
  const userKeys = keyList(keys, 'getMany') as string[];
  if (userKeys.length === 0) return constant(new Map<string, T>());
  const stored = userKeys.map((k) => ctx.makeKey(k, options?.version));
  // One MGET per group the transport can serve together (all keys, except on a cluster).
  const groups = ctx.transport.partitionKeys(stored);
  return {
    commands: groups.map(
      (g): Command => ({ name: 'MGET', keys: ALL_KEYS, args: pick(stored, g), read: true }),
    ),
    reduce: (replies: Reply[]) => {
      // The values that were found, in the caller's order of keys, then decoded in one pass
      // (synchronously unless a compressor is asynchronous: see mapMaybe).
      const found: (Reply | undefined)[] = new Array(userKeys.length);
      for (let gi = 0; gi < groups.length; gi++) {
        const values = toArray(replies[gi] ?? null);
        const group = groups[gi]!;
        for (let j = 0; j < group.length; j++) found[group[j]!] = values[j];
      }
      const hits: number[] = [];
      for (let i = 0; i < found.length; i++) {
        if (found[i] !== null && found[i] !== undefined) hits.push(i);
      }
      return thenMaybe(
        mapMaybe(hits, (i) => ctx.decode(found[i] as Buffer, userKeys[i]!)),
        (decoded) => {
          const result = new Map<string, T>();
          for (let h = 0; h < hits.length; h++) result.set(userKeys[hits[h]!]!, decoded[h] as T);
          return result;
        },
      );
    },
  };
}

export function deleteManyStep(
  ctx: CacheContext,
  keys: Iterable<string>,
  options?: VersionOptions,
): AnyStep<number> {
  const stored = keyList(keys, 'deleteMany').map((k) => ctx.makeKey(k as string, options?.version));
  if (stored.length === 0) return constant(0);
  const groups = ctx.transport.partitionKeys(stored);
  return {
    commands: groups.map(
      (g): Command => ({ name: 'UNLINK', keys: ALL_KEYS, args: pick(stored, g) }),
    ),
    reduce: (replies) => replies.reduce<number>((sum, r) => sum + toInt(r), 0),
  };
}

export function setManyStep(
  ctx: CacheContext,
  entries: Entries,
  options?: TimeoutOptions,
): MaybePromise<AnyStep<void>> {
  checkOptions(options, 'setMany', 'for a timeout pass { timeout: seconds }');
  const list = entriesOf(entries);
  if (list.length === 0) return constant(undefined);
  const stored = list.map(([k]) => ctx.makeKey(k, options?.version));
  const expiry = resolveExpiry(options?.timeout, ctx.defaultTimeout);
  const encodedOrPromises = list.map(([k, v]) => ctx.encode(v, k));
  const build = (encoded: EncodedValue[]): AnyStep<void> => {
    const groups = ctx.transport.partitionKeys(stored);
    const commands: Command[] = [];
    for (const group of groups) {
      if (expiry.kind === 'delete') {
        commands.push({ name: 'UNLINK', keys: ALL_KEYS, args: pick(stored, group) });
      } else if (expiry.kind === 'persist') {
        const args: RedisArg[] = [];
        for (const i of group) args.push(stored[i]!, encoded[i]!);
        commands.push({ name: 'MSET', keys: KEY_VALUE_PAIRS, args });
      } else {
        for (const i of group)
          commands.push({
            name: 'SET',
            keys: FIRST_KEY,
            args: [stored[i]!, encoded[i]!, expiry.unit, expiry.amount],
          });
      }
    }
    // Atomic where the topology allows: one group means every key can share a MULTI block.
    return {
      commands,
      transaction: groups.length === 1 && commands.length > 1,
      reduce: () => undefined,
    };
  };
  return encodedOrPromises.some((e) => e instanceof Promise)
    ? Promise.all(encodedOrPromises).then(build)
    : build(encodedOrPromises as EncodedValue[]);
}
