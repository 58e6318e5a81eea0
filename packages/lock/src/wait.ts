/**
 * `ms` with ±20 % of random jitter, so that waiters that started together do not retry in
 * step.
 */
export function jittered(ms: number): number {
  return ms * (0.8 + Math.random() * 0.4);
}

/**
 * Resolves after `ms`, or rejects with `onAbort(signal)`'s error as soon as `signal` aborts.
 * The timer is cleared on abort, so nothing is left to keep the process alive.
 */
export function sleep(ms: number, signal: AbortSignal | undefined, onAbort: () => Error) {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(onAbort());
      return;
    }
    const abort = () => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Settles as `pending` does, or rejects with `onAbort()`'s error as soon as `signal` aborts; in
 * that case `abandoned(value)` receives what `pending` resolves later (to undo it).
 */
export function raceAbort<T>(
  pending: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => Error,
  abandoned: (value: T) => void,
): Promise<T> {
  if (signal === undefined) return pending;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const abort = () => {
      settled = true;
      reject(onAbort());
      pending.then(abandoned, () => undefined);
    };
    if (signal.aborted) {
      abort();
      return;
    }
    signal.addEventListener('abort', abort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        if (!settled) resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        if (!settled) reject(error);
      },
    );
  });
}
