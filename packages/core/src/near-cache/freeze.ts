/** Estimated bytes of an object or array besides its contents (V8's header and slots). */
const OBJECT_BYTES = 32;
const PROPERTY_BYTES = 8;
const MAX_DEPTH = 1000;

/**
 * The estimated size of `value` in bytes (strings at two bytes per character, numbers at eight,
 * plus {@link OBJECT_BYTES} per object and {@link PROPERTY_BYTES} per property), or -1 when
 * freezing would not protect it: anything but plain objects, arrays and primitives (a Buffer's
 * or typed array's bytes, a Date's time, a Map's entries stay writable on a frozen object), or a
 * value nested too deep to walk.
 */
function measure(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2;
    case 'number':
    case 'boolean':
    case 'undefined':
      return 8;
    case 'bigint':
      return 16 + Math.ceil(value.toString(16).length / 2);
    case 'object':
      break;
    default:
      return -1;
  }
  if (value === null) return 8;
  if (depth > MAX_DEPTH) return -1;
  let bytes = OBJECT_BYTES;
  if (Array.isArray(value)) {
    for (const item of value) {
      const size = measure(item, depth + 1);
      if (size < 0) return -1;
      bytes += PROPERTY_BYTES + size;
    }
    return bytes;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return -1;
  for (const key of Object.keys(value)) {
    const size = measure((value as Record<string, unknown>)[key], depth + 1);
    if (size < 0) return -1;
    bytes += PROPERTY_BYTES + key.length * 2 + size;
  }
  return bytes;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) deepFreeze(item);
  Object.freeze(value);
}

/**
 * Freezes `value` deeply and returns its estimated size, so that a value the near cache holds
 * and hands to every caller cannot be changed by one of them (a write to it throws in strict
 * mode). Returns -1 and changes nothing for a value that freezing would not protect (see
 * {@link measure}): such values are not kept.
 *
 * Freezing happens once, when the value is stored; a hit costs nothing. Copying on every hit
 * (structured clone) would make a hit about as slow as decoding the value again.
 */
export function freezeAndMeasure(value: unknown): number {
  const bytes = measure(value, 0);
  if (bytes >= 0) deepFreeze(value);
  return bytes;
}
