import { setTimeout as delay } from 'node:timers/promises';

export interface WaitUntilOptions {
  /** What is awaited, for the error message (`sentinel topology ready`). */
  what: string;
  timeoutMs: number;
  /** Pause between checks. Default 25 ms. */
  intervalMs?: number;
  /** Extra text for the time-out error, e.g. the tail of the server logs. */
  details?: () => string;
}

/**
 * Polls `check` until it resolves `undefined` (ready). A string names what is still missing; a
 * rejection counts as not ready yet, with its message as the problem. On time-out, throws with
 * the last problem seen (and `details()`), so a stuck topology says why.
 */
export async function waitUntil(
  check: () => Promise<string | undefined>,
  options: WaitUntilOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastProblem = 'not checked yet';
  for (;;) {
    try {
      const problem = await check();
      if (problem === undefined) return;
      lastProblem = problem;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) break;
    await delay(options.intervalMs ?? 25);
  }
  const details = options.details?.() ?? '';
  throw new Error(
    `${options.what}: not reached after ${options.timeoutMs} ms (${lastProblem})${details === '' ? '' : `\n${details}`}`,
  );
}
