/**
 * Splitting a location string into URLs. A `,` or `;` separates two URLs only when the next
 * URL starts with a scheme (`, redis://…`), so a comma inside a password or a host list such as
 * `redis://h1,h2` stays in one piece and fails with a message about that URL, instead of being
 * cut into fragments that would echo half a password.
 */

// The separator, with the spaces after it, before something that looks like `scheme://`.
const SEPARATOR = /([,;]\s*)(?=[A-Za-z][A-Za-z0-9+.-]*:\/\/)/;

/**
 * Splits a location string, keeping the separators: even indexes are URLs (untrimmed), odd
 * indexes the separators between them. `''.join` of the result gives the input back.
 */
export function splitKeepingSeparators(location: string): string[] {
  return location.split(SEPARATOR);
}

/** The URLs of a location string, trimmed (an empty entry stays as `''`). */
export function splitLocationString(location: string): string[] {
  return splitKeepingSeparators(location)
    .filter((_, i) => i % 2 === 0)
    .map((url) => url.trim());
}
