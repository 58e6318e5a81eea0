import type { CacheContext } from '../cache-context.js';
import type { AnyStep } from '../step.js';
import type { MaybePromise } from '../types/codec.js';

/**
 * The step builders behind a group of Cache methods: one builder per method, taking the cache
 * context and the method's own arguments, and returning the step that answers it. Installed on
 * both `Cache` (run at once) and `Pipeline` (queued), so each operation is written once.
 */
export type StepTable<M> = {
  [K in keyof M]: M[K] extends (...args: infer A) => Promise<infer R>
    ? (ctx: CacheContext, ...args: A) => MaybePromise<AnyStep<R>>
    : never;
};

/**
 * How a group of methods hands back its result, so that each group is declared once for the
 * Cache (a Promise of the result) and for pipelines (the pipeline, with the result's type
 * appended to the tuple `exec()` resolves). `in` is the result type of one method.
 */
export interface Returns {
  readonly in: unknown;
  readonly out: unknown;
}

/** Methods that return a Promise of their result (the Cache). */
export interface ReturnsPromise extends Returns {
  readonly out: Promise<this['in']>;
}

/** What a method of a group declared with `R` returns for a result of type `X`. */
export type Out<R extends Returns, X> = (R & { readonly in: X })['out'];
