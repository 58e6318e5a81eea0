/**
 * The JSON writer for values `JSON.stringify` would not write as Django and this package read
 * them: Dates in `DjangoJSONEncoder`'s form, `-0` as `-0.0`, integral numbers beyond the safe range
 * with a `.0`, and toJSON results (checked like any value). Keys keep their order; output is
 * compact like `JSON.stringify`. Only used when the check (json-check.ts) asked for it: plain data
 * takes `JSON.stringify`, which is faster.
 */
import { checkJson, PLAIN } from './json-check.js';
import { MAX_DEPTH, Refusal, withPath } from './refusal.js';

const TWO_POW_53 = 2 ** 53;

/** The JSON text of a value `checkJson` accepted. */
export function writeJson(value: unknown): string {
  return writeValue(value, '', 0) as string;
}

function writeValue(value: unknown, key: string, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return writeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return undefined;
    default:
      return value === null ? 'null' : writeObject(value as object, key, depth);
  }
}

/** Numbers `checkJson` accepted (finite). */
export function writeNumber(value: number): string {
  if (value === 0) return 1 / value < 0 ? '-0.0' : '0';
  const text = String(value);
  // Bare digits would be read as integer text (a BigInt here, an int in Python): keep it a float.
  return (value >= TWO_POW_53 || value <= -TWO_POW_53) && value < 1e21 && value > -1e21
    ? `${text}.0`
    : text;
}

function writeObject(value: object, key: string, depth: number): string {
  if (depth >= MAX_DEPTH) {
    // Only reachable through toJSON results that keep nesting (the value itself was checked).
    throw new Refusal(`JSON cannot represent values nested more than ${MAX_DEPTH} levels deep`);
  }
  if (value instanceof Date) return JSON.stringify(djangoDate(value));
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return writeToJsonResult(toJSON.call(value, key), key, depth);
  return Array.isArray(value)
    ? writeArray(value, depth + 1)
    : writeRecord(value as Record<string, unknown>, depth + 1);
}

function writeToJsonResult(result: unknown, key: string, depth: number): string {
  if (result === undefined) {
    throw new Refusal('JSON cannot represent a value whose toJSON() returned undefined');
  }
  // The result is new data: check it like the value itself.
  const flags = checkJson(result, depth + 1);
  return flags === PLAIN ? JSON.stringify(result) : (writeValue(result, key, depth + 1) as string);
}

function writeArray(items: readonly unknown[], depth: number): string {
  let text = '[';
  let i = 0;
  try {
    for (; i < items.length; i++) {
      if (i > 0) text += ',';
      text += writeValue(items[i], String(i), depth) ?? 'null';
    }
  } catch (error) {
    throw withPath(error, String(i));
  }
  return `${text}]`;
}

function writeRecord(record: Record<string, unknown>, depth: number): string {
  let text = '{';
  let first = true;
  let key = '';
  try {
    for (key in record) {
      const item = writeValue(record[key], key, depth);
      if (item === undefined) continue;
      text += first ? quotedKey(key) : `,${quotedKey(key)}`;
      text += item;
      first = false;
    }
  } catch (error) {
    throw withPath(error, key);
  }
  return `${text}}`;
}

/**
 * `"key":` for a property name. Cached values repeat the same few property names over and over;
 * the cache is bounded and simply starts over when full, so values with unbounded key sets (ids
 * as keys) cannot grow it.
 */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 4096;

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (quotedKeys.size >= MAX_QUOTED_KEYS) quotedKeys.clear();
    quotedKeys.set(key, quoted);
  }
  return quoted;
}

/**
 * Django's DjangoJSONEncoder writes an aware UTC datetime as ISO 8601 with milliseconds and a `Z`,
 * and leaves the fraction out when it is zero; the same text keeps both sides' bytes equal.
 */
function djangoDate(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
