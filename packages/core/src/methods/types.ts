import type { CacheContext } from '../cache-context.js';
import type { AnyStep } from '../step.js';
import type { MaybePromise } from '../types/codec.js';

/** Any function returning a promise: the shape of a Cache method. */
// biome-ignore lint/suspicious/noExplicitAny: the argument lists of the methods vary.
type AsyncMethod = (...args: any[]) => Promise<unknown>;

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

/** The pipeline form of a group of Cache methods: same arguments, queued, chainable. */
export type Pipelined<M, P> = {
  [K in keyof M]: M[K] extends (...args: infer A) => Promise<unknown> ? (...args: A) => P : never;
};

/** Keeps only the keys of `M` that are async methods. */
export type MethodsOf<M> = { [K in keyof M as M[K] extends AsyncMethod ? K : never]: M[K] };
