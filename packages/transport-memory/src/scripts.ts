import { createHash } from 'node:crypto';
import { NotSupportedError, type RedisArg, type Reply } from '@cachex/core';
import { bytesOf, integerOf, keyOf, ok, optionOf, textOf } from './commands/args.js';
import type { CommandTable } from './commands/types.js';
import type { MemoryStore } from './memory-store.js';
import { fail } from './reply-error.js';

/** What an in-process script implementation receives (see {@link MemoryStore.defineScript}). */
export interface ScriptContext {
  /** KEYS, as strings. */
  readonly keys: string[];
  /** ARGV, as bytes. */
  readonly args: Buffer[];
  /** The store the script runs on. */
  readonly store: MemoryStore;
  /**
   * Runs one command, like `redis.call` in Lua: returns its reply or throws its error reply.
   * Calls made here are part of the script's atomic run.
   */
  call(name: string, ...args: RedisArg[]): Reply;
}

/**
 * An in-process stand-in for a Lua script. It runs synchronously, so nothing else touches the
 * store until it returns: the same atomicity as a script on a server. It returns the reply the
 * Lua script would (integers as numbers, bulk strings as Buffers, nil as null, arrays).
 */
export type ScriptImplementation = (context: ScriptContext) => Reply;

/** The SHA1 hex digest of a script's source, as EVALSHA and SCRIPT LOAD use. */
export function scriptSha1(source: string | Buffer): string {
  return createHash('sha1').update(source).digest('hex');
}

function notSupported(sha: string): never {
  throw new NotSupportedError(
    `The memory transport cannot run Lua; register an in-process implementation of this script with transport.defineScript(source, impl) (script sha1 ${sha}).`,
    { context: { sha } },
  );
}

/** EVAL, EVALSHA and SCRIPT, answered from the registered implementations. */
export function scriptCommands(
  store: MemoryStore,
  scripts: ReadonlyMap<string, ScriptImplementation>,
): CommandTable {
  const run = (sha: string, args: readonly RedisArg[]): Reply => {
    const numkeys = integerOf(args[1]!);
    if (numkeys < 0) fail("ERR Number of keys can't be negative");
    if (numkeys > args.length - 2) fail("ERR Number of keys can't be greater than number of args");
    const impl = scripts.get(sha) ?? notSupported(sha);
    return store.atomic(() =>
      impl({
        keys: args.slice(2, 2 + numkeys).map(keyOf),
        args: args.slice(2 + numkeys).map(bytesOf),
        store,
        call: (name, ...callArgs) => store.call(name, callArgs),
      }),
    );
  };
  const evalSource = (_db: unknown, args: readonly RedisArg[]) =>
    run(scriptSha1(Buffer.isBuffer(args[0]) ? args[0] : textOf(args[0]!)), args);
  const evalSha = (_db: unknown, args: readonly RedisArg[]) =>
    run(textOf(args[0]!).toLowerCase(), args);
  return {
    EVAL: { arity: -3, run: evalSource },
    EVAL_RO: { arity: -3, run: evalSource },
    EVALSHA: { arity: -3, run: evalSha },
    EVALSHA_RO: { arity: -3, run: evalSha },
    SCRIPT: {
      arity: -2,
      run: (_db, args) => {
        const sub = optionOf(args[0]!);
        if (sub === 'EXISTS') {
          return args.slice(1).map((sha) => (scripts.has(textOf(sha).toLowerCase()) ? 1 : 0));
        }
        // Registered implementations are code, not a cache: flushing keeps them.
        if (sub === 'FLUSH') return ok();
        if (sub === 'LOAD' && args.length === 2) {
          const sha = scriptSha1(Buffer.isBuffer(args[1]) ? args[1] : textOf(args[1]!));
          return scripts.has(sha) ? Buffer.from(sha) : notSupported(sha);
        }
        return notSupported('-');
      },
    },
  };
}
