import { type CacheContext, checkVersion } from './cache-context.js';
import { flag } from './commands/flags.js';
import { type HashMethods, hashSteps } from './commands/hash-methods.js';
import { type ListMethods, listSteps } from './commands/list-methods.js';
import { type SetMethods, setSteps } from './commands/set-methods.js';
import { type SortedSetMethods, sortedSetSteps } from './commands/sorted-set-methods.js';
import { type StringMethods, stringSteps } from './commands/string-methods.js';
import { type CachexError, isCachexError } from './errors.js';
import { type AnyBuilder, ENQUEUE, installPipelineMethods } from './methods/install.js';
import type { Returns } from './methods/types.js';
import { type AnyStep, repliesOf, type Step, type StepBuilder } from './step.js';
import { toCachexError } from './translate-error.js';
import type { MaybePromise } from './types/codec.js';
import type { BatchResult, CommandGroup } from './types/transport.js';

/** Options of `cache.pipeline()`. */
export interface PipelineOptions {
  /**
   * Run the queued commands as one MULTI/EXEC block (all or nothing on the server). Default
   * false: a plain pipeline, one round trip, each command on its own.
   */
  transaction?: boolean;
  /** The key version for every queued call (a call's own `version` still wins). */
  version?: number;
}

/** The result of one queued call: its value, or the `CachexError` it failed with. */
export type PipelineResult<T = unknown> = T | CachexError;

/**
 * What `exec()` resolves for a pipeline whose queued calls have the result types `Results`:
 * a tuple with each call's result, or the `CachexError` it failed with. A pipeline whose calls
 * were queued one statement at a time (in a loop: `for (…) p.set(k, v)`) keeps the type of an
 * empty one, so an empty `Results` resolves an array of {@link PipelineResult}s.
 */
export type PipelineResults<Results extends readonly unknown[]> = Results extends readonly []
  ? PipelineResult[]
  : { -readonly [I in keyof Results]: PipelineResult<Results[I]> };

/** Methods that queue their call and return the pipeline, with the result type appended. */
export interface ReturnsPipeline<Results extends unknown[]> extends Returns {
  readonly out: Pipeline<[...Results, this['in']]>;
}

/** A context whose default version is the pipeline's. */
function withVersion(ctx: CacheContext, version: number | undefined): CacheContext {
  if (version === undefined || version === ctx.version) return ctx;
  checkVersion(version);
  return {
    ...ctx,
    version,
    makeKey: (key, v = version) => ctx.makeKey(key, v),
    makePattern: (pattern, v: number | '*' = version) => ctx.makePattern(pattern, v),
  };
}

function asError(error: unknown): CachexError {
  return isCachexError(error) ? error : toCachexError(error);
}

async function settle(step: AnyStep<unknown>, results: BatchResult[]): Promise<unknown> {
  if (step.commands.length === 0) return (step as { value: unknown }).value;
  const replies = repliesOf(step as Step<unknown>, results);
  if (!Array.isArray(replies)) return replies;
  try {
    return await (step as Step<unknown>).reduce(replies);
  } catch (error) {
    return asError(error);
  }
}

/** Every command failing with one of these means the batch never reached the server. */
const UNSENT = new Set<string>(['E_CONNECTION', 'E_TIMEOUT', 'E_CLOSED', 'E_CIRCUIT_OPEN']);

