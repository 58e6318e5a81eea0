import { InvalidArgumentError } from '@cachex/core';

/**
 * Option checks shared by the middlewares and the session store. Each throws an
 * `InvalidArgumentError` whose message starts with the factory's name and names the option,
 * with the option's name in `context.option`.
 */

/** An `InvalidArgumentError` about `option` of `factory`. */
export function invalid(factory: string, option: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError(`${factory}: ${option} ${message}`, { context: { option } });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** The options object itself (an object, not a number or null). */
export function checkOptionsObject(factory: string, options: unknown): Record<string, unknown> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(
      `${factory}: options must be an object such as { cache, … }, got ${describe(options)}`,
      { context: { option: 'options' } },
    );
  }
  return options as Record<string, unknown>;
}

/** `cache` must look like a cachex Cache: an object with the methods this factory calls. */
export function checkCache(factory: string, cache: unknown, methods: readonly string[]): void {
  const missing =
    typeof cache !== 'object' || cache === null
      ? methods
      : methods.filter((m) => typeof (cache as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) {
    throw invalid(
      factory,
      'cache',
      `must be a cachex Cache (from createCache), got ${describe(cache)}${
        typeof cache === 'object' && cache !== null ? ` without ${missing.join(', ')}` : ''
      }`,
    );
  }
}

/** A finite number > 0 (an integer when `integer`), or `undefined` when optional and absent. */
export function checkPositive(
  factory: string,
  option: string,
  value: unknown,
  { integer = false, unit = '' }: { integer?: boolean; unit?: string } = {},
): void {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value > 0 &&
    (!integer || Number.isSafeInteger(value));
  if (!ok) {
    const what = integer ? 'a positive integer' : 'a positive number';
    throw invalid(
      factory,
      option,
      `must be ${what}${unit ? ` of ${unit}` : ''}, got ${describe(value)}`,
    );
  }
}

/** A function, or absent. */
export function checkOptionalFunction(factory: string, option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw invalid(factory, option, `must be a function, got ${describe(value)}`);
  }
}

/** A string (non-empty unless `allowEmpty`), or absent. */
export function checkOptionalString(
  factory: string,
  option: string,
  value: unknown,
  { allowEmpty = false }: { allowEmpty?: boolean } = {},
): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    throw invalid(
      factory,
      option,
      `must be a${allowEmpty ? '' : ' non-empty'} string, got ${describe(value)}`,
    );
  }
}

/** A boolean, or absent. */
export function checkOptionalBoolean(factory: string, option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw invalid(factory, option, `must be a boolean, got ${describe(value)}`);
  }
}

/** An HTTP status code (an integer from 100 to 599). */
export function isStatusCode(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599;
}

/** Option names the factory does not know are refused (a typo would otherwise go unnoticed). */
export function checkKnownOptions(
  factory: string,
  options: Record<string, unknown>,
  known: readonly string[],
): void {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw invalid(factory, name, `is not an option (known: ${known.join(', ')})`);
    }
  }
}
