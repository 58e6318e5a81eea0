import { ConfigError } from '@cachex/core';
import { lineAndColumn, locateJsonError } from './json-error-position.js';
import { loadYaml, type YamlLoader } from './load-yaml.js';

/** The formats a config file may be written in. */
export type ConfigFormat = 'json' | 'yaml';

// A yaml document may use at most this many alias expansions; more is a "billion laughs" file.
const MAX_ALIAS_COUNT = 100;

/**
 * Parses a config file's text. A syntax error becomes a `ConfigError` that names the file and
 * the line and column but quotes nothing of the text (it may hold a password), and keeps no
 * `cause` (the parser's own error quotes it).
 *
 * @param shownName - The file as it should appear in messages.
 */
export function parseConfigText(
  text: string,
  format: ConfigFormat,
  shownName: string,
  yamlLoader: YamlLoader = loadYaml,
): unknown {
  // Editors on Windows may save a byte-order mark, which JSON.parse rejects.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return format === 'json' ? parseJson(body, shownName) : parseYaml(body, shownName, yamlLoader);
}

function parseJson(text: string, shownName: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const position = locateJsonError(text);
    const where =
      position === undefined ? '' : ` at line ${position.line}, column ${position.column}`;
    const problem = position === undefined ? '' : `: ${position.problem}`;
    throw new ConfigError(`Invalid JSON in ${shownName}${where}${problem}.`, {
      context: {
        reason: 'invalid-json',
        file: shownName,
        ...(position === undefined ? {} : { line: position.line, column: position.column }),
      },
    });
  }
}

function parseYaml(text: string, shownName: string, yamlLoader: YamlLoader): unknown {
  const yaml = yamlLoader();
  const document = yaml.parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const [first] = document.errors;
  if (first !== undefined) {
    const { line, column } = lineAndColumn(text, first.pos[0]);
    throw new ConfigError(
      `Invalid YAML in ${shownName} at line ${line}, column ${column}: ` +
        `${first.code.toLowerCase().replaceAll('_', ' ')}.`,
      { context: { reason: 'invalid-yaml', file: shownName, line, column, yamlCode: first.code } },
    );
  }
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    throw new ConfigError(
      `Invalid YAML in ${shownName}: its aliases expand to too much data (more than ` +
        `${MAX_ALIAS_COUNT} alias uses, or an alias to a missing anchor).`,
      { context: { reason: 'invalid-yaml', file: shownName } },
    );
  }
}
