import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
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

/** A `require` function: all the loader needs of one. */
export type RequireFunction = (id: string) => unknown;

/**
 * The `require` of the code around, or undefined in an ES module. In the CommonJS builds it is
 * the package's own; in a CommonJS bundle that inlined this package (esbuild, webpack…) it is
 * the bundle's, which resolves from the bundle's file.
 */
function ambientRequire(): RequireFunction | undefined {
  // Through `module`, not `require`: bundlers rewrite a bare `require` in an ES module into a
  // shim that throws ("Dynamic require of … is not supported"), and leave `module` alone.
  const around = typeof module === 'object' && module !== null ? module : undefined;
  return typeof around?.require === 'function' ? (id) => around.require(id) : undefined;
}

/**
 * A `require` resolving from `anchor` (a `file:` URL or an absolute path), or undefined when the
 * anchor cannot be one: a CommonJS bundle of an ES module has no `import.meta.url` (esbuild
 * leaves `undefined`), other tools leave `''` or a URL that is not a file's.
 */
function requireFrom(anchor: string | undefined): RequireFunction | undefined {
  if (typeof anchor !== 'string') return undefined;
  if (!anchor.startsWith('file:') && !isAbsolute(anchor)) return undefined;
  try {
    return createRequire(anchor);
  } catch {
    return undefined;
  }
}

/** Where to look when nothing else can: the main script's directory, else the working one. */
function requireFromMain(): RequireFunction {
  const main = process.argv[1];
  return createRequire(
    main !== undefined && isAbsolute(main) ? main : join(process.cwd(), 'index.js'),
  );
}

/** True when `error` says that `packageName` itself was not found (not one of its imports). */
function isNotFound(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === 'MODULE_NOT_FOUND' &&
    typeof message === 'string' &&
    message.includes(`'${packageName}'`)
  );
}

/**
 * The optional-peer loader of one package. Pass the caller's `import.meta.url`: packages are
 * resolved from there first, because with strict installs (pnpm) only the package that declares
 * an optional peer can see it. Synchronous (`require`), so that creating a codec or transport
 * never has to wait.
 *
 * Works in every form the caller may be loaded in: as an ES module, as CommonJS (tsup's shims
 * provide `import.meta.url`), and inlined into a CommonJS bundle, where `import.meta.url` is
 * undefined. Nothing is resolved until the first load, so creating a loader never throws. When
 * the anchor is unusable, or does not find a package, the package is looked up through
 * `fallback`: by default the `require` of the code around, which in a bundle resolves from the
 * bundle's file, so an application that bundles cachex installs the optional peers it uses next
 * to the bundle. With neither, packages are resolved from the main script's directory.
 *
 * @param anchorUrl The caller's `import.meta.url` (or a file path).
 * @param fallback A `require` to try after the anchor; `null` for none (tests).
 *
 * @example
 * ```ts
 * const optional = createOptionalLoader(import.meta.url);
 * const zstd = optional.lazy<typeof import('zstd-napi')>('zstd-napi', 'The zstd compressor');
 * ```
 */
export function createOptionalLoader(
  anchorUrl: string | undefined,
  fallback: RequireFunction | null = ambientRequire() ?? null,
): OptionalLoader {
  let requires: readonly RequireFunction[] | undefined;
  const candidates = (): readonly RequireFunction[] => {
    if (requires === undefined) {
      const anchored = requireFrom(anchorUrl);
      const found = [anchored, fallback ?? undefined].filter((r) => r !== undefined);
      requires = found.length > 0 ? found : [requireFromMain()];
    }
    return requires;
  };

  const load = <T>(packageName: string, feature: string): T => {
    let firstFailure: unknown;
    for (const candidate of candidates()) {
      try {
        return candidate(packageName) as T;
      } catch (error) {
        // Found but broken (a native binding that did not build, a missing dependency of its
        // own): that is the answer, and another copy must not hide it.
        if (!isNotFound(error, packageName)) {
          throw new MissingDependencyError(packageName, feature, { cause: error });
        }
        firstFailure ??= error;
      }
    }
    throw new MissingDependencyError(packageName, feature, { cause: firstFailure });
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
