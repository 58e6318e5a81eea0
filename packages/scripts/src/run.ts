import {
  type Cache,
  InvalidArgumentError,
  NotSupportedError,
  type RedisArg,
  type StepBuilder,
} from '@cachex/core';
import {
  type CacheContext,
  checkOptions,
  checkVersion,
  type Step,
  scriptCommand,
  step,
  thenMaybe,
} from '@cachex/core/internal';
import { createHelpers } from './helpers.js';
import { type ScriptCall, toRedisArgs } from './hooks.js';
import { lookupScript, type ScriptEntry } from './registry.js';

/** Options of {@link evalScript} and {@link scriptStep}. */
export interface EvalScriptOptions {
  /** User keys (KEYS, once the pre hook has prefixed them). Default none. */
  keys?: readonly string[];
  /**
   * ARGV, before the pre hook: strings and numbers for the default {@link keysOnlyPre}, any
   * value the codec can encode for {@link fullEncodePre}. Default none.
   */
  args?: readonly unknown[];
  /** The key version for this call (default: the cache's, or the pipeline's). */
  version?: number;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function arrayOption(options: EvalScriptOptions, field: 'keys' | 'args', script: string) {
  const value = options[field];
  if (value === undefined) return [];
  if (Array.isArray(value)) return value as readonly unknown[];
  throw new InvalidArgumentError(
    `Script ${JSON.stringify(script)}: ${field} must be an array, got ${describe(value)}`,
    { context: { script, option: field } },
  );
}

function checkCall(call: unknown, script: string): { keys: RedisArg[]; args: RedisArg[] } {
  const c = call as Partial<ScriptCall> | null | undefined;
  if (c === null || typeof c !== 'object' || !Array.isArray(c.keys) || !Array.isArray(c.args)) {
    throw new InvalidArgumentError(
      `The pre hook of script ${JSON.stringify(script)} must return { keys, args } (two arrays)`,
      { context: { script } },
    );
  }
  const keys = c.keys.map((key, i): RedisArg => {
    if (typeof key === 'string' || Buffer.isBuffer(key)) return key;
    if (key instanceof Uint8Array) return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
    throw new InvalidArgumentError(
      `KEYS[${i + 1}] of script ${JSON.stringify(script)} is ${describe(key)}: keys are strings or bytes`,
      { context: { script } },
    );
  });
  return { keys, args: toRedisArgs(c.args, script) };
}

function buildStep<T>(
  entry: ScriptEntry,
  options: EvalScriptOptions,
  context: CacheContext,
): Step<T> | Promise<Step<T>> {
  const { name, numKeys, readOnly } = entry.info;
  const keys = arrayOption(options, 'keys', name) as readonly string[];
  const args = arrayOption(options, 'args', name);
  if (numKeys !== undefined && keys.length !== numKeys) {
    throw new InvalidArgumentError(
      `Script ${JSON.stringify(name)} takes ${numKeys} key${numKeys === 1 ? '' : 's'} (numKeys), got ${keys.length}; nothing was sent`,
      { context: { script: name, numKeys, keys: keys.length } },
    );
  }
  const { transport } = context;
  if (!transport.capabilities.scripts && entry.script.local === undefined) {
    throw new NotSupportedError(
      `Script ${JSON.stringify(name)} cannot run on the ${transport.name} transport, which has no Lua engine: give registerScript a \`local\` implementation (the same logic in JavaScript) to run it there`,
      { context: { script: name, transport: transport.name } },
    );
  }
  const version = options.version === undefined ? context.version : checkVersion(options.version);
  const helpers = createHelpers(context, version, name);
  const userKey = keys.length === 1 ? keys[0] : undefined;
  return thenMaybe(entry.pre(helpers, keys, args), (call) => {
    const sent = checkCall(call, name);
    return step<T>(
      scriptCommand(entry.script, sent.keys, sent.args, readOnly),
      (reply) => entry.post(helpers, reply) as T | Promise<T>,
      userKey,
    );
  });
}

/**
 * The call of a registered script as a step: queue it on a pipeline of `cache`
 * (`pipeline.queue(scriptStep(cache, name, options))`) to run the script in the pipeline's
 * round trip (or transaction), its post hook applied to its slot; `cache.run(…)` runs it
 * alone. The script is looked up when the step is built, so an unknown name fills the slot
 * with a `ScriptNotRegisteredError` (and rejects `exec()` in a transaction); nothing is sent
 * for it. Keys are made with the pipeline's version unless `version` is given.
 *
 * `T` is the type of the post hook's result (not checked at run time).
 *
 * @example
 * ```ts
 * const [n, user] = await cache
 *   .pipeline()
 *   .queue(scriptStep<number>(cache, 'rate_limit', { keys: ['ip:1.2.3.4'], args: [60] }))
 *   .get<User>('user:42')
 *   .exec();
 * ```
 */
export function scriptStep<T = unknown>(
  cache: Cache,
  name: string,
  options: EvalScriptOptions = {},
): StepBuilder<T> {
  return (context) => {
    const entry = lookupScript(cache, name);
    checkOptions(options, 'evalScript', 'pass { keys, args, version }');
    return buildStep<T>(entry, options, context);
  };
}

/**
 * Runs a script registered on `cache` (see {@link registerScript}) and resolves its post
 * hook's result. The pre hook turns `keys` and `args` into KEYS and ARGV (by default the keys
 * are prefixed, the args sent as they are); the script runs by `EVALSHA` with the SHA1
 * computed at registration, and the transport loads it where the server answers `NOSCRIPT`.
 *
 * Checked before anything is sent: the name (`ScriptNotRegisteredError`), the number of keys
 * against `numKeys` and the options (`InvalidArgumentError`), the transport (a script without
 * `local` on the memory transport is a `NotSupportedError`) and, on a cluster, that the keys
 * share a hash slot (`CrossSlotError`). Errors the script raises on the server reject with a
 * `CommandError`.
 *
 * `T` is the type of the post hook's result (not checked at run time).
 *
 * @example
 * ```ts
 * registerScript(cache, 'bump', "return redis.call('INCRBY', KEYS[1], ARGV[1])", { numKeys: 1 });
 * await evalScript<number>(cache, 'bump', { keys: ['hits'], args: [10] }); // → 10
 * ```
 */
export function evalScript<T = unknown>(
  cache: Cache,
  name: string,
  options: EvalScriptOptions = {},
): Promise<T> {
  if (cache === null || typeof cache !== 'object' || typeof cache.run !== 'function') {
    return Promise.reject(
      new InvalidArgumentError('evalScript needs a cache (from createCache) as first argument'),
    );
  }
  return cache.run(scriptStep<T>(cache, name, options));
}
