import { readFile } from 'node:fs/promises';
import { ConfigError } from '@cachex/core';
import { isPlainObject } from './config-path.js';
import type { ConfigFile } from './find-config-files.js';
import type { YamlLoader } from './load-yaml.js';
import { parseConfigText } from './parse-config-text.js';

/**
 * Reads and parses one config file and checks its outer shape, `{ caches: { <alias>: {...} } }`
 * (what is inside each cache is the schema's business, after merging and substitution).
 */
export async function readConfigFile(file: ConfigFile, yamlLoader?: YamlLoader): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file.path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${file.shownName}.`, {
      cause: error,
      context: { reason: 'unreadable-file', file: file.shownName },
    });
  }
  const parsed = parseConfigText(text, file.format, file.shownName, yamlLoader);
  checkShape(parsed, file.shownName);
  return parsed;
}

const SHAPE_HINT = 'the file holds { "caches": { "<alias>": { ...cache options } } }';

function checkShape(parsed: unknown, shownName: string): void {
  const fail = (problem: string, reason: string): never => {
    throw new ConfigError(`Invalid config file ${shownName}: ${problem}; ${SHAPE_HINT}.`, {
      context: { reason, file: shownName },
    });
  };
  if (parsed === null || parsed === undefined) fail('it is empty', 'empty-file');
  if (!isPlainObject(parsed)) fail('the top level is not an object', 'invalid-shape');
  const record = parsed as Readonly<Record<string, unknown>>;
  const unknown = Object.keys(record).filter((key) => key !== 'caches');
  if (unknown.length > 0) {
    fail(
      `unknown top-level ${unknown.length === 1 ? 'key' : 'keys'} ${unknown
        .map((key) => JSON.stringify(key))
        .join(', ')}`,
      'invalid-shape',
    );
  }
  if (!Object.hasOwn(record, 'caches')) fail('"caches" is missing', 'invalid-shape');
  if (!isPlainObject(record.caches)) fail('"caches" is not an object', 'invalid-shape');
}
