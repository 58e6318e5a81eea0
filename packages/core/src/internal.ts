/**
 * `@cachex/core/internal`: the building blocks cachex's own packages share (step builders and
 * installers, the cache context, error translation, the optional-package loader). Not part of
 * the public API: it may change in any release without notice. Applications import from
 * `@cachex/core`; transport and extension authors may use this entry, pinned to one version.
 *
 * @packageDocumentation
 */
export type { CacheContext, CacheContextOptions } from './cache-context.js';
export { checkVersion, createCacheContext } from './cache-context.js';
export {
  decodeArray,
  decodeOrUndefined,
  encodeAll,
  encodeMembers,
  thenMaybe,
} from './commands/encoding.js';
export { checkOptions, flag } from './commands/flags.js';
export { withErrorContext } from './errors.js';
export { forwardExtraMethods } from './forward-methods.js';
export type { AnyBuilder } from './methods/install.js';
export { installCacheMethods, installPipelineMethods } from './methods/install.js';
export type { StepTable } from './methods/types.js';
export type { OptionalLoader } from './optional.js';
export { createOptionalLoader } from './optional.js';
export { scriptCommand } from './script.js';
export type { AnyStep, ConstantStep, Step, StepBuilder } from './step.js';
export { constant, repliesOf, runStep, step, withKey } from './step.js';
export type { Expiry } from './timeout.js';
export { checkDuration, MAX_TIMEOUT_MS, MAX_TIMEOUT_SECONDS, resolveExpiry } from './timeout.js';
export { isCertificateFailure, toCachexError } from './translate-error.js';
