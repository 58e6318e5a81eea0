import { ConfigError, isCachexError } from '@cachex/core';

const PREFIX = 'Invalid cache configuration';

/**
 * The schema's `ConfigError`, saying where the configuration came from: `Invalid cache
 * configuration in cachex.config.json + cachex.config.production.yaml (1 problem): …` or
 * `… in CACHEX_URL (1 problem): …`. Other errors pass through unchanged.
 *
 * @param origin - The file(s) or variable(s), as the message shows them.
 * @param context - Added to the error's context (e.g. `{ files: [...] }`).
 */
export function withOrigin(
  error: unknown,
  origin: string,
  context: Readonly<Record<string, unknown>>,
): unknown {
  if (!isCachexError(error) || error.code !== 'E_CONFIG') return error;
  const message = error.message.startsWith(PREFIX)
    ? `${PREFIX} in ${origin}${error.message.slice(PREFIX.length)}`
    : `${origin}: ${error.message}`;
  return new ConfigError(message, { cause: error, context: { ...error.context, ...context } });
}
