import type { CacheContext } from '../cache-context.js';
import type { FailurePolicy } from '../ignore-exceptions.js';
import { runStepRetrying } from '../retry-on-timeout.js';
import { type AnyStep, runStep } from '../step.js';
import type { MaybePromise } from '../types/codec.js';
import type { Transport } from '../types/transport.js';

/** A loosely typed step builder, as stored in a {@link StepTable} at run time. */
// biome-ignore lint/suspicious/noExplicitAny: builders take the method's own arguments.
export type AnyBuilder = (ctx: CacheContext, ...args: any[]) => MaybePromise<AnyStep<unknown>>;

/** Something that owns a cache context (the Cache and its pipelines). */
interface HasContext {
  readonly context: CacheContext;
}

/** The failure policy of a cache (`ignoreExceptions`, `retryOnTimeout`…), when it has one. */
export const FAILURE_POLICY: unique symbol = Symbol('cachex.cache.failurePolicy');

/** Something that runs methods at once (the Cache), possibly under a failure policy. */
interface RunsMethods extends HasContext {
  readonly [FAILURE_POLICY]?: FailurePolicy;
}

/** Queues a built step on a pipeline. */
export const ENQUEUE: unique symbol = Symbol('cachex.pipeline.enqueue');

/** Something that queues steps (a pipeline). */
interface Enqueues extends HasContext {
  [ENQUEUE](step: MaybePromise<AnyStep<unknown>>): void;
}

function define(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, {
    value,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

/**
 * Adds one method per builder to a Cache prototype: build the step, run it, resolve the result.
 * Under the instance's failure policy, a timed-out read is sent again (`retryOnTimeout`) and a
 * connection or timeout failure resolves the method's ignored result (`ignoreExceptions`).
 */
export function installCacheMethods(prototype: object, table: Record<string, AnyBuilder>): void {
  for (const [name, build] of Object.entries(table)) {
    // Not `async` (every call's hot path: each async layer is a promise and a microtask turn),
    // but the same contract: argument errors thrown while building become rejections, like
    // server errors, and nothing throws synchronously.
    define(prototype, name, function run(this: RunsMethods, ...args: unknown[]): Promise<unknown> {
      const policy = this[FAILURE_POLICY];
      const transport = this.context.transport;
      const retry = policy?.retryOnTimeout === true;
      let sent: Promise<unknown>;
      try {
        const built = build(this.context, ...args);
        sent =
          built instanceof Promise
            ? built.then((step) => sendStep(transport, step, retry))
            : sendStep(transport, built, retry);
      } catch (error) {
        sent = Promise.reject(error);
      }
      if (policy?.ignoreExceptions !== true) return sent;
      // Only connection and timeout failures are recovered; bad arguments, encode errors and
      // server replies are thrown again by the policy.
      return sent.then(undefined, (error: unknown) => policy.recover(name, args, error));
    });
  }
}

/** Runs a built step, resending a timed-out read when `retry` (`retryOnTimeout`) is on. */
function sendStep(transport: Transport, step: AnyStep<unknown>, retry: boolean): Promise<unknown> {
  return retry ? runStepRetrying(transport, step, true) : runStep(transport, step);
}

/** Adds one method per builder to a Pipeline prototype: build the step, queue it, chain. */
export function installPipelineMethods(prototype: object, table: Record<string, AnyBuilder>): void {
  for (const [name, build] of Object.entries(table)) {
    define(prototype, name, function queue(this: Enqueues, ...args: unknown[]) {
      let built: MaybePromise<AnyStep<unknown>>;
      try {
        built = build(this.context, ...args);
      } catch (error) {
        // Bad arguments or values fill the call's slot at exec(), like server errors do, so
        // a chain of calls never breaks half-way.
        built = Promise.reject(error);
      }
      this[ENQUEUE](built);
      return this;
    });
  }
}
