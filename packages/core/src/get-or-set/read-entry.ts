import type { CacheContext } from '../cache-context.js';
import { mapMaybe, thenMaybe } from '../commands/encoding.js';
import { FIRST_KEY } from '../key-spec.js';
import type { Step } from '../step.js';
import type { Command, Reply } from '../types/transport.js';

/** A stored value and the time its key has left. */
export interface StoredEntry<T = unknown> {
  readonly value: T;
  /** PTTL: milliseconds left, `-1` when the key never expires. */
  readonly pttl: number;
  /** When it was read (`Date.now()`), so that `pttl` converts to a point in time. */
  readonly readAt: number;
}

/** Told what one read found, before its result is handed on (the near cache keeps it). */
export interface EntryObserver {
  found(value: unknown, pttl: number): void;
  absent(): void;
}

function readCommands(stored: string): Command[] {
  return [
    { name: 'GET', keys: FIRST_KEY, args: [stored], read: true },
    { name: 'PTTL', keys: FIRST_KEY, args: [stored], read: true },
  ];
}

/** The same reads, not marked as reads: they go to the primary even with `readFrom: 'replica'`. */
function primaryReadCommands(stored: string): Command[] {
  return [
    { name: 'GET', keys: FIRST_KEY, args: [stored] },
    { name: 'PTTL', keys: FIRST_KEY, args: [stored] },
  ];
}

function getCommand(stored: string): Command[] {
  return [{ name: 'GET', keys: FIRST_KEY, args: [stored], read: true }];
}

/**
 * GET and PTTL of one key in one round trip (one batch, both reads): the value and how long
 * it lives, so that a caller can tell fresh from stale, or hold the value no longer than the
 * key exists. `undefined` when the key does not exist. `withTtl: false` sends the GET alone;
 * `'primary'` sends both to the primary, never a replica.
 */
export function readEntryStep<T>(
  ctx: CacheContext,
  key: string,
  stored: string,
  observer?: EntryObserver,
  withTtl: boolean | 'primary' = true,
): Step<StoredEntry<T> | undefined> {
  return {
    // Without the TTL (a caller that only needs the value), the entry says "never expires".
    // From the primary: a check of what another process just wrote, which a replica may lag.
    commands:
      withTtl === 'primary'
        ? primaryReadCommands(stored)
        : withTtl
          ? readCommands(stored)
          : getCommand(stored),
    key,
    reduce: (replies: Reply[]) => {
      const [value = null, pttl = -1] = replies;
      // -2: the key expired between the GET and the PTTL; what GET read is gone already.
      if (value === null || pttl === -2) {
        observer?.absent();
        return undefined;
      }
      const readAt = Date.now();
      return thenMaybe(ctx.decode(value as Buffer, key), (decoded) => {
        observer?.found(decoded, Number(pttl));
        return { value: decoded as T, pttl: Number(pttl), readAt };
      });
    },
  };
}

/**
 * {@link readEntryStep} for many keys in one batch (one pipeline per node on a cluster): an
 * entry or `undefined` per key, in order. Values decode in one synchronous pass.
 */
export function readEntriesStep<T>(
  ctx: CacheContext,
  keys: readonly string[],
  stored: readonly string[],
): Step<(StoredEntry<T> | undefined)[]> {
  return {
    commands: stored.flatMap(readCommands),
    reduce: (replies: Reply[]) => {
      const readAt = Date.now();
      const found: number[] = [];
      for (let i = 0; i < keys.length; i++) {
        if (replies[2 * i] != null && replies[2 * i + 1] !== -2) found.push(i);
      }
      return thenMaybe(
        mapMaybe(found, (i) => ctx.decode(replies[2 * i] as Buffer, keys[i]!)),
        (values) => {
          const entries: (StoredEntry<T> | undefined)[] = new Array(keys.length).fill(undefined);
          for (let j = 0; j < found.length; j++) {
            const i = found[j]!;
            entries[i] = { value: values[j] as T, pttl: Number(replies[2 * i + 1]), readAt };
          }
          return entries;
        },
      );
    },
  };
}
