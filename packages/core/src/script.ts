import { createHash } from 'node:crypto';
import { ALL_KEYS, type KeySpec, NO_KEYS } from './key-spec.js';
import type { Command, RedisArg, Reply } from './types/transport.js';

/** What an in-process script implementation receives (see {@link Script.local}). */
export interface LocalScriptContext {
  /** KEYS, as strings. */
  readonly keys: string[];
  /** ARGV, as bytes. */
  readonly args: Buffer[];
  /**
   * Runs one command, like `redis.call` in Lua: returns its reply or throws its error reply.
   * Calls made here are part of the script's atomic run.
   */
  call(name: string, ...args: RedisArg[]): Reply;
}

/**
 * An in-process stand-in for a Lua script, for transports without a Lua engine (memory). It
 * runs synchronously, so nothing else touches the data until it returns: the same atomicity as
 * a script on a server. It returns what the Lua script would (integers as numbers, bulk strings
 * as Buffers, nil as null, arrays).
 */
export type LocalScript = (context: LocalScriptContext) => Reply;

/**
 * A Lua script as transports run it: by its SHA1 (EVALSHA), loading it (SCRIPT LOAD) on the
 * node that answered NOSCRIPT and retrying once. Make one with {@link createScript}.
 */
export interface Script {
  /** SHA1 of `lua`, hex, as EVALSHA and SCRIPT LOAD use it. */
  readonly sha: string;
  readonly lua: string;
  /** The same logic in process, for transports that cannot run Lua (the memory transport). */
  readonly local?: LocalScript;
}

/**
 * A {@link Script} from its Lua source (the SHA1 is computed here, once), with an optional
 * in-process implementation so that it also runs on the memory transport.
 *
 * @example
 * ```ts
 * const bump = createScript("return redis.call('INCRBY', KEYS[1], ARGV[1])", {
 *   local: ({ keys, args, call }) => call('INCRBY', keys[0]!, args[0]!),
 * });
 * ```
 */
export function createScript(lua: string, options: { local?: LocalScript } = {}): Script {
  const sha = createHash('sha1').update(lua).digest('hex');
  return Object.freeze({ sha, lua, ...(options.local ? { local: options.local } : {}) });
}

/** The key spec of `EVALSHA sha numkeys key… arg…` with `keyCount` keys. */
function scriptKeys(keyCount: number): KeySpec {
  if (keyCount === 0) return NO_KEYS;
  return keyCount === 1
    ? { first: 2, last: 2, step: 1 }
    : { ...ALL_KEYS, first: 2, last: 1 + keyCount };
}

/**
 * The command that runs `script` with `keys` and `args`: EVALSHA, or EVALSHA_RO for a script
 * that only reads (it may then run on a replica). It carries the script, so the transport can
 * load it where it was missing.
 */
export function scriptCommand(
  script: Script,
  keys: readonly RedisArg[],
  args: readonly RedisArg[],
  read = false,
): Command {
  return {
    name: read ? 'EVALSHA_RO' : 'EVALSHA',
    args: [script.sha, keys.length, ...keys, ...args],
    keys: scriptKeys(keys.length),
    script,
    ...(read ? { read: true } : {}),
  };
}
