/**
 * Builds the stored key from the user key. Receives the user key, the cache's prefix and the
 * version in effect, like Django's `KEY_FUNCTION`.
 */
export type KeyFunction = (key: string, prefix: string, version: number) => string;

/**
 * Recovers the user key from a stored key (the inverse of a {@link KeyFunction}). Returns the
 * stored key unchanged when it does not have this cache's layout.
 */
export type ReverseKeyFunction = (storedKey: string, prefix: string) => string;

/** Django's layout, `${prefix}:${version}:${key}`, shared with Python services. */
export const defaultKeyFunction: KeyFunction = (key, prefix, version) =>
  `${prefix}:${version}:${key}`;

/**
 * The inverse of {@link defaultKeyFunction}: strips `${prefix}:` and then the version up to the
 * next `:`. Works when the prefix or the key contain colons; foreign keys come back unchanged.
 */
export const defaultReverseKey: ReverseKeyFunction = (storedKey, prefix) => {
  const head = `${prefix}:`;
  if (!storedKey.startsWith(head)) return storedKey;
  const versionEnd = storedKey.indexOf(':', head.length);
  if (versionEnd === -1) return storedKey;
  const version = storedKey.slice(head.length, versionEnd);
  if (!/^-?\d+$/.test(version)) return storedKey;
  return storedKey.slice(versionEnd + 1);
};

/**
 * Escapes glob metacharacters (`*`, `?`, `[`, `]`, `\`) so that text matches itself in a
 * Redis MATCH pattern. Used for the prefix only: the user's pattern keeps its globbing.
 */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (ch) => (ch === '\\' ? '\\\\' : `[${ch}]`));
}
