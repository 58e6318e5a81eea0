/**
 * The V8 serializer's value check. Structured clone keeps almost everything, but it stores no
 * prototypes: a class instance (a URL, an Error subclass, an Array subclass…) reads back as a
 * plain object, array or base type without its methods, and an Error loses its own properties.
 * This walk refuses those, and functions and symbols, naming the path. It only looks at objects
 * (primitives need no check), allocates nothing for accepted values, and costs about a tenth of
 * the serialization itself. Cyclic structures are allowed (V8 stores them): past the depth limit
 * the walk starts remembering what it has seen.
 */
import { MAX_DEPTH, Refusal, TOO_DEEP, unsupportedObject, withPath } from './refusal.js';

/** Objects V8 reads back with the same prototype, and whose insides need no check. */
const LEAVES = new Set<object>([
  Date.prototype,
  RegExp.prototype,
  String.prototype,
  Number.prototype,
  Boolean.prototype,
  BigInt.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  Buffer.prototype,
  Int8Array.prototype,
  Uint8Array.prototype,
  Uint8ClampedArray.prototype,
  Int16Array.prototype,
  Uint16Array.prototype,
  Int32Array.prototype,
  Uint32Array.prototype,
  Float32Array.prototype,
  Float64Array.prototype,
  BigInt64Array.prototype,
  BigUint64Array.prototype,
]);

/** Errors V8 reads back as the same type (with name, message, stack and cause only). */
const ERRORS = new Set<object>(
  [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError].map(
    (type) => type.prototype,
  ),
);

/** Checks `value`; throws a {@link Refusal} naming the path. */
export function checkV8(value: unknown): void {
  try {
    checkValue(value, 0, undefined);
  } catch (error) {
    if (error !== TOO_DEEP) throw error;
    // Deep or cyclic: walk again, remembering the objects seen (V8 writes cycles as references).
    checkValue(value, 0, new Set());
  }
}

function checkValue(value: unknown, depth: number, seen: Set<object> | undefined): void {
  if (typeof value === 'object') {
    if (value !== null) checkObject(value, depth, seen);
  } else if (typeof value === 'function' || typeof value === 'symbol') {
    throw new Refusal(`V8 cannot represent a ${typeof value}`);
  }
}

function checkObject(value: object, depth: number, seen: Set<object> | undefined): void {
  if (seen === undefined) {
    if (depth >= MAX_DEPTH) throw TOO_DEEP;
  } else {
    if (seen.has(value)) return;
    seen.add(value);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const record = value as Record<string, unknown>;
    let key = '';
    try {
      for (key in record) {
        const item = record[key];
        // Inline for the common members: only objects, functions and symbols need a look.
        if (typeof item === 'object') {
          if (item !== null) checkObject(item, depth + 1, seen);
        } else if (typeof item === 'function' || typeof item === 'symbol') {
          checkValue(item, depth + 1, seen);
        }
      }
    } catch (error) {
      throw withPath(error, key);
    }
  } else if (proto === Array.prototype) {
    const items = value as unknown[];
    let i = 0;
    try {
      for (; i < items.length; i++) {
        const item = items[i];
        if (typeof item === 'object') {
          if (item !== null) checkObject(item, depth + 1, seen);
        } else if (typeof item === 'function' || typeof item === 'symbol') {
          checkValue(item, depth + 1, seen);
        }
      }
    } catch (error) {
      throw withPath(error, String(i));
    }
  } else if (LEAVES.has(proto)) {
    // Stored whole, prototype included.
  } else if (proto === Map.prototype) {
    checkMap(value as Map<unknown, unknown>, depth + 1, seen);
  } else if (proto === Set.prototype) {
    let i = 0;
    try {
      for (const item of value as Set<unknown>) {
        checkValue(item, depth + 1, seen);
        i++;
      }
    } catch (error) {
      throw withPath(error, String(i));
    }
  } else if (ERRORS.has(proto)) {
    checkError(value as Error, depth + 1, seen);
  } else {
    throw unsupportedObject('V8', value);
  }
}

function checkMap(map: Map<unknown, unknown>, depth: number, seen: Set<object> | undefined): void {
  let segment = '';
  try {
    for (const [key, item] of map) {
      segment = typeof key === 'object' && key !== null ? '(a Map key)' : String(key);
      checkValue(key, depth, seen);
      checkValue(item, depth, seen);
    }
  } catch (error) {
    throw withPath(error, segment);
  }
}

function checkError(error: Error, depth: number, seen: Set<object> | undefined): void {
  // V8 stores name (for the built-in types), message, stack and cause; anything else is dropped.
  const extra = Object.keys(error).filter((key) => key !== 'cause');
  if (extra.length > 0) {
    throw new Refusal(
      `V8 cannot represent an Error with its own properties (${extra.join(', ')}): it stores only the message, stack and cause; store a plain object instead`,
    );
  }
  if ('cause' in error) {
    try {
      checkValue(error.cause, depth, seen);
    } catch (caught) {
      throw withPath(caught, 'cause');
    }
  }
}
