import { stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '@cachex/core';
import type { ConfigFormat } from './parse-config-text.js';

/** The base name of the config files cachex looks for in the working directory. */
export const CONFIG_FILE_STEM = 'cachex.config';

/** A config file found on disk. */
export interface ConfigFile {
  /** Absolute path. */
  readonly path: string;
  /** The path as messages show it: relative to the working directory when inside it. */
  readonly shownName: string;
  readonly format: ConfigFormat;
}

/** The base file and the environment's overlay; either may be absent. */
export interface ConfigFiles {
  readonly base?: ConfigFile;
  readonly overlay?: ConfigFile;
}

const FORMATS: Readonly<Record<string, ConfigFormat>> = {
  '.json': 'json',
  '.yaml': 'yaml',
  '.yml': 'yaml',
};
const EXTENSIONS = Object.keys(FORMATS);

// An environment name becomes part of a file name: no separators or dots, so that
// `NODE_ENV=../x` cannot point outside the directory.
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * Finds the base config file and the overlay of `environment`. Without `file`, the base is
 * `cachex.config.{json,yaml,yml}` in `cwd` (at most one of them may exist) and the overlay
 * `cachex.config.<environment>.{json,yaml,yml}`. With `file`, that file is the base (it must
 * exist) and the overlay sits next to it: `config/cache.json` → `config/cache.<environment>.*`.
 */
export async function findConfigFiles(options: {
  readonly cwd: string;
  readonly file?: string;
  readonly environment: string;
}): Promise<ConfigFiles> {
  const { cwd, environment } = options;
  if (!ENVIRONMENT_NAME.test(environment)) {
    throw new ConfigError(
      `The environment name ${JSON.stringify(environment.slice(0, 40))} cannot name a config ` +
        'file: use letters, digits, "-" and "_" (it comes from the environment option, ' +
        'CACHEX_ENV or NODE_ENV).',
      { context: { field: 'environment', reason: 'invalid-environment' } },
    );
  }
  let stem: string;
  let base: ConfigFile | undefined;
  if (options.file === undefined) {
    stem = join(cwd, CONFIG_FILE_STEM);
    base = await findOne(stem, cwd, 'config files');
  } else {
    const path = resolve(cwd, options.file);
    const extension = extname(path).toLowerCase();
    const format = FORMATS[extension];
    if (format === undefined) {
      throw new ConfigError(
        `The config file ${shown(path, cwd)} must end in ${EXTENSIONS.join(', ')}.`,
        { context: { field: 'file', reason: 'unknown-format', file: shown(path, cwd) } },
      );
    }
    if (!(await isFile(path))) {
      throw new ConfigError(`The config file ${shown(path, cwd)} (option "file") does not exist.`, {
        context: { field: 'file', reason: 'file-not-found', file: shown(path, cwd) },
      });
    }
    base = { path, shownName: shown(path, cwd), format };
    stem = join(dirname(path), basename(path, extname(path)));
  }
  const overlay = await findOne(`${stem}.${environment}`, cwd, `"${environment}" config files`);
  return { ...(base === undefined ? {} : { base }), ...(overlay === undefined ? {} : { overlay }) };
}

async function findOne(stem: string, cwd: string, what: string): Promise<ConfigFile | undefined> {
  const found: ConfigFile[] = [];
  for (const extension of EXTENSIONS) {
    const path = `${stem}${extension}`;
    if (await isFile(path)) {
      found.push({ path, shownName: shown(path, cwd), format: FORMATS[extension] as ConfigFormat });
    }
  }
  if (found.length > 1) {
    const names = found.map((file) => file.shownName);
    throw new ConfigError(
      `Found ${found.length} ${what}: ${names.join(', ')}. Keep one of them: cachex would not ` +
        'know which one wins.',
      { context: { reason: 'several-config-files', files: names } },
    );
  }
  return found[0];
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw new ConfigError(`Cannot access the config file ${path}.`, {
      cause: error,
      context: { reason: 'unreadable-file', file: path },
    });
  }
}

/** A path relative to `cwd` when it lies inside it, else absolute. */
function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
