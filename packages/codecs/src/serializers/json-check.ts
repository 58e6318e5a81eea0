/**
 * The JSON serializer's value check: one walk, before `JSON.stringify`, that refuses whatever
 * `JSON.stringify` would silently change or drop (a Buffer written through its toJSON, a Map or
 * RegExp as `{}`, a function property left out, `NaN` as `null`…) and reports where it is. It also
 * says whether `JSON.stringify` may write the value as it is, or the slower writer must (Dates in
 * Django's form, toJSON, `-0`, integral numbers beyond the safe range); plain data, the common
 * case, goes to `JSON.stringify` without a replacer.
 *
 * The walk allocates nothing for accepted values: no path, no list of visited objects (cycles are
 * caught by the depth limit, then located), no key arrays (`for…in`).
 */
import {
  depthRefusal,
  isBinary,
  MAX_DEPTH,
  plainChildren,
  Refusal,
  TOO_DEEP,
  unsupportedObject,
  withPath,
} from './refusal.js';

/** The check's result: `JSON.stringify` writes the value as it is. */
export const PLAIN = 0;
/** The check's result: the value needs the JSON writer (json-writer.ts). */
const NEEDS_WRITER = 1;

const TWO_POW_53 = 2 ** 53;

const BIGINT =
  'JSON cannot represent a BigInt inside a value; store it as a string, or use the msgpack or v8 serializer';
const UNDEFINED_ITEM =
  'JSON cannot represent undefined in an array (JSON.stringify would write null); store null instead';
const ARRAY_HOLE =
  'JSON cannot represent an array hole (JSON.stringify would write null); store null instead';

/**
 * Checks `value` (nested `depth` levels down from what the caller checks) and returns
 * {@link PLAIN} or {@link NEEDS_WRITER}. Throws a {@link Refusal} naming the path.
 */
export function checkJson(value: unknown, depth = 0): number {
  if (value === undefined) throw new Refusal('JSON cannot represent undefined; store null instead');
  try {
    return checkValue(value, depth);
  } catch (error) {
    if (error === TOO_DEEP) throw depthRefusal('JSON', value, jsonChildren);
    throw error;
  }
}

/** What the walk descends into: plain objects and arrays without a toJSON. */
function jsonChildren(value: object): Iterable<[string, unknown]> | undefined {
  return hasToJson(value) ? undefined : plainChildren(value);
}

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function checkValue(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return PLAIN;
    case 'number':
      return checkNumber(value);
    case 'object':
      return value === null ? PLAIN : checkObject(value, depth);
    case 'bigint':
      throw new Refusal(BIGINT);
    case 'undefined':
      throw new Refusal(UNDEFINED_ITEM);
    default:
      throw new Refusal(`JSON cannot represent a ${typeof value}`);
  }
}

function checkNumber(value: number): number {
  // NaN and ±Infinity: JSON.stringify writes null.
  if (value - value !== 0) throw new Refusal(`JSON cannot represent ${value}`);
  if (value === 0) return 1 / value < 0 ? NEEDS_WRITER : PLAIN; // -0 → "-0.0"
  // Integral beyond the safe range and below 1e21 (from there on it has an exponent): bare
  // digits, which a reader would take for integer text, so the writer adds ".0".
  return (value >= TWO_POW_53 || value <= -TWO_POW_53) && value < 1e21 && value > -1e21
    ? NEEDS_WRITER
    : PLAIN;
}

function checkObject(value: object, depth: number): number {
  if (depth >= MAX_DEPTH) throw TOO_DEEP;
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    return hasToJson(value)
      ? NEEDS_WRITER
      : checkRecord(value as Record<string, unknown>, depth + 1);
  }
  if (proto === Array.prototype) {
    return hasToJson(value) ? NEEDS_WRITER : checkArray(value as unknown[], depth + 1);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Refusal('JSON cannot represent an invalid Date');
    return NEEDS_WRITER;
  }
  // JSON's own protocol: the class says how it is written (a URL as its href…). Buffer's toJSON
  // ({type: 'Buffer', data: [...]}) does not read back as a Buffer, so binary data is refused.
  if (hasToJson(value) && !isBinary(value)) return NEEDS_WRITER;
  throw unsupportedObject('JSON', value);
}

function checkRecord(record: Record<string, unknown>, depth: number): number {
  let flags = PLAIN;
  let key = '';
  // One try per container, not per member: the path is only built when something is refused.
  try {
    for (key in record) {
      const item = record[key];
      if (typeof item === 'string' || typeof item === 'boolean' || item === null) continue;
      if (typeof item === 'number') flags |= checkNumber(item);
      else if (typeof item === 'object') flags |= checkObject(item, depth);
      // An undefined property is left out, as JSON.stringify does.
      else if (item !== undefined) flags |= checkValue(item, depth);
    }
  } catch (error) {
    throw withPath(error, key);
  }
  return flags;
}

function checkArray(items: readonly unknown[], depth: number): number {
  let flags = PLAIN;
  let i = 0;
  try {
    for (; i < items.length; i++) {
      const item = items[i];
      if (typeof item === 'string' || typeof item === 'boolean' || item === null) continue;
      if (typeof item === 'number') flags |= checkNumber(item);
      else if (typeof item === 'object') flags |= checkObject(item, depth);
      else if (item === undefined) throw new Refusal(i in items ? UNDEFINED_ITEM : ARRAY_HOLE);
      else flags |= checkValue(item, depth);
    }
  } catch (error) {
    throw withPath(error, String(i));
  }
  return flags;
}
