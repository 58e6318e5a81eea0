import type { Compressor, Serializer } from '@cachex/core';
import * as v from 'valibot';
import type { CompressorName, SerializerName } from '../cache-config-types.js';
import { type IssueList, joinPath } from './issues.js';
import { COMPRESSOR_NAMES, SERIALIZER_NAMES } from './names.js';
import { describeType, didYouMean, quoteName } from './suggest.js';
import { fromSchema, INVALID, isRecord } from './validator.js';

type Item<N extends string, I> = N | I;

interface CodecKind {
  /** `serializer` or `compressor`. */
  readonly what: string;
  readonly names: readonly string[];
  /** The instance methods, as `serialize()`/`deserialize()`. */
  readonly methods: readonly [string, string];
  /** Hints for names that come from django-cachex or Python, by lower-case name. */
  readonly hints: Readonly<Record<string, string>>;
}

const SERIALIZER: CodecKind = {
  what: 'serializer',
  names: SERIALIZER_NAMES,
  methods: ['serialize', 'deserialize'],
  hints: {
    pickle:
      "pickle is Python-only: use 'json', 'msgpack' or 'v8' (a Python service sharing this cache must use the same serializer)",
  },
};

const COMPRESSOR: CodecKind = {
  what: 'compressor',
  names: COMPRESSOR_NAMES,
  methods: ['compress', 'decompress'],
  hints: {
    none: 'write null (or []) for no compression',
    identity: 'write null (or []) for no compression',
    dummy: 'write null (or []) for no compression',
  },
};

/** The instance shape: a string `name` and the two methods. */
function instanceSchema(kind: CodecKind): v.GenericSchema<unknown, unknown> {
  const [write, read] = kind.methods;
  const need = `a ${kind.what} object needs a string name and the methods ${write}() and ${read}()`;
  const method = (name: string) =>
    v.function((issue) => `${need}; ${name} is ${describeType(issue.input)}`);
  return v.looseObject(
    {
      name: v.string((issue) => `${need}; name is ${describeType(issue.input)}`),
      [write]: method(write),
      [read]: method(read),
    },
    // Also the message of a missing key (valibot reports it with the object's message).
    (issue) => (issue.expected?.startsWith('"') ? `${need}; ${issue.expected} is missing` : need),
  );
}

/**
 * The built-in name a django-cachex class path stands for:
 * `django_cachex.serializers.json.JSONSerializer` → `json`,
 * `django_cachex.compressors.zstd.ZStdCompressor` → `zstd`.
 */
function fromDjangoPath(given: string, kind: CodecKind): string | undefined {
  const last = given.slice(given.lastIndexOf('.') + 1).toLowerCase();
  const bare = last.endsWith(kind.what) ? last.slice(0, -kind.what.length) : last;
  if (bare === last && !given.includes('.')) return undefined;
  return kind.names.find((name) => name === bare) ?? (bare in kind.hints ? bare : undefined);
}

function nameMessage(given: string, kind: CodecKind): string {
  const list = `(expected one of: ${kind.names.join(', ')}, or a ${kind.what} object)`;
  const lower = given.toLowerCase();
  const hint = kind.hints[lower];
  if (hint !== undefined) return `${quoteName(given)} is not a ${kind.what}: ${hint}`;
  const django = fromDjangoPath(given, kind);
  if (django !== undefined) {
    const djangoHint = kind.hints[django];
    if (djangoHint !== undefined) return `${quoteName(given)} is not a ${kind.what}: ${djangoHint}`;
    return `${quoteName(given)} names a django-cachex class: use '${django}'`;
  }
  return `${quoteName(given)} is not a ${kind.what}${didYouMean(given, kind.names)} ${list}`;
}

function checkItem(value: unknown, path: string, issues: IssueList, kind: CodecKind): unknown {
  if (typeof value === 'string') {
    if (kind.names.includes(value)) return value;
    issues.add(path, nameMessage(value, kind));
    return INVALID;
  }
  if (isRecord(value)) return fromSchema(instanceSchema(kind))(value, path, issues);
  const [write, read] = kind.methods;
  issues.add(
    path,
    `must be a ${kind.what} name (${kind.names.join(', ')}) or an object with ${write}() and ${read}(), got ${describeType(value)}`,
  );
  return INVALID;
}

/** Checks a name, an instance or a list of them; a list's entries get `[i]` paths. */
function checkList(
  value: unknown,
  path: string,
  issues: IssueList,
  kind: CodecKind,
): readonly unknown[] | typeof INVALID {
  const list = Array.isArray(value) ? (value as unknown[]) : undefined;
  const items = list ?? [value];
  const before = issues.size;
  const seen = new Set<string>();
  const checked = items.map((item, index) => {
    const itemPath = list === undefined ? path : joinPath(path, index);
    const result = checkItem(item, itemPath, issues, kind);
    if (typeof result === 'string') {
      if (seen.has(result)) issues.add(itemPath, `'${result}' is listed twice`);
      seen.add(result);
    }
    return result;
  });
  return issues.size > before ? INVALID : Object.freeze(checked);
}

/**
 * Checks `serializer`: a name, an instance (`name`, `serialize()`, `deserialize()`) or a
 * non-empty list of them (the first writes, all are tried on read).
 */
export function checkSerializer(
  value: unknown,
  path: string,
  issues: IssueList,
): readonly Item<SerializerName, Serializer>[] | typeof INVALID {
  if (Array.isArray(value) && value.length === 0) {
    issues.add(
      path,
      "must not be an empty list: give at least one serializer, e.g. 'json' (the first writes, all are tried on read)",
    );
    return INVALID;
  }
  return checkList(value, path, issues, SERIALIZER) as
    | readonly Item<SerializerName, Serializer>[]
    | typeof INVALID;
}

/**
 * Checks `compressor`: a name, an instance (`name`, `compress()`, `decompress()`), a list of
 * them, or `null`/`[]` for none. The string `'none'` is rejected with a hint to write `null`,
 * so that the option keeps one spelling per meaning.
 */
export function checkCompressor(
  value: unknown,
  path: string,
  issues: IssueList,
): readonly Item<CompressorName, Compressor>[] | typeof INVALID {
  if (value === null) return Object.freeze([]);
  return checkList(value, path, issues, COMPRESSOR) as
    | readonly Item<CompressorName, Compressor>[]
    | typeof INVALID;
}
