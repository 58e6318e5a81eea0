/**
 * `@cachex/scripts`: Lua scripts on a cachex cache, with django-cachex's model. Register a
 * script once per cache under a name (`registerScript`), then run it by name (`evalScript`, or
 * `scriptStep` in a pipeline). Pre hooks turn the caller's keys and args into KEYS and ARGV
 * (by default the keys are prefixed like every cache key), post hooks turn the reply into the
 * result. Scripts run by `EVALSHA`; the transports load them where the server lost them.
 *
 * @packageDocumentation
 */
export { ScriptNotRegisteredError } from './errors.js';
export type { ScriptHelpers } from './helpers.js';
export type { PostHook, PreHook, ScriptArg, ScriptCall } from './hooks.js';
export {
  decodeListOrNullPost,
  decodeListPost,
  decodeSinglePost,
  fullEncodePre,
  keysOnlyPre,
  noopPost,
} from './hooks.js';
export type { RegisteredScript, RegisterScriptOptions } from './registry.js';
export { registerScript } from './registry.js';
export type { EvalScriptOptions } from './run.js';
export { evalScript, scriptStep } from './run.js';
