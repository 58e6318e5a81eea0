import { type BatchResult, type Command, CommandError, type Reply } from '@cachex/core';
import { translateDriverError } from './translate.js';

// Turning a driver pipeline's `[error, reply]` pairs into batch results: shared by every
// transport that runs batches on ioredis/iovalkey pipelines.

/** A failed slot, with an error object of its own (errors are never shared between slots). */
export function failed(error: unknown, command: string, closed = false): BatchResult {
  return { ok: false, error: translateDriverError(error, closed, command) };
}

export function aborted(): BatchResult {
  return {
    ok: false,
    error: new CommandError('The transaction was aborted (EXEC returned nil)', {
      context: { command: 'EXEC' },
    }),
  };
}

/** One `[error, reply]` pair of a driver pipeline as a batch result. */
export function settled(
  pair: [Error | null, unknown] | undefined,
  command: string,
  closed: boolean,
): BatchResult {
  if (pair === undefined) return failed(new Error('No reply for this command'), command);
  const [error, value] = pair;
  return error ? failed(error, command, closed) : { ok: true, value: value as Reply };
}

/**
 * The results of an atomic group sent inside a pipeline: EXEC's array holds each command's
 * reply (or its runtime error); when EXEC failed (EXECABORT after a queueing error), a command
 * refused while queueing gets its own error and the others EXEC's.
 */
export function execResults(
  commands: readonly Command[],
  queued: readonly ([Error | null, unknown] | undefined)[],
  exec: [Error | null, unknown] | undefined,
  closed: boolean,
): BatchResult[] {
  const [execError, execValue] = exec ?? [new Error('No reply for EXEC'), null];
  if (execError || !Array.isArray(execValue)) {
    return commands.map((c, i) => {
      const queueError = queued[i]?.[0];
      if (queueError) return failed(queueError, c.name, closed);
      return execError ? failed(execError, 'EXEC', closed) : aborted();
    });
  }
  return commands.map((c, i) => {
    const value = execValue[i] as unknown;
    return value instanceof Error ? failed(value, c.name) : { ok: true, value: value as Reply };
  });
}
