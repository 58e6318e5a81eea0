import { createOptionalLoader } from '@cachex/core/internal';

// Anchored here: the native compressors are optional peers of this package, and with strict
// installs (pnpm) only this package can resolve them.
const optional = createOptionalLoader(import.meta.url);

/** Loads an optional peer of codecs or throws a `MissingDependencyError` (see core's loader). */
export const loadOptional = optional.load;

/** A cached, lazy getter for an optional peer of codecs (see core's loader). */
export const lazyOptional = optional.lazy;
