import { isPlainObject } from './config-path.js';

/**
 * Deep-merges an environment's overlay over the base file: objects merge key by key; arrays,
 * scalars and `null` replace what the base has (so `timeout: null` in an overlay means "never
 * expire", as it does anywhere else). One exception, applied by the caller: a cache alias set
 * to `null` removes that cache (see {@link removeNullAliases}).
 *
 * Objects are built with `Object.fromEntries`, so a `__proto__` key in a file stays a plain
 * property instead of changing an object's prototype.
 */
export function mergeConfig(base: unknown, overlay: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return overlay;
  const keys = new Set([...Object.keys(base), ...Object.keys(overlay)]);
  return Object.fromEntries(
    [...keys].map((key) => [
      key,
      Object.hasOwn(overlay, key)
        ? Object.hasOwn(base, key)
          ? mergeConfig(base[key], overlay[key])
          : overlay[key]
        : base[key],
    ]),
  );
}

/**
 * Drops the caches an overlay sets to `null`: `caches: { sessions: null }` in
 * `cachex.config.test.yaml` removes the `sessions` cache in tests. A `null` cache has no other
 * sensible meaning, so this cannot shadow a real setting.
 */
export function removeNullAliases(merged: unknown, overlay: unknown): unknown {
  if (!isPlainObject(merged) || !isPlainObject(merged.caches)) return merged;
  const overlayCaches = isPlainObject(overlay) ? overlay.caches : undefined;
  if (!isPlainObject(overlayCaches)) return merged;
  const caches = Object.fromEntries(
    Object.entries(merged.caches).filter(
      ([alias, value]) => !(value === null && Object.hasOwn(overlayCaches, alias)),
    ),
  );
  return { ...merged, caches };
}
