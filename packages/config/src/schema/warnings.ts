import type { Located } from './collect-options.js';

// Django settings that mean nothing in Node, and what does their job here.
const NO_MEANING_IN_NODE: Readonly<Record<string, string>> = {
  parserClass:
    'has no meaning in Node and is ignored: ioredis and iovalkey parse RESP themselves (there is no parser to choose)',
  poolClass:
    'has no meaning in Node and is ignored: each server gets one multiplexed connection plus dedicated connections for blocking commands; size them with maxConnections',
};

/** The warnings for options accepted only for compatibility (`parserClass`, `poolClass`). */
export function compatibilityWarnings(options: ReadonlyMap<string, Located>): string[] {
  const warnings: string[] = [];
  for (const [name, text] of Object.entries(NO_MEANING_IN_NODE)) {
    const given = options.get(name);
    if (given !== undefined) warnings.push(`${given.path || name}: ${text}`);
  }
  return warnings;
}
