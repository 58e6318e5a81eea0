import {
  type Cache,
  ConfigError,
  createScript,
  InvalidArgumentError,
  type LocalScript,
  type Script,
} from '@cachex/core';
import { ScriptNotRegisteredError } from './errors.js';
import { keysOnlyPre, noopPost, type PostHook, type PreHook } from './hooks.js';

/** Options of {@link registerScript}. */
export interface RegisterScriptOptions {
  /**
   * How many keys every call passes. A call with another number is an
   * `InvalidArgumentError`, before the pre hook runs and before anything is sent. Default: any
   * number.
   */
  numKeys?: number;
  /**
   * Turns the caller's keys and args into KEYS and ARGV. Default {@link keysOnlyPre}: keys are
   * prefixed (`${prefix}:${version}:${key}`, like every cache method), args sent as they are.
   * Use {@link fullEncodePre} to encode the args with the cache's codec.
   */
  pre?: PreHook;
  /** Turns the reply into the result. Default {@link noopPost}: the reply as it is. */
  post?: PostHook;
  /**
   * The same logic in JavaScript, run in process by transports without Lua (the memory
   * transport), atomically. Without it, calling the script on such a transport is a
   * `NotSupportedError`. Servers always run the Lua.
   */
  local?: LocalScript;
  /**
   * The script only reads: it runs with `EVALSHA_RO` (Redis 7+, Valkey), so a transport that
   * reads from replicas may send it to one, and a write inside it is refused by the server.
   * Default false.
   */
  readOnly?: boolean;
}

/** A script as registered on a cache (see {@link registerScript}). */
export interface RegisteredScript {
  /** The name calls use. */
  readonly name: string;
  /** SHA1 of the Lua source, hex: what `EVALSHA` sends. */
  readonly sha: string;
  /** The Lua source. */
  readonly lua: string;
  /** The number of keys every call must pass, when fixed. */
  readonly numKeys: number | undefined;
  /** Runs with `EVALSHA_RO`. */
  readonly readOnly: boolean;
  /** Has an in-process implementation (runs on the memory transport too). */
  readonly hasLocal: boolean;
}

/** A registration, with its hooks. */
export interface ScriptEntry {
  readonly info: RegisteredScript;
  readonly script: Script;
  readonly pre: PreHook;
  readonly post: PostHook;
}

// One registry per cache. A WeakMap, so that a cache that is dropped takes its scripts along.
const registries = new WeakMap<Cache, Map<string, ScriptEntry>>();

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  return typeof value === 'object'
    ? Array.isArray(value)
      ? 'an array'
      : 'an object'
    : String(value);
}

function invalid(name: string, field: string, expected: string, value: unknown): ConfigError {
  return new ConfigError(
    `registerScript(${JSON.stringify(name)}): ${field} must be ${expected}, got ${describe(value)}`,
    { context: { field, script: name } },
  );
}

function checkRegistration(
  cache: Cache,
  name: unknown,
  lua: unknown,
  options: unknown,
): asserts options is RegisterScriptOptions {
  if (cache === null || typeof cache !== 'object' || typeof cache.run !== 'function') {
    throw new ConfigError('registerScript needs a cache (from createCache) as first argument', {
      context: { field: 'cache' },
    });
  }
  if (typeof name !== 'string' || name.length === 0) {
    throw new ConfigError(
      `registerScript: the name must be a non-empty string, got ${describe(name)}`,
      {
        context: { field: 'name' },
      },
    );
  }
  if (typeof lua !== 'string' || lua.trim().length === 0) {
    throw invalid(name, 'lua', 'the Lua source (a non-empty string)', lua);
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalid(name, 'options', 'an object', options);
  }
  const o = options as Record<string, unknown>;
  if (o.numKeys !== undefined && !(Number.isSafeInteger(o.numKeys) && (o.numKeys as number) >= 0)) {
    throw invalid(name, 'numKeys', 'a non-negative integer', o.numKeys);
  }
  for (const field of ['pre', 'post', 'local'] as const) {
    if (o[field] !== undefined && typeof o[field] !== 'function') {
      throw invalid(name, field, 'a function', o[field]);
    }
  }
  if (o.readOnly !== undefined && typeof o.readOnly !== 'boolean') {
    throw invalid(name, 'readOnly', 'a boolean', o.readOnly);
  }
}

/**
 * Registers a Lua script on `cache` under `name`, for {@link evalScript} and
 * {@link scriptStep}. Its SHA1 is computed here, once: calls run it with `EVALSHA` (never
 * `EVAL`), and the transport loads it on the node that answers `NOSCRIPT` (after a
 * `SCRIPT FLUSH`, a restart or a failover) and retries.
 *
 * Registering a name again with the same source replaces its options (hooks, `numKeys`…);
 * with another source it is a `ConfigError`, so that two modules cannot silently run each
 * other's script under one name. Invalid options are a `ConfigError` too.
 *
 * @example
 * ```ts
 * registerScript(cache, 'rate_limit', `
 *   local n = redis.call('INCR', KEYS[1])
 *   if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
 *   return n`, { numKeys: 1 });
 * const hits = await evalScript<number>(cache, 'rate_limit', { keys: ['ip:1.2.3.4'], args: [60] });
 * ```
 */
export function registerScript(
  cache: Cache,
  name: string,
  lua: string,
  options: RegisterScriptOptions = {},
): RegisteredScript {
  checkRegistration(cache, name, lua, options);
  let registry = registries.get(cache);
  if (registry === undefined) {
    registry = new Map();
    registries.set(cache, registry);
  }
  const existing = registry.get(name);
  if (existing !== undefined && existing.info.lua !== lua) {
    throw new ConfigError(
      `A script named ${JSON.stringify(name)} is already registered on this cache with another source (sha1 ${existing.info.sha}); pick another name for this one`,
      { context: { field: 'name', script: name } },
    );
  }
  const script = createScript(lua, options.local ? { local: options.local } : {});
  const info: RegisteredScript = Object.freeze({
    name,
    sha: script.sha,
    lua,
    numKeys: options.numKeys,
    readOnly: options.readOnly === true,
    hasLocal: options.local !== undefined,
  });
  registry.set(name, {
    info,
    script,
    pre: options.pre ?? keysOnlyPre,
    post: options.post ?? noopPost,
  });
  return info;
}

const LISTED = 20;

/**
 * The registration of `name` on `cache`, or a {@link ScriptNotRegisteredError} naming the
 * scripts that are registered.
 */
export function lookupScript(cache: Cache, name: string): ScriptEntry {
  if (typeof name !== 'string') {
    throw new InvalidArgumentError(`The script name must be a string, got ${describe(name)}`, {
      context: { script: String(name) },
    });
  }
  const registry = registries.get(cache);
  const entry = registry?.get(name);
  if (entry !== undefined) return entry;
  const registered = [...(registry?.keys() ?? [])].sort();
  const shown = registered.slice(0, LISTED).map((n) => JSON.stringify(n));
  if (registered.length > LISTED) shown.push(`and ${registered.length - LISTED} more`);
  const known =
    registered.length === 0 ? 'none is registered yet' : `registered: ${shown.join(', ')}`;
  throw new ScriptNotRegisteredError(
    `No script named ${JSON.stringify(name)} is registered on this cache (${known}). Register it with registerScript(cache, name, lua) first; nothing was sent.`,
    { context: { script: name, registered } },
  );
}
