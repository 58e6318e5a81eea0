/**
 * What the serializers' value checks share: the error that says why a value cannot be written and
 * where, the nesting limit, and the descriptions of unsupported objects. A check walks the value
 * before it is serialized, so a value is either written whole, as it is, or refused: nothing is
 * stored that would read back as something else.
 */
import { EncodeError } from '@cachex/core';
import { errorMessage } from '../error-message.js';

/** The typed arrays of one-byte elements (their bytes read the same on every platform). */
export const BYTE_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray] as const;

/** The typed arrays of multi-byte elements (their bytes are in the platform's byte order). */
export const MULTI_BYTE_ARRAYS = [
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

/** The serializers' names in messages. */
export type FormatLabel = 'JSON' | 'MessagePack' | 'V8';

/**
 * Why a value cannot be written. `path` holds the property names and indices from the root to
 * the offending value; containers add theirs while the error unwinds, so the walk itself keeps no
 * path (that would cost an allocation per member on every write).
 */
export class Refusal extends Error {
  readonly path: string[] = [];
}

/** Adds `segment` in front of a refusal's path on the way up; other errors pass unchanged. */
export function withPath(error: unknown, segment: string): unknown {
  if (error instanceof Refusal) error.path.unshift(segment);
  return error;
}

/**
 * Deepest nesting written. Python's `json` module cannot read much deeper either (its recursion
 * limit is 1000), and the limit doubles as cycle detection: a walk only starts tracking the
 * objects it has seen once it goes this deep, so acyclic values pay nothing for it.
 */
export const MAX_DEPTH = 1000;

/** Thrown by a walk that went deeper than {@link MAX_DEPTH}; the caller works out why. */
export const TOO_DEEP: unique symbol = Symbol('cachex.codecs.tooDeep');

/** Turns a refusal (or anything a serializer threw) into the `EncodeError` users see. */
export function toEncodeError(error: unknown, format: FormatLabel): EncodeError {
  if (error instanceof Refusal) {
    return new EncodeError(`${error.message}${describePath(error.path)}`);
  }
  // A throwing getter or toJSON(), or a structure too deep for the stack.
  return new EncodeError(`${format} serialization failed: ${errorMessage(error)}`, {
    cause: error,
  });
}

function describePath(path: readonly string[]): string {
  if (path.length === 0) return '';
  // A path into a value nested a thousand levels deep is no use in a message.
  const shown = path.length > 12 ? `${path.slice(0, 10).join('.')}.…` : path.join('.');
  return ` (at ${shown})`;
}

/**
 * The containers a walk descends into, as `[segment, child]` pairs (`undefined` for leaves), for
 * {@link depthRefusal}.
 */
export type Children = (value: object) => Iterable<[string, unknown]> | undefined;

/** Children of plain objects and plain arrays: what the JSON and MessagePack walks descend into. */
export function plainChildren(value: object): Iterable<[string, unknown]> | undefined {
  const proto = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    return (value as unknown[]).map((item, i): [string, unknown] => [String(i), item]);
  }
  if (proto === Object.prototype || proto === null) {
    return Object.entries(value);
  }
  return undefined;
}

/**
 * After a walk went deeper than {@link MAX_DEPTH}: a refusal saying whether the value is cyclic
 * (with the path to where it refers back to an ancestor) or only too deep.
 */
export function depthRefusal(format: FormatLabel, root: unknown, children: Children): Refusal {
  const path: string[] = [];
  const ancestors = new Set<object>();
  const find = (value: unknown): 'cycle' | 'deep' | undefined => {
    if (typeof value !== 'object' || value === null) return undefined;
    if (ancestors.has(value)) return 'cycle';
    if (ancestors.size >= MAX_DEPTH) return 'deep';
    const entries = children(value);
    if (entries === undefined) return undefined;
    ancestors.add(value);
    for (const [segment, child] of entries) {
      path.push(segment);
      const found = find(child);
      if (found !== undefined) return found;
      path.pop();
    }
    ancestors.delete(value);
    return undefined;
  };
  const found = find(root);
  const refusal = new Refusal(
    found === 'cycle'
      ? `${format} cannot represent a cyclic structure`
      : `${format} cannot represent values nested more than ${MAX_DEPTH} levels deep`,
  );
  refusal.path.push(...path);
  return refusal;
}

