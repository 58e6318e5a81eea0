import { CachexError, type CachexErrorOptions } from '@cachex/core';

/**
 * `evalScript` (or `scriptStep`) named a script that is not registered on this cache. Nothing
 * was sent. `context.script` is the name asked for and `context.registered` the names known,
 * which the message lists too. Code `E_SCRIPT_NOT_REGISTERED`, like django-cachex's
 * `ScriptNotRegisteredError`: a missing registration is a setup mistake (an import order, a
 * typo), worth telling apart from a bad argument value.
 *
 * @example
 * ```ts
 * try {
 *   await evalScript(cache, 'rate_limit', { keys: ['ip:1'] });
 * } catch (err) {
 *   if (isCachexError(err) && err.code === 'E_SCRIPT_NOT_REGISTERED') console.error(err.context.registered);
 * }
 * ```
 */
export class ScriptNotRegisteredError extends CachexError {
  constructor(message: string, options?: CachexErrorOptions) {
    super('E_SCRIPT_NOT_REGISTERED', message, options);
  }
}
