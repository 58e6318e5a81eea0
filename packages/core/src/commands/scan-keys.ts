import type { CacheContext } from '../cache-context.js';
import { InvalidArgumentError } from '../errors.js';
import { ALL_KEYS } from '../key-spec.js';
import { toCachexError } from '../translate-error.js';
import type { ScanKeysOptions } from './options.js';
import { toInt } from './reply.js';

/** Default SCAN COUNT hint and delete batch size. */
const DEFAULT_SCAN_COUNT = 500;

function countOf(options: ScanKeysOptions | undefined): number {
  const count = options?.count ?? DEFAULT_SCAN_COUNT;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new InvalidArgumentError(`count must be a positive integer, got ${String(count)}`);
  }
  return count;
}

/**
 * Yields the user keys matching `pattern` (a glob on user keys) in this cache's prefix and
 * version, over every primary. Like SCAN itself, a key may be yielded twice.
 */
export async function* iterKeys(
  ctx: CacheContext,
  pattern: string,
  options?: ScanKeysOptions,
): AsyncGenerator<string, void, undefined> {
  const match = ctx.makePattern(pattern, options?.version);
  for await (const page of ctx.transport.scan({ match, count: countOf(options) })) {
    // Keys that are not valid UTF-8 (written by another client) read with U+FFFD in place of
    // the bad bytes: user keys are text.
    for (const storedKey of page) yield ctx.reverseKey(storedKey.toString('utf8'));
  }
}

/** Every matching user key, without duplicates. */
export async function keys(
  ctx: CacheContext,
  pattern: string,
  options?: ScanKeysOptions,
): Promise<string[]> {
  const seen = new Set<string>();
  for await (const key of iterKeys(ctx, pattern, options)) seen.add(key);
  return [...seen];
}

/**
 * Deletes every key matching `pattern` with SCAN and UNLINK in batches of `count`, so that a
 * broad pattern never builds one huge command or holds every key in memory. Keys go from SCAN
 * to UNLINK as bytes, so keys that are not valid UTF-8 are deleted too.
 */
export async function deletePattern(
  ctx: CacheContext,
  pattern: string,
  options?: ScanKeysOptions,
): Promise<number> {
  const count = countOf(options);
  const match = ctx.makePattern(pattern, options?.version);
  let deleted = 0;
  for await (const page of ctx.transport.scan({ match, count })) {
    for (let start = 0; start < page.length; start += count) {
      const chunk = page.slice(start, start + count);
      const groups = ctx.transport.partitionKeys(chunk);
      const results = await ctx.transport.batch(
        groups.map((g) => ({
          commands: [{ name: 'UNLINK', keys: ALL_KEYS, args: g.map((i) => chunk[i]!) }],
        })),
      );
      for (const result of results) {
        if (!result.ok) throw toCachexError(result.error, { command: 'UNLINK' });
        deleted += toInt(result.value);
      }
    }
  }
  return deleted;
}