/**
 * Queues cache calls and sends them in one round trip. Every Cache method is here (except the
 * blocking list pops), with the same arguments; each returns the pipeline, so calls chain.
 * `exec()` resolves the results in call order. The pipeline is empty again after `exec()`,
 * whether it succeeded or not, and can be reused.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface lists the queued methods installed below.
export class Pipeline<Results extends unknown[] = []> {
  /** Key making and encoding, with the pipeline's version. */
  readonly context: CacheContext;
  readonly #transaction: boolean;
  #queue: MaybePromise<AnyStep<unknown>>[] = [];

  constructor(context: CacheContext, options: PipelineOptions = {}) {
    this.context = withVersion(context, options.version);
    this.#transaction = flag(options, 'transaction', 'pipeline');
  }

  /** How many calls are queued. */
  get length(): number {
    return this.#queue.length;
  }

  [ENQUEUE](step: MaybePromise<AnyStep<unknown>>): void {
    // A step still encoding must not become an unhandled rejection before exec() awaits it.
    if (step instanceof Promise) step.catch(() => undefined);
    this.#queue.push(step);
  }

  /**
   * Queues an operation an extension built (see `StepBuilder`), like a built-in method: its
   * result takes the next slot.
   */
  queue<T>(build: StepBuilder<T>): Pipeline<[...Results, T]> {
    let built: MaybePromise<AnyStep<unknown>>;
    try {
      built = build(this.context) as MaybePromise<AnyStep<unknown>>;
    } catch (error) {
      built = Promise.reject(error);
    }
    this[ENQUEUE](built);
    return this as unknown as Pipeline<[...Results, T]>;
  }

  /** Drops every queued call. */
  discard(): void {
    this.#queue = [];
  }

  /**
   * Sends the queued calls and resolves their results in call order. A call the server
   * rejected (or whose value could not be decoded) has its `CachexError` in its slot. A call
   * that failed on the client (bad argument, key or value) fills its slot too, except in a
   * transaction: there it rejects `exec()` and nothing is sent, since a transaction is all or
   * nothing. Rejects as well when nothing could be sent at all (e.g. the connection is down).
   * Each call keeps its own atomicity: a multi-command call (e.g. `setMany` with a timeout)
   * runs as its own MULTI/EXEC block, as it does on the Cache.
   */
  async exec(): Promise<PipelineResults<Results>> {
    const queued = this.#queue;
    this.#queue = [];
    if (queued.length === 0) return [] as unknown as PipelineResults<Results>;
    const built = await Promise.allSettled(queued);
    if (this.#transaction) {
      const failed = built.find((b) => b.status === 'rejected');
      if (failed) throw asError(failed.reason);
    }
    const steps: (AnyStep<unknown> | CachexError)[] = built.map((b) =>
      b.status === 'fulfilled' ? b.value : asError(b.reason),
    );
    const groups: CommandGroup[] = [];
    for (const step of steps) {
      if (isCachexError(step) || step.commands.length === 0) continue;
      groups.push({
        commands: step.commands,
        atomic: (step as Step<unknown>).transaction === true,
      });
    }
    const results =
      groups.length > 0
        ? await this.context.transport.batch(groups, { transaction: this.#transaction })
        : [];
    const first = results[0];
    if (first && !first.ok && UNSENT.has(first.error.code) && results.every((r) => !r.ok)) {
      throw first.error;
    }
    let offset = 0;
    const settled = await Promise.all(
      steps.map((step) => {
        if (isCachexError(step)) return step;
        const slice = results.slice(offset, offset + step.commands.length);
        offset += step.commands.length;
        return settle(step, slice);
      }),
    );
    return settled as PipelineResults<Results>;
  }
}

/**
 * The queued forms of every pipeline method: the Cache's arguments (type arguments included),
 * returning the pipeline with the call's result type appended.
 */
export interface PipelineMethods<Results extends unknown[] = []>
  extends StringMethods<ReturnsPipeline<Results>>,
    HashMethods<ReturnsPipeline<Results>>,
    SetMethods<ReturnsPipeline<Results>>,
    SortedSetMethods<ReturnsPipeline<Results>>,
    ListMethods<ReturnsPipeline<Results>> {}

// The methods installed from the step tables (see installCacheMethods/installPipelineMethods).
export interface Pipeline<Results extends unknown[] = []> extends PipelineMethods<Results> {}

for (const table of [stringSteps, hashSteps, setSteps, sortedSetSteps, listSteps]) {
  installPipelineMethods(Pipeline.prototype, table as unknown as Record<string, AnyBuilder>);
}

/** Creates a pipeline on a cache context (see `cache.pipeline()`). */
export function createPipeline(context: CacheContext, options?: PipelineOptions): Pipeline {
  return new Pipeline(context, options);
}
