/** A position in a parsed config file: property names and array indexes. */
export type ConfigPath = readonly (string | number)[];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * A path as users write it: `caches.default.location[1]`; a key that is not a plain name is
 * quoted (`caches["my.cache"]`) so that the path stays unambiguous.
 */
export function formatPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** A plain object as parsed from JSON or YAML (not an array, not null). */
export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `tree` has a value (other than `undefined`) at `path`. */
export function hasValueAt(tree: unknown, path: ConfigPath): boolean {
  let node = tree;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(node)) return false;
      node = node[segment];
    } else {
      if (!isPlainObject(node) || !Object.hasOwn(node, segment)) return false;
      node = node[segment];
    }
  }
  return node !== undefined;
}
