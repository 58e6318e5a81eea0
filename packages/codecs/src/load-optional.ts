import { createRequire } from 'node:module';
import { MissingDependencyError } from '@cachex/core';

// A CommonJS `require` anchored at this package, so optional peers resolve from the user's
// install. tsup's `shims` provide `import.meta.url` in the CJS build too.
const requireFromHere = createRequire(import.meta.url);

/**
 * Loads the optional package `packageName`, or throws a `MissingDependencyError` that tells the
 * user what to install for `feature` (e.g. "The zstd compressor"). Any load failure counts as
 * missing (a native binding that failed to build is as unusable as an absent package); the
 * original error is kept as `cause`.
 */
export function loadOptional<T>(packageName: string, feature: string): T {
  try {
    return requireFromHere(packageName) as T;
  } catch (cause) {
    throw new MissingDependencyError(packageName, feature, { cause });
  }
}

/**
 * A getter that loads the optional package on its first call and then returns the cached module.
 * Creating compressors must stay cheap and must work without their native package installed until
 * one is actually used, hence the indirection. A failed load is remembered, so a missing package
 * does not cost a file-system search on every call.
 */
export function lazyOptional<T>(packageName: string, feature: string): () => T {
  let loaded: { module: T } | undefined;
  let failure: unknown;
  return () => {
    if (loaded !== undefined) return loaded.module;
    if (failure !== undefined) throw failure;
    try {
      loaded = { module: loadOptional<T>(packageName, feature) };
    } catch (error) {
      failure = error;
      throw error;
    }
    return loaded.module;
  };
}
