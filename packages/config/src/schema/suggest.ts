import { closest, distance } from 'fastest-levenshtein';

/**
 * The candidate nearest to `given`, when it is close enough to be a typo: at most one edit for
 * short words, up to three for long ones. Compared case-insensitively, so `JSON` finds `json`.
 */
export function nearest(given: string, candidates: readonly string[]): string | undefined {
  if (given === '' || candidates.length === 0) return undefined;
  const lower = given.toLowerCase();
  const match = closest(
    lower,
    candidates.map((c) => c.toLowerCase()),
  );
  const allowed = Math.max(1, Math.min(3, Math.floor(given.length / 3)));
  if (distance(lower, match) > allowed) return undefined;
  return candidates.find((c) => c.toLowerCase() === match);
}

/** `; did you mean 'x'?` or nothing. */
export function didYouMean(given: string, candidates: readonly string[]): string {
  const match = nearest(given, candidates);
  return match === undefined ? '' : `; did you mean '${match}'?`;
}

/** Lower case without `_`, `-` or spaces: `KEY_PREFIX`, `key-prefix` and `keyPrefix` agree. */
function squash(name: string): string {
  return name.replace(/[_\-\s]/g, '').toLowerCase();
}

/**
 * The known name that `given` spells in another case convention (`key_prefix`, `KEY_PREFIX`,
 * `Max-Connections`), or `undefined`. An exact known name never gets here.
 */
export function sameNameOtherCase(given: string, known: readonly string[]): string | undefined {
  const target = squash(given);
  return known.find((name) => squash(name) === target);
}

/**
 * Quotes a value the user wrote where a name was expected (an enum value, a key), for an error
 * message: strings are quoted and shortened; other values are described by their type only, so
 * that nothing secret put in the wrong place is echoed.
 */
export function quoteName(value: unknown): string {
  if (typeof value !== 'string') return describeType(value);
  const short = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return `'${short}'`;
}

/** `a string`, `a number`, `null`, `an array`… for "got …" in messages (never the value). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
