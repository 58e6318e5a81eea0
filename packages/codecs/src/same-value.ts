import { isDeepStrictEqual } from 'node:util';

/**
 * Test helper: true when `actual` is `expected` as a cache user would see it: the same types and
 * prototypes (`util.isDeepStrictEqual`) and, which `isDeepStrictEqual` ignores, the same order of
 * object keys and Map entries at every level.
 */
export function isSameValue(actual: unknown, expected: unknown): boolean {
  return isDeepStrictEqual(actual, expected) && sameOrder(actual, expected, new Set());
}

/** Why `actual` is not `expected`, or `undefined` when it is (for readable test failures). */
export function sameValueProblem(actual: unknown, expected: unknown): string | undefined {
  if (!isDeepStrictEqual(actual, expected)) return 'not deep-strict-equal';
  if (!sameOrder(actual, expected, new Set())) return 'same entries, but in another key order';
  return undefined;
}

function sameOrder(actual: unknown, expected: unknown, seen: Set<unknown>): boolean {
  if (typeof actual !== 'object' || actual === null || seen.has(actual)) return true;
  seen.add(actual);
  const other = expected as object;
  if (actual instanceof Map) {
    const keys = [...actual.keys()];
    const otherKeys = [...(other as Map<unknown, unknown>).keys()];
    if (!isDeepStrictEqual(keys, otherKeys)) return false;
    return keys.every((key, i) =>
      sameOrder(actual.get(key), (other as Map<unknown, unknown>).get(otherKeys[i]), seen),
    );
  }
  if (ArrayBuffer.isView(actual) || actual instanceof Date || actual instanceof Set) return true;
  const keys = Object.keys(actual);
  if (!isDeepStrictEqual(keys, Object.keys(other))) return false;
  return keys.every((key) =>
    sameOrder(
      (actual as Record<string, unknown>)[key],
      (other as Record<string, unknown>)[key],
      seen,
    ),
  );
}
