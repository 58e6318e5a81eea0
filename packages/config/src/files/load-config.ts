import { resolve } from 'node:path';
import { ConfigError } from '@cachex/core';
import type { ConfigLogger, ResolvedCacheConfig } from '../cache-config-types.js';
import { type EnvRecord, resolveEnvironment } from '../defaults/environment.js';
import { packageKeyPrefix } from '../defaults/package-key-prefix.js';
import { type FallbackMode, resolveCacheConfig } from '../defaults/resolve-cache-config.js';
import { withOrigin } from '../defaults/with-origin.js';
import { parseCachesConfig } from '../schema/index.js';
import { formatPath, hasValueAt } from './config-path.js';
import { type ConfigFile, findConfigFiles } from './find-config-files.js';
import type { YamlLoader } from './load-yaml.js';
import { mergeConfig, removeNullAliases } from './merge-config.js';
import { readConfigFile } from './read-config-file.js';
import { type SubstitutionProblem, substituteEnv } from './substitute-env.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Where the config files (and the application's `package.json`) are. Default `process.cwd()`. */
  readonly cwd?: string;
  /** The base file, relative to `cwd`, instead of `cachex.config.*`; it must exist. */
  readonly file?: string;
  /** Which overlay to read. Default: `CACHEX_ENV`, else `NODE_ENV`, else `development`. */
  readonly environment?: string;
  /** The environment variables for `${VAR}` and the smart defaults. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Production without any config: `'error'` (default) or `'dummy'` (see `resolveCacheConfig`). */
  readonly fallback?: FallbackMode;
  /** Where configuration warnings go. Default `console`. */
  readonly logger?: ConfigLogger;
}

/**
 * Loads the caches' configuration from files, per environment:
 *
 * 1. The base file `cachex.config.json`, `.yaml` or `.yml` in `cwd` (or `options.file`), shaped
 *    `{ caches: { <alias>: {...} } }`, then the environment's overlay
 *    `cachex.config.<environment>.{json,yaml,yml}` when it exists, deep-merged over the base
 *    (objects merge; arrays, scalars and `null` replace; a cache alias set to `null` is removed).
 *    An overlay without a base file is the whole configuration.
 * 2. `${VAR}`, `${VAR:-default}` in every string value are replaced from `env` (`$${` is a
 *    literal `${`).
 * 3. The result is validated (every problem listed with its path, and the files named) and
 *    resolved, with the application's package name as the default key prefix.
 *
 * With no file at all, the result is `{ default }` from the smart defaults of
 * `resolveCacheConfig` (a URL from `CACHEX_URL`/`VALKEY_URL`/`REDIS_URL`, else memory outside
 * production, else an error or the dummy fallback). A file's caches are exactly the ones it lists.
 *
 * YAML files need the optional `yaml` package.
 *
 * @throws ConfigError for a missing or ambiguous file, a syntax error (file, line and column,
 * never the contents), a missing variable (its name and where it is used), or an invalid cache.
 * @throws MissingDependencyError when a YAML file is found but `yaml` is not installed.
 *
 * @example
 * ```ts
 * const caches = await loadConfig(); // reads ./cachex.config.yaml and ./cachex.config.production.yaml
 * caches.default.backend; // 'redis'
 * ```
 */
export function loadConfig(
  options: LoadConfigOptions = {},
): Promise<Readonly<Record<string, ResolvedCacheConfig>>> {
  return loadConfigWith(options);
}

/** {@link loadConfig} with the `yaml` loader replaceable, for tests. */
export async function loadConfigWith(
  options: LoadConfigOptions,
  yamlLoader?: YamlLoader,
): Promise<Readonly<Record<string, ResolvedCacheConfig>>> {
  const env: EnvRecord = options.env ?? process.env;
  const cwd = resolve(options.cwd ?? process.cwd());
  const environment = resolveEnvironment(env, options.environment);
  const { base, overlay } = await findConfigFiles({
    cwd,
    environment,
    ...(options.file === undefined ? {} : { file: options.file }),
  });
  if (base === undefined && overlay === undefined) {
    const single = resolveCacheConfig(undefined, {
      env,
      environment,
      cwd,
      ...(options.fallback === undefined ? {} : { fallback: options.fallback }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    return Object.freeze({ default: single });
  }

  const baseTree = base === undefined ? undefined : await readConfigFile(base, yamlLoader);
  const overlayTree = overlay === undefined ? undefined : await readConfigFile(overlay, yamlLoader);
  const merged =
    overlayTree === undefined
      ? baseTree
      : removeNullAliases(mergeConfig(baseTree, overlayTree), overlayTree);
  const files = [base, overlay].filter((file): file is ConfigFile => file !== undefined);
  const shownFiles = files.map((file) => file.shownName).join(' + ');

  const { value, problems } = substituteEnv(merged, env);
  if (problems.length > 0) {
    throw substitutionError(problems, shownFiles, (path) =>
      overlay !== undefined && hasValueAt(overlayTree, path) ? overlay : (base as ConfigFile),
    );
  }
  try {
    return parseCachesConfig(value, {
      source: 'explicit',
      defaultKeyPrefix: packageKeyPrefix(cwd),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  } catch (error) {
    throw withOrigin(error, shownFiles, { files: files.map((file) => file.shownName) });
  }
}

/** One error for every `${...}` that could not be replaced; it names variables, never values. */
function substitutionError(
  problems: readonly SubstitutionProblem[],
  shownFiles: string,
  fileOf: (path: SubstitutionProblem['path']) => ConfigFile,
): ConfigError {
  const issues = problems.map((problem) => {
    const path = formatPath(problem.path);
    const message =
      problem.kind === 'missing'
        ? `the environment variable ${problem.variable} is not set (in ${fileOf(problem.path).shownName}; ` +
          `write \${${problem.variable}:-default} to give a default)`
        : `malformed \${...} reference (in ${fileOf(problem.path).shownName}): write \${NAME} or ` +
          `\${NAME:-default}, and $\${ for a literal \${`;
    return Object.freeze({ path, message });
  });
  const count = issues.length;
  const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`);
  const variables = [
    ...new Set(
      problems.flatMap((problem) => (problem.variable === undefined ? [] : [problem.variable])),
    ),
  ];
  return new ConfigError(
    `Invalid cache configuration in ${shownFiles} (${count} ${count === 1 ? 'problem' : 'problems'}):\n${lines.join('\n')}`,
    {
      context: {
        reason: 'environment-substitution',
        path: issues[0]?.path,
        issues: Object.freeze(issues),
        variables,
        files: [...new Set(problems.map((problem) => fileOf(problem.path).shownName))],
      },
    },
  );
}
