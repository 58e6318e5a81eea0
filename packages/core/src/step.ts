import type { CacheContext } from './cache-context.js';
import { type CachexError, withErrorContext } from './errors.js';
import { toCachexError } from './translate-error.js';
import type { MaybePromise } from './types/codec.js';
import type { BatchResult, Command, Reply, Transport } from './types/transport.js';

/**
 * One cache operation as data: the command(s) it sends and how to turn the replies into the
 * method's result. The Cache runs a step at once; a pipeline queues many and runs them in one
 * round trip. Writing each operation once as a step keeps the two identical.
 */
export interface Step<T> {
  /** At least one command; replies are handed to `reduce` in the same order. */
  readonly commands: readonly Command[];
  /**
   * Run the commands as one MULTI/EXEC block (only meaningful with several commands), on the
   * Cache and inside a pipeline alike.
   */
  readonly transaction?: boolean;
  /** The user key, attached to errors for context. */
  readonly key?: string;
  reduce(replies: Reply[]): MaybePromise<T>;
}

/** A step whose result needs no round trip (e.g. an empty `getMany`). */
export interface ConstantStep<T> {
  readonly commands: readonly [];
  readonly value: T;
}

/** Either kind of step. */
export type AnyStep<T> = Step<T> | ConstantStep<T>;

/**
 * Builds a step from a cache context: how extensions (scripts, locks) add operations that run
 * on a cache (`cache.run`) or in a pipeline (`pipeline.queue`) exactly like built-in methods.
 */
export type StepBuilder<T> = (context: CacheContext) => MaybePromise<AnyStep<T>>;

/** Builds a single-command step. */
export function step<T>(
  command: Command,
  reduce: (reply: Reply) => MaybePromise<T>,
  key?: string,
): Step<T> {
  return { commands: [command], key, reduce: (replies) => reduce(replies[0] ?? null) };
}

/** Builds a step that answers without touching the server. */
export function constant<T>(value: T): ConstantStep<T> {
  return { commands: [], value };
}

// Transports translate driver errors without knowing which user key a command was for; the
// step does, so it completes the context (and the generic "not found" message) on a copy.
export function withKey(error: CachexError, key: string | undefined): CachexError {
  if (key === undefined || error.context.key !== undefined) return error;
  const message =
    error.code === 'E_KEY_NOT_FOUND' && error.message === 'Key not found'
      ? `Key ${JSON.stringify(key)} not found`
      : undefined;
  return withErrorContext(error, { key }, message);
}

/**
 * Hands a step's replies to its `reduce`, or returns the first failed command's error (with
 * the step's key) when one failed.
 */
export function repliesOf(
  s: Step<unknown>,
  results: readonly BatchResult[],
): Reply[] | CachexError {
  const replies: Reply[] = new Array(results.length);
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    if (!result.ok) return withKey(result.error, s.key);
    replies[i] = result.value;
  }
  return replies;
}

/**
 * Runs one step on a transport: one command directly, several as one batch. Never throws
 * synchronously. Written with `then` rather than `async`: this is every call's hot path, and
 * each `async` layer costs a promise and a microtask turn.
 */
export function runStep<T>(transport: Transport, s: AnyStep<T>): Promise<T> {
  try {
    if (s.commands.length === 0) return Promise.resolve((s as ConstantStep<T>).value);
    const st = s as Step<T>;
    if (st.commands.length === 1) {
      const command = st.commands[0]!;
      return transport.command(command.name, command.args, command).then(
        (reply) => st.reduce([reply]),
        (error: unknown) => {
          throw withKey(toCachexError(error, { command: command.name }), st.key);
        },
      );
    }
    return transport
      .batch([{ commands: st.commands, atomic: st.transaction === true }])
      .then((results) => {
        const replies = repliesOf(st as Step<unknown>, results);
        if (!Array.isArray(replies)) throw replies;
        return st.reduce(replies);
      });
  } catch (error) {
    return Promise.reject(error);
  }
}
