import { CachexError, type CachexErrorOptions } from '@cachex/core';

/** The stable codes of the lock errors. They never change meaning between releases. */
export const lockErrorCodes = {
  notAcquired: 'E_LOCK_NOT_ACQUIRED',
  notOwned: 'E_LOCK_NOT_OWNED',
  lost: 'E_LOCK_LOST',
  aborted: 'E_LOCK_ABORTED',
  alreadyAcquired: 'E_LOCK_ALREADY_ACQUIRED',
} as const;

/** One of the values of {@link lockErrorCodes}. */
export type LockErrorCode = (typeof lockErrorCodes)[keyof typeof lockErrorCodes];

/**
 * Why a lock was not owned when this Lock acted on it (`context.reason` of a
 * {@link LockNotOwnedError}):
 *
 * - `'not-acquired'`: this Lock holds no acquisition (never acquired, already released, or
 *   found lost by an earlier call); nothing was sent;
 * - `'missing'`: the lock key is gone (the lease expired, someone deleted it, or a failover lost
 *   it);
 * - `'other-holder'`: another holder has the lock now.
 */
export type NotOwnedReason = 'not-acquired' | 'missing' | 'other-holder';

/**
 * The base class of every lock error: `err instanceof LockError` catches them all, and
 * `err.code` tells them apart (see {@link lockErrorCodes}). Like every cachex error it is a
 * `CachexError` with `context.key`, the user key of the lock.
 */
export abstract class LockError extends CachexError {
  declare readonly code: LockErrorCode;
}

/**
 * The lock was not acquired: held by someone else until `blockingTimeout` ran out, or at the
 * first attempt with `blocking: false` in `acquireLock`/`withLock` (`lock.acquire()` then
 * resolves `false` instead). `context.waitedMs` says how long it tried.
 */
export class LockNotAcquiredError extends LockError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(lockErrorCodes.notAcquired, message, options);
  }
}

/**
 * `release()`, `extend()` or `reacquire()` of a lock this Lock does not hold (any more):
 * `context.reason` says why (see {@link NotOwnedReason}). Nothing was changed on the server:
 * the compare-and-act scripts never touch another holder's lock. A second `release()` is this
 * error too, with reason `'not-acquired'`.
 */
export class LockNotOwnedError extends LockError {
  declare readonly context: LockError['context'] & { reason?: NotOwnedReason };

  constructor(message: string, options?: CachexErrorOptions) {
    super(lockErrorCodes.notOwned, message, options);
  }
}

/**
 * The lock was lost while `withLock`'s function ran with `autoExtend`: an extension found it
 * gone or held by another (the `cause` is then the {@link LockNotOwnedError}), or no extension
 * got through for a whole lease (the `cause` is the last command error). The function's
 * `signal` is aborted with this error as its reason, and `withLock` rejects with it.
 */
export class LockLostError extends LockError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(lockErrorCodes.lost, message, options);
  }
}

/**
 * The `signal` given to `acquire`, `acquireLock` or `withLock` was aborted before the lock was
 * acquired. The `cause` is the signal's `reason` (an `AbortError` or `TimeoutError`
 * `DOMException`, or whatever was passed to `abort()`). Nothing stays held.
 */
export class LockAbortedError extends LockError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(lockErrorCodes.aborted, message, options);
  }
}

/**
 * `acquire()` on a Lock that already holds the lock or is acquiring it. One Lock is one holder
 * at a time (the lock is not reentrant): release it first, or make another Lock.
 */
export class LockAlreadyAcquiredError extends LockError {
  constructor(message: string, options?: CachexErrorOptions) {
    super(lockErrorCodes.alreadyAcquired, message, options);
  }
}
