import type { EnvRecord } from '../defaults/environment.js';
import { type ConfigPath, isPlainObject } from './config-path.js';

/** A `${...}` reference that could not be substituted. */
export interface SubstitutionProblem {
  readonly path: ConfigPath;
  /** `missing`: the variable is unset and has no default; `malformed`: not `${NAME}` / `${NAME:-default}`. */
  readonly kind: 'missing' | 'malformed';
  /** The variable's name (for `missing`). */
  readonly variable?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces environment references in every string of a parsed config (never in keys):
 *
 * - `${NAME}`: the variable's value (an empty value stays empty); unset is a problem.
 * - `${NAME:-default}`: the value, or `default` when the variable is unset or empty (as in a
 *   shell).
 * - `$${`: a literal `${`. Any other `$` is kept as it is.
 *
 * It runs on the parsed values rather than the raw text, so a value containing quotes, `#` or a
 * line break cannot change the file's structure. Values are inserted as strings: a number or
 * boolean option cannot come from a variable (put such settings in the URL's query, e.g.
 * `?socket_timeout=2`, or in an environment's overlay file).
 *
 * Returns the new tree and every problem found, so that one error can list them all.
 */
export function substituteEnv(
  tree: unknown,
  env: EnvRecord,
): { value: unknown; problems: readonly SubstitutionProblem[] } {
  const problems: SubstitutionProblem[] = [];
  const walk = (node: unknown, path: ConfigPath): unknown => {
    if (typeof node === 'string') return substituteString(node, env, path, problems);
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (isPlainObject(node)) {
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [key, walk(value, [...path, key])]),
      );
    }
    return node;
  };
  return { value: walk(tree, []), problems };
}

function substituteString(
  text: string,
  env: EnvRecord,
  path: ConfigPath,
  problems: SubstitutionProblem[],
): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar === -1) break;
    out += text.slice(i, dollar);
    if (text.startsWith('$${', dollar)) {
      out += '${';
      i = dollar + 3;
      continue;
    }
    if (text[dollar + 1] !== '{') {
      out += '$';
      i = dollar + 1;
      continue;
    }
    const close = text.indexOf('}', dollar + 2);
    if (close === -1) {
      problems.push({ path, kind: 'malformed' });
      return text;
    }
    const reference = text.slice(dollar + 2, close);
    const separator = reference.indexOf(':-');
    const name = separator === -1 ? reference : reference.slice(0, separator);
    if (!NAME.test(name)) {
      problems.push({ path, kind: 'malformed' });
      return text;
    }
    const value = env[name];
    if (separator !== -1) {
      out += value === undefined || value === '' ? reference.slice(separator + 2) : value;
    } else if (value === undefined) {
      problems.push({ path, kind: 'missing', variable: name });
    } else out += value;
    i = close + 1;
  }
  return out + text.slice(i);
}
