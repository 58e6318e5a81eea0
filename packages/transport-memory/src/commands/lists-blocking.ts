import type { RedisArg, Reply } from '@cachex/core';
import type { Keyspace } from '../keyspace.js';
import { fail } from '../reply-error.js';
import { keyOf, textOf } from './args.js';
import { parseLongDouble } from './float.js';
import { moveElement, popElement, sideOf } from './lists.js';
import type { CommandTable } from './types.js';

/**
 * A parsed blocking pop: the keys to watch in order, the timeout, and what to do once one of
 * them holds elements. The store runs `serve` at once when it can, else when a write makes a
 * watched list non-empty (see `blocking.ts`).
 */
export interface BlockingRequest {
  readonly keys: readonly string[];
  /** Milliseconds; 0 waits forever. */
  readonly timeoutMs: number;
  /** Pops from `key` (a non-empty list) and builds the reply; may throw a reply error. */
  serve(db: Keyspace, key: string): Reply;
}

/** Parses the arguments of a blocking command (the arity is already checked). */
export type BlockingParser = (args: readonly RedisArg[]) => BlockingRequest;

/** A timeout in seconds (fractions allowed) as Redis 7.0 reads it: ceil to ms, not negative. */
function timeoutOf(arg: RedisArg): number {
  const parsed = parseLongDouble(textOf(arg));
  if (parsed === undefined) fail('ERR timeout is not a float or out of range');
  const seconds =
    typeof parsed === 'number'
      ? parsed
      : (parsed.negative ? -1 : 1) * Number(parsed.mantissa) * 2 ** parsed.exponent;
  const ms = Math.ceil(seconds * 1000);
  if (ms > Number.MAX_SAFE_INTEGER) fail('ERR timeout is out of range');
  if (ms < 0) fail('ERR timeout is negative');
  return ms;
}

function popRequest(left: boolean): BlockingParser {
  return (args) => ({
    keys: args.slice(0, -1).map(keyOf),
    timeoutMs: timeoutOf(args[args.length - 1]!),
    serve: (db, key) => {
      const entry = db.read(key, 'list')!;
      return [Buffer.from(key), Buffer.from(popElement(db, key, entry, left))];
    },
  });
}

function moveRequest(args: readonly RedisArg[], from: boolean, to: boolean, timeout: RedisArg) {
  const dst = keyOf(args[1]!);
  return {
    keys: [keyOf(args[0]!)],
    timeoutMs: timeoutOf(timeout),
    serve: (db: Keyspace, key: string) => moveElement(db, key, dst, from, to),
  };
}

/** The blocking commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH. */
export const blockingParsers: Readonly<Record<string, BlockingParser>> = {
  BLPOP: popRequest(true),
  BRPOP: popRequest(false),
  BLMOVE: (args) => moveRequest(args, sideOf(args[2]!), sideOf(args[3]!), args[4]!),
  BRPOPLPUSH: (args) => moveRequest(args, false, true, args[2]!),
};

/**
 * Serves a request now if one of its keys holds elements (checking each key's type on the
 * way, like Redis); undefined when it would have to wait.
 */
export function serveNow(db: Keyspace, request: BlockingRequest): Reply | undefined {
  for (const key of request.keys) {
    if (db.read(key, 'list') !== undefined) return request.serve(db, key);
  }
  return undefined;
}

function nonBlocking(parse: BlockingParser) {
  return (db: Keyspace, args: readonly RedisArg[]): Reply => serveNow(db, parse(args)) ?? null;
}

/**
 * The blocking commands where blocking is not possible (inside a transaction or batch): they
 * answer nil at once when nothing is there, as Redis does inside MULTI.
 */
export const blockingListCommands: CommandTable = {
  BLPOP: { arity: -3, run: nonBlocking(blockingParsers.BLPOP!) },
  BRPOP: { arity: -3, run: nonBlocking(blockingParsers.BRPOP!) },
  BLMOVE: { arity: 6, run: nonBlocking(blockingParsers.BLMOVE!) },
  BRPOPLPUSH: { arity: 4, run: nonBlocking(blockingParsers.BRPOPLPUSH!) },
};
