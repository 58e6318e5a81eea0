import { InvalidKeyError } from './errors.js';

/** Default longest key accepted, in UTF-8 bytes. Redis allows far more; long keys waste memory. */
export const DEFAULT_MAX_KEY_LENGTH = 1024;

// ASCII control characters break log lines, MONITOR output and tooling that splits on them,
// and memcached-style key rules (which Django warns about) forbid them too. Spaces are allowed:
// Redis keys are binary safe and Python services may already use them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Checks one user key: a well-formed Unicode string (no lone surrogates) of at most
 * `maxLength` UTF-8 bytes without ASCII control characters. Throws {@link InvalidKeyError}.
 */
export function validateKey(
  key: unknown,
  maxLength: number = DEFAULT_MAX_KEY_LENGTH,
): asserts key is string {
  if (typeof key !== 'string') {
    throw new InvalidKeyError(
      `Cache keys must be strings, got ${key === null ? 'null' : typeof key}`,
    );
  }
  if (CONTROL_CHARS.test(key)) {
    throw new InvalidKeyError(`Cache key ${JSON.stringify(key)} contains a control character`, {
      context: { key: key.toWellFormed() },
    });
  }
  // A lone UTF-16 surrogate has no UTF-8 form: every one of them would be sent as the same
  // replacement bytes (EF BF BD), so '\ud800' and '\udfff' would share one stored key.
  if (!key.isWellFormed()) {
    throw new InvalidKeyError(
      `Cache key ${JSON.stringify(key)} is not well-formed Unicode (it has a lone surrogate)`,
      { context: { key: key.toWellFormed() } },
    );
  }
  // key.length counts UTF-16 units, at most 3 UTF-8 bytes each: only measure bytes when it matters.
  if (key.length * 3 > maxLength && Buffer.byteLength(key) > maxLength) {
    throw new InvalidKeyError(
      `Cache key is ${Buffer.byteLength(key)} bytes long; the limit is ${maxLength} (option maxKeyLength)`,
      // toWellFormed: the cut may fall inside a surrogate pair.
      { context: { key: `${key.slice(0, 64).toWellFormed()}…` } },
    );
  }
}
