/**
 * `@cachex/lock`: a distributed lock on a cachex cache (django-cachex's `cache.lock()`), with
 * fencing tokens, `await using`, and `withLock` with auto-extension and AbortSignal.
 *
 * @packageDocumentation
 */
export type { LockErrorCode, NotOwnedReason } from './errors.js';
export {
  LockAbortedError,
  LockAlreadyAcquiredError,
  LockError,
  LockLostError,
  LockNotAcquiredError,
  LockNotOwnedError,
  lockErrorCodes,
} from './errors.js';
export type { LockKeys } from './keys.js';
export type {
  AcquiredLock,
  AcquireLockOptions,
  AcquireOptions,
  ExtendOptions,
  LockCache,
  LockOptions,
} from './lock.js';
export { acquireLock, createLock, Lock } from './lock.js';
export type { LockContext, WithLockOptions } from './with-lock.js';
export { withLock } from './with-lock.js';