/** Known kinds of objects by prototype, for messages. */
const KINDS = new Map<object, string>([
  [Map.prototype, 'a Map'],
  [Set.prototype, 'a Set'],
  [WeakMap.prototype, 'a WeakMap'],
  [WeakSet.prototype, 'a WeakSet'],
  [WeakRef.prototype, 'a WeakRef'],
  [Promise.prototype, 'a Promise'],
  [RegExp.prototype, 'a RegExp'],
  [Date.prototype, 'a Date'],
  [String.prototype, 'a String object (a boxed string)'],
  [Number.prototype, 'a Number object (a boxed number)'],
  [Boolean.prototype, 'a Boolean object (a boxed boolean)'],
  [BigInt.prototype, 'a BigInt object (a boxed BigInt)'],
  [Symbol.prototype, 'a Symbol object (a boxed symbol)'],
  [ArrayBuffer.prototype, 'an ArrayBuffer'],
  [SharedArrayBuffer.prototype, 'a SharedArrayBuffer'],
  [DataView.prototype, 'a DataView'],
  [Buffer.prototype, 'a Buffer'],
  ...[...BYTE_ARRAYS, ...MULTI_BYTE_ARRAYS].map((type): [object, string] => [
    type.prototype,
    `a ${type.name}`,
  ]),
  ...[Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError].map(
    (type): [object, string] => [
      type.prototype,
      `${/^[AEIOU]/.test(type.name) ? 'an' : 'a'} ${type.name}`,
    ],
  ),
]);

const BOXED = new Set<object>([
  String.prototype,
  Number.prototype,
  Boolean.prototype,
  BigInt.prototype,
  Symbol.prototype,
]);

const ERRORS = new Set<object>(
  [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError].map(
    (type) => type.prototype,
  ),
);

/** What to suggest instead, per kind of object and format. */
function hint(format: FormatLabel, value: object, kind: string): string {
  const proto = Object.getPrototypeOf(value) as object | null;
  if (BOXED.has(proto as object)) return '; store the primitive value instead';
  if (isBinary(value)) {
    if (format === 'JSON') {
      return '; store it as a base64 string, or use the msgpack or v8 serializer';
    }
    return '; only the built-in typed arrays, DataView, ArrayBuffer and Buffer read back as themselves';
  }
  if (kind.startsWith('a class instance')) {
    if (format === 'V8') return '; V8 does not store prototypes, so store a plain object instead';
    if (format === 'JSON') {
      return '; store a plain object, give the class a toJSON() method, or use the v8 serializer';
    }
    return '; store a plain object instead, or use the v8 serializer';
  }
  if (proto === Map.prototype || proto === Set.prototype) {
    return '; convert it to a plain object or an array, or use the v8 serializer';
  }
  if (proto === RegExp.prototype || ERRORS.has(proto as object)) {
    return '; store its fields in a plain object, or use the v8 serializer';
  }
  return '';
}

/** "a Map", "a Float32Array", "a class instance (Point)": what `value` is, for a message. */
function describeObject(value: object): string {
  const proto = Object.getPrototypeOf(value) as object | null;
  const kind = proto === null ? undefined : KINDS.get(proto);
  if (kind !== undefined) return kind;
  const name = constructorName(proto);
  return name === undefined ? 'a class instance' : `a class instance (${name})`;
}

function constructorName(proto: object | null): string | undefined {
  try {
    const name = (proto as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The refusal for an object a format cannot write as it is. */
export function unsupportedObject(format: FormatLabel, value: object): Refusal {
  const kind = describeObject(value);
  return new Refusal(`${format} cannot represent ${kind}${hint(format, value, kind)}`);
}

/** True for ArrayBuffers, DataViews, typed arrays and Buffers (including subclasses). */
export function isBinary(value: object): boolean {
  return (
    ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer
  );
}
