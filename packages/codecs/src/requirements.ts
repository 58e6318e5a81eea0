/**
 * What the built-in serializers and compressors need before they can work: for each instance
 * that depends on an optional package, a check that loads it (or throws the package's
 * `MissingDependencyError`). `createCodec` runs the checks of every serializer and compressor it
 * is given, so that a missing package fails at start-up, not at the first value large enough to
 * be compressed. Keyed by instance, so instances passed as objects are checked too.
 */
const checks = new WeakMap<object, () => unknown>();

/** Registers `check` as what `instance` needs, and returns `instance`. */
export function withRequirement<T extends object>(instance: T, check: () => unknown): T {
  checks.set(instance, check);
  return instance;
}

/** Runs the check of `instance`, if it has one: throws when its package cannot be loaded. */
export function checkRequirement(instance: object): void {
  checks.get(instance)?.();
}
