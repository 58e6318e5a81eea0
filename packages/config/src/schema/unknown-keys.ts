import { nearest, quoteName, sameNameOtherCase } from './suggest.js';

/** How to describe unknown keys of one object. */
export interface UnknownKeyContext {
  /** `option`, `TLS setting`… */
  readonly what: string;
  /** Fixed advice for names known from django-cachex or redis-py, by lower-case name. */
  readonly hints?: Readonly<Record<string, string>>;
  /** Where the list of valid names is documented, for unknown names without a suggestion. */
  readonly reference?: string;
}

/**
 * The message for a key that is not a known name. In order of preference: a fixed hint (a
 * Django name with another spelling here), the same name in camelCase (`key_prefix`,
 * `KEY_PREFIX` → "use 'keyPrefix'"), the nearest name (a typo), or the list of valid names.
 */
export function unknownKeyMessage(
  key: string,
  known: readonly string[],
  context: UnknownKeyContext,
): string {
  const unknown = `unknown ${context.what} ${quoteName(key)}`;
  const hint = context.hints?.[key.toLowerCase()];
  if (hint !== undefined) return `${unknown}: ${hint}`;
  const sameName = sameNameOtherCase(key, known);
  if (sameName !== undefined) {
    return `${unknown}: use '${sameName}' (names are camelCase)`;
  }
  const typo = nearest(key, known);
  if (typo !== undefined) return `${unknown}; did you mean '${typo}'?`;
  if (context.reference !== undefined) return `${unknown} (${context.reference})`;
  return `${unknown} (expected one of: ${known.join(', ')})`;
}
