import { createRequire } from 'node:module';
import { MissingDependencyError } from './errors.js';

/** Loads optional peer packages for one package (see {@link createOptionalLoader}). */
export interface OptionalLoader {
  /**
   * Loads `packageName`, or throws a `MissingDependencyError` that tells the user what to
   * install for `feature` (e.g. "The zstd compressor"). Any load failure counts as missing (a
   * native binding that failed to build is as unusable as an absent package); the original
   * error is kept as `cause`.
   */
  load<T>(packageName: string, feature: string): T;
  /**
   * A getter that loads the package on its first call and then returns the cached module; a
   * failed load is remembered, so a missing package costs no file-system search per call.
   */
  lazy<T>(packageName: string, feature: string): () => T;
}

/**
 * The optional-peer loader of one package. Pass the caller's `import.meta.url`: packages are
 * resolved from there, because with strict installs (pnpm) only the package that declares an
 * optional peer can see it. Synchronous (`require`), so that creating a codec or transport
 * never has to wait; tsup's shims provide `import.meta.url` in CommonJS builds too.
 *
 * @example
 * ```ts
 * const optional = createOptionalLoader(import.meta.url);
 * const zstd = optional.lazy<typeof import('zstd-napi')>('zstd-napi', 'The zstd compressor');
 * ```
 */
export function createOptionalLoader(anchorUrl: string): OptionalLoader {
  const requireFromAnchor = createRequire(anchorUrl);
  const load = <T>(packageName: string, feature: string): T => {
    try {
      return requireFromAnchor(packageName) as T;
    } catch (cause) {
      throw new MissingDependencyError(packageName, feature, { cause });
    }
  };
  return {
    load,
    lazy<T>(packageName: string, feature: string): () => T {
      let loaded: { module: T } | undefined;
      let failure: unknown;
      return () => {
        if (loaded !== undefined) return loaded.module;
        if (failure !== undefined) throw failure;
        try {
          loaded = { module: load<T>(packageName, feature) };
        } catch (error) {
          failure = error;
          throw error;
        }
        return loaded.module;
      };
    },
  };
}
