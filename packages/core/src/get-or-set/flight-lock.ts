import { randomUUID } from 'node:crypto';
import type { CacheContext } from '../cache-context.js';
import { mapMaybe, thenMaybe } from '../commands/encoding.js';
import { FIRST_KEY } from '../key-spec.js';
import { createScript, scriptCommand } from '../script.js';
import { type AnyStep, constant, type Step, step } from '../step.js';
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

/** First and longest wait between two looks for a value another process is computing. */
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 200;

/**
 * Waits before the next look for a value another process is computing, `started` being when
 * the wait began (`performance.now()`): about a fifth of the time waited so far (5 to 200 ms,
 * ±20 % jitter), so a short computation is seen soon after it lands and a long one costs a few
 * round trips a second (one poller per process and key).
 */
export function pollPause(started: number): Promise<void> {
  const waited = performance.now() - started;
  const ms = Math.min(MAX_POLL_MS, Math.max(FIRST_POLL_MS, waited / 5));
  return new Promise((resolve) => setTimeout(resolve, ms * (0.8 + Math.random() * 0.4)));
}

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

/**
 * {@link lockAttemptStep} for many keys in one batch (one round trip per node): an attempt per
 * key, in order. `takeLocks: false` only reads (a wait that outlived the lease).
 */
export function lockAttemptsStep<T>(
  ctx: CacheContext,
  keys: readonly string[],
  stored: readonly string[],
  leaseMs: number,
  takeLocks: boolean,
): Step<LockAttempt<T>[]> {
  const attempts = keys.map((key, i) =>
    takeLocks
      ? lockAttemptStep<T>(ctx, key, stored[i]!, leaseMs)
      : readAttemptStep<T>(ctx, key, stored[i]!),
  );
  const width = takeLocks ? 3 : 2;
  return {
    commands: attempts.flatMap((a) => a.commands),
    reduce: (replies: Reply[]) =>
      mapMaybe(attempts, (a, i) => a.reduce(replies.slice(i * width, (i + 1) * width))),
  };
}

/** A read of the key from the primary, as an attempt that took no lock. */
export function readAttemptStep<T>(
  ctx: CacheContext,
  key: string,
  stored: string,
): Step<LockAttempt<T>> {
  const read = readEntryStep<T>(ctx, key, stored, undefined, 'primary');
  return {
    commands: read.commands,
    key,
    reduce: (replies) => thenMaybe(read.reduce(replies), (entry) => ({ token: undefined, entry })),
  };
}

/** Frees the flight locks of many keys (each only if its token still holds it), in one batch. */
export function releaseManyStep(locks: readonly [stored: string, token: Buffer][]): AnyStep<void> {
  if (locks.length === 0) return constant(undefined);
  return {
    commands: locks.map(([stored, token]) =>
      scriptCommand(RELEASE, [flightLockKey(stored)], [token]),
    ),
    reduce: () => undefined,
  };
}
