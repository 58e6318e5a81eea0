// A `%` must start a `%XX` escape; anything else means a raw `%` that should have been `%25`.
const MALFORMED_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/**
 * Percent-decodes URL text (`+` stays `+`: these are URLs, not HTML forms). Returns `undefined`
 * when the text has a `%` that does not start a valid escape or the escapes are not UTF-8, so
 * that the caller can word an error without echoing the text (it may be a password).
 */
export function percentDecode(text: string): string | undefined {
  if (MALFORMED_ESCAPE.test(text)) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
