import { InvalidArgumentError } from '../errors.js';

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/**
 * Reads a boolean option (`nx`, `xx`, `withScores`…): `undefined` is false; anything but a
 * boolean is an {@link InvalidArgumentError}, so `{ nx: 1 }` or `{ nx: 'false' }` never passes
 * silently as a different command than the caller meant.
 */
export function flag(
  options: object | undefined,
  name: string,
  method: string,
  key?: string,
): boolean {
  const value = (options as Record<string, unknown> | undefined)?.[name];
  if (value === undefined || value === false) return false;
  if (value === true) return true;
  throw new InvalidArgumentError(`${method}: ${name} must be a boolean, got ${describe(value)}`, {
    context: key === undefined ? {} : { key },
  });
}

/**
 * Checks that an options argument is an object (or absent). A bare number or string there is
 * a call written for another library's signature, e.g. `set(key, value, 60)` meant as a
 * timeout: refusing it beats silently ignoring it.
 */
export function checkOptions<O extends object>(
  options: O | undefined,
  method: string,
  hint: string,
  key?: string,
): O | undefined {
  if (options === undefined || (typeof options === 'object' && options !== null)) return options;
  throw new InvalidArgumentError(
    `${method}: options must be an object, got ${describe(options)}${hint ? ` (${hint})` : ''}`,
    { context: key === undefined ? {} : { key } },
  );
}

/**
 * The keys of a multi-key call as an array: any iterable of keys (an array, a Set, a
 * generator). Anything else, a string included (iterable, but as one-character keys surely a
 * mistake), is an {@link InvalidArgumentError} naming the method, not a `TypeError` from
 * spreading it.
 */
export function keyList(keys: unknown, method: string): unknown[] {
  if (typeof keys === 'object' && keys !== null && Symbol.iterator in keys) {
    return [...(keys as Iterable<unknown>)];
  }
  throw new InvalidArgumentError(
    `${method}: keys must be an array (or another iterable) of keys, got ${describe(keys)}`,
  );
}
