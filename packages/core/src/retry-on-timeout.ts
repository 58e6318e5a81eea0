import { isCachexError } from './errors.js';
import { type AnyStep, runStep } from './step.js';
import type { Transport } from './types/transport.js';

/**
 * True when a step may be sent again after a timeout: it has commands, every one of them only
 * reads (routed as a read, not blocking) and it is not a MULTI/EXEC block. A write that timed
 * out may have been applied anyway (the reply was lost, not the command): sending it again
 * could apply it twice (INCR twice, a list pushed twice), so writes are never resent.
 */
export function isRetryableStep(step: AnyStep<unknown>): boolean {
  if (step.commands.length === 0) return false;
  if ('transaction' in step && step.transaction === true) return false;
  return step.commands.every((command) => command.read === true && command.blocking !== true);
}

/**
 * Runs a step; with `retryOnTimeout`, a read-only step (see {@link isRetryableStep}) that
 * failed with E_TIMEOUT is sent once more, and the second outcome is final.
 */
export async function runStepRetrying<T>(
  transport: Transport,
  step: AnyStep<T>,
  retryOnTimeout: boolean,
): Promise<T> {
  try {
    return await runStep(transport, step);
  } catch (error) {
    if (
      !retryOnTimeout ||
      !isCachexError(error) ||
      error.code !== 'E_TIMEOUT' ||
      !isRetryableStep(step)
    ) {
      throw error;
    }
    return runStep(transport, step);
  }
}
