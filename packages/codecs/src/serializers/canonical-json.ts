/**
 * Canonical JSON: object keys sorted at every level, no whitespace. Equal values always give
 * equal bytes, which set/zset membership and `sismember`-style probes rely on (the probe is
 * encoded and compared byte for byte by the server).
 *
 * Follows `JSON.stringify` where it is lossless (`toJSON`, boxed primitives, `undefined`
 * properties omitted, `undefined` array items as `null`), formats Dates like Django's
 * `DjangoJSONEncoder`, and throws where `JSON.stringify` would silently lose data.
 */

/** Why a value cannot be written, and where (property names from the root, filled on unwind). */
export class UnrepresentableError extends Error {
  readonly path: string[] = [];
}

/** The canonical JSON text of `value`; `undefined` when the value itself is `undefined`. */
export function canonicalJson(value: unknown): string | undefined {
  return write(value, '', []);
}

function write(value: unknown, key: string, ancestors: object[]): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return writeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return undefined;
    case 'bigint':
      throw new UnrepresentableError(
        'JSON cannot represent a BigInt; use the msgpack or v8 serializer, or store it as a string',
      );
    case 'function':
    case 'symbol':
      throw new UnrepresentableError(`JSON cannot represent a ${typeof value}`);
    default:
      return value === null ? 'null' : writeObject(value as object, key, ancestors);
  }
}

function writeNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new UnrepresentableError(`JSON cannot represent ${value}`);
  }
  const text = String(value);
  // An integral number beyond the safe range would be written as bare digits, which a reader
  // takes for integer text (stored exact integers) and turns into a BigInt. A trailing ".0" keeps
  // it a float for JSON.parse and for Python alike.
  if (!Number.isSafeInteger(value) && Number.isInteger(value) && !text.includes('e')) {
    return `${text}.0`;
  }
  return text;
}

function writeObject(value: object, key: string, ancestors: object[]): string | undefined {
  if (value instanceof Date) return writeDate(value);
  const withToJson = value as { toJSON?: (key: string) => unknown };
  if (typeof withToJson.toJSON === 'function') {
    return write(withToJson.toJSON(key), key, ancestors);
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return write(value.valueOf(), key, ancestors);
  }
  if (value instanceof Map || value instanceof Set || ArrayBuffer.isView(value)) {
    throw new UnrepresentableError(
      `JSON cannot represent a ${value.constructor.name}; use the msgpack or v8 serializer`,
    );
  }
  if (ancestors.includes(value)) {
    throw new UnrepresentableError('JSON cannot represent a cyclic structure');
  }
  ancestors.push(value);
  const text = Array.isArray(value) ? writeArray(value, ancestors) : writeRecord(value, ancestors);
  ancestors.pop();
  return text;
}

function writeArray(items: readonly unknown[], ancestors: object[]): string {
  let text = '[';
  let i = 0;
  // One try per container, not per member: the path is only needed on the error path.
  try {
    for (; i < items.length; i++) {
      if (i > 0) text += ',';
      text += write(items[i], String(i), ancestors) ?? 'null';
    }
  } catch (error) {
    throw withPath(error, String(i));
  }
  return `${text}]`;
}

function writeRecord(record: object, ancestors: object[]): string {
  const keys = Object.keys(record).sort();
  let text = '{';
  let first = true;
  let key = '';
  try {
    for (key of keys) {
      const item = write((record as Record<string, unknown>)[key], key, ancestors);
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

/** Records a member name in the error path on the way up, so the message can say where. */
function withPath(error: unknown, key: string): unknown {
  if (error instanceof UnrepresentableError) error.path.unshift(key);
  return error;
}

/**
 * `"key":` for a property name. Cached values repeat the same few property names over and over,
 * and quoting them was a third of the serializer's time; the cache is bounded and simply starts
 * over when full, so values with unbounded key sets (ids as keys) cannot grow it.
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
function writeDate(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new UnrepresentableError('JSON cannot represent an invalid Date');
  }
  const iso = date.toISOString();
  return JSON.stringify(iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso);
}
