import { TimeoutError } from '@cachex/core';
import type { ClusterPipeline, ReplyPair } from './cluster-client.js';

/**
 * The driver's pipeline internals this module relies on (ioredis and iovalkey alike): a
 * redirected or failed-over pipeline is sent again through `this.exec()`, and settles through
 * `reject`/`promise`.
 */
interface PipelineInternals {
  exec: (...args: unknown[]) => unknown;
  reject?: (error: unknown) => void;
  promise?: Promise<ReplyPair[] | null>;
}

/** The error of a call that did not settle by its deadline. */
export function deadlineError(
  command: string,
  budgetMs: number,
  slot: number | undefined,
  lastReply?: unknown,
): TimeoutError {
  const where = slot === undefined ? '' : ` (slot ${slot})`;
  return new TimeoutError(
    `${command} did not complete within ${budgetMs} ms: the cluster was failing over or moving the slot${where}; it may or may not have run`,
    {
      context: slot === undefined ? { command } : { command, slot },
      ...(lastReply instanceof Error ? { cause: lastReply } : {}),
    },
  );
}

/**
 * Sends a pipeline of the driver's cluster client and settles by `deadline`
 * (`performance.now()` time). The driver follows redirections and waits out a failover on its
 * own: on a lost node it sends the pipeline again every `retryDelayOnFailover` (100 ms), up to
 * `maxRedirections` (16) times, which alone keeps a call waiting 1.6 s. Here every resend
 * after the deadline is refused, so nothing is sent once the caller was told the call failed,
 * and a timer rejects the call at the deadline when a resend is still on the wire.
 */
export function execBefore(
  pipeline: ClusterPipeline,
  deadline: number,
  timedOut: () => TimeoutError,
): Promise<ReplyPair[] | null> {
  if (performance.now() >= deadline) return Promise.reject(timedOut());
  const sent = pipeline.exec() as Promise<ReplyPair[] | null>;
  const internals = pipeline as unknown as PipelineInternals;
  const again = internals.exec;
  internals.exec = function (this: unknown, ...args: unknown[]): unknown {
    if (performance.now() < deadline) return again.apply(this, args);
    internals.reject?.(timedOut());
    return internals.promise;
  };
  const remaining = deadline - performance.now();
  if (remaining <= 0) return sent;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(timedOut()), remaining);
    sent.then(
      (replies) => {
        clearTimeout(timer);
        resolve(replies);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
