import { randomUUID } from 'node:crypto';
import type { CacheContext } from '../cache-context.js';
import { FIRST_KEY } from '../key-spec.js';
import { createScript, scriptCommand } from '../script.js';
import { type AnyStep, type Step, step } from '../step.js';
import type { Reply } from '../types/transport.js';
import { readEntryStep, type StoredEntry } from './read-entry.js';

/** Deletes the lock key only when it still holds our token (a lease that ran out is not ours). */
const RELEASE = createScript(
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
  {
    local: ({ keys, args, call }) => {
      const held = call('GET', keys[0]!);
      return Buffer.isBuffer(held) && held.equals(args[0]!) ? call('DEL', keys[0]!) : 0;
    },
  },
);

/** The key of `stored`'s flight lock: beside it, under the same prefix (and ACL pattern). */
export function flightLockKey(stored: string): string {
  return `${stored}:cachex-flight`;
}

/** One attempt at a flight lock, and what the key held at that moment. */
export interface LockAttempt<T> {
  /** The token when the lock was taken (pass it to {@link releaseStep}), else undefined. */
  readonly token: Buffer | undefined;
  readonly entry: StoredEntry<T> | undefined;
}

/**
 * In one round trip, tries to take the flight lock of a stored key for `leaseMs` (`SET NX PX`
 * with a random token) and reads the key's value and TTL: whoever held the lock may have
 * written it meanwhile. A lease, not a lock for ever: a holder that dies frees it after
 * `leaseMs`. No fencing counter is kept (unlike `@cachex/lock`'s locks), so computing millions
 * of keys leaves no key behind.
 */
export function lockAttemptStep<T>(
  ctx: CacheContext,
  key: string,
  stored: string,
  leaseMs: number,
): Step<LockAttempt<T>> {
  const token = Buffer.from(randomUUID());
  // From the primary, where the holder wrote: a lagging replica would make us compute again.
  const read = readEntryStep<T>(ctx, key, stored, undefined, 'primary');
  const ms = Math.max(1, Math.ceil(leaseMs));
  return {
    commands: [
      { name: 'SET', keys: FIRST_KEY, args: [flightLockKey(stored), token, 'NX', 'PX', ms] },
      ...read.commands,
    ],
    key,
    reduce: (replies: Reply[]) => {
      const taken = replies[0] !== null;
      const entry = read.reduce(replies.slice(1));
      const attempt = (e: StoredEntry<T> | undefined) => ({
        token: taken ? token : undefined,
        entry: e,
      });
      return entry instanceof Promise ? entry.then(attempt) : attempt(entry);
    },
  };
}

/** Frees the flight lock of `stored`, only if `token` still holds it. */
export function releaseStep(stored: string, token: Buffer): AnyStep<void> {
  return step(scriptCommand(RELEASE, [flightLockKey(stored)], [token]), () => undefined);
}
