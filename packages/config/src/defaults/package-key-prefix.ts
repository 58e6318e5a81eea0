import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Turns a package name into a key prefix: lower-cased, a leading `@` dropped and `/` replaced
 * by `-` (`@acme/api` → `acme-api`), so that the prefix holds no character that reads as a
 * separator in key-browsing tools.
 */
export function keyPrefixFromName(name: string): string {
  return name.trim().toLowerCase().replace(/^@/, '').replaceAll('/', '-');
}

/**
 * The key prefix derived from the running application's `package.json`: the nearest one from
 * `cwd` upward that has a `name`, or `''` when there is none. Two applications sharing one
 * server then get distinct keys without any configuration. A `package.json` that cannot be
 * read or parsed is skipped: it is not cachex's file to complain about.
 */
export function packageKeyPrefix(cwd: string): string {
  let dir = resolve(cwd);
  for (;;) {
    const name = readPackageName(join(dir, 'package.json'));
    if (name !== undefined) return keyPrefixFromName(name);
    const parent = dirname(dir);
    if (parent === dir) return '';
    dir = parent;
  }
}

function readPackageName(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const name = (parsed as { name?: unknown }).name;
    return typeof name === 'string' && name.trim() !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}
