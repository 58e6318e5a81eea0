import { randomUUID } from 'node:crypto';
import { FIRST_KEY } from '../key-spec.js';
import { createScript, scriptCommand } from '../script.js';
import { type AnyStep, step } from '../step.js';

/** Frees a flight lock taken by {@link tryFlightLock}, only if it still holds it. */
export type FlightLockRelease = () => Promise<void>;

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

/**
 * Takes the flight lock of a stored key for `leaseMs` if nobody holds it, in one attempt
 * (`SET NX PX` with a random token): resolves its release, or `undefined` when another process
 * holds it. A lease, not a mutual exclusion for ever: a holder that dies frees it after
 * `leaseMs`. No fencing counter is kept (unlike `@cachex/lock`'s locks), so computing millions
 * of keys leaves no key behind.
 */
export async function tryFlightLock(
  send: <T>(s: AnyStep<T>) => Promise<T>,
  stored: string,
  leaseMs: number,
): Promise<FlightLockRelease | undefined> {
  const lock = flightLockKey(stored);
  const token = Buffer.from(randomUUID());
  const ms = Math.max(1, Math.ceil(leaseMs));
  const taken = await send(
    step(
      { name: 'SET', keys: FIRST_KEY, args: [lock, token, 'NX', 'PX', ms] },
      (reply) => reply !== null,
    ),
  );
  if (!taken) return undefined;
  return async () => {
    await send(step(scriptCommand(RELEASE, [lock], [token]), () => undefined));
  };
}
