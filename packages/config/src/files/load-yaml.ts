import { createOptionalLoader, type OptionalLoader } from '@cachex/core/internal';
import type * as Yaml from 'yaml';

/** The `yaml` package's module. */
export type YamlModule = typeof Yaml;

/** A getter for the `yaml` module that throws `MissingDependencyError` when it is absent. */
export type YamlLoader = () => YamlModule;

const FEATURE = 'Reading a YAML config file (cachex.config.yaml / .yml)';

/** A lazy getter for `yaml` that resolves it through `loader` (tests pass one that cannot find it). */
export function yamlLoaderFrom(loader: OptionalLoader): YamlLoader {
  return loader.lazy<YamlModule>('yaml', FEATURE);
}

// Anchored here: `yaml` is an optional peer of this package, and with strict installs (pnpm)
// only this package can resolve it. Loaded on the first YAML file, so JSON users never need it.
export const loadYaml: YamlLoader = yamlLoaderFrom(createOptionalLoader(import.meta.url));
