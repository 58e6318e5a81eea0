import { MAX_DEPTH, TOO_DEEP } from './serializers/refusal.js';

/**
 * The form of a value `encodeMember` encodes: a copy with the keys of every plain object sorted
 * (by UTF-16 code units, at every level, arrays included), so that equal values give equal bytes
 * whatever order their keys were written in: the server compares set members, list elements and
 * their probes byte for byte. Everything else (Dates, Buffers, Maps…) is kept as it is; Map and
 * Set entries keep their order. The serializer then checks and writes the copy as usual.
 *
 * Returns the value itself when it holds no plain object or array. A value nested too deep (or
 * cyclic) is returned as it is, so that `encode` gives its usual error (or, with v8, stores it).
 */
export function memberForm(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  try {
    return sortedCopy(value, 0);
  } catch (error) {
    if (error === TOO_DEEP) return value;
    throw error;
  }
}

function sortedCopy(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) throw TOO_DEEP;
  const proto = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    const items = value as unknown[];
    const copy = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) {
      // Holes stay holes (the serializer refuses or keeps them, as for the value itself).
      if (i in items) copy[i] = sortedCopy(items[i], depth + 1);
    }
    return copy;
  }
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  // Same prototype, so the serializer treats the copy as it would the value.
  const copy = Object.create(proto) as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const item = sortedCopy(record[key], depth + 1);
    if (key === '__proto__') {
      // An own "__proto__" key (JSON.parse makes them): assigning would set the prototype.
      Object.defineProperty(copy, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      copy[key] = item;
    }
  }
  return copy;
}
