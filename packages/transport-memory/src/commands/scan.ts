import type { RedisArg, Reply } from '@cachex/core';
import type { Entry } from '../entry.js';
import type { Keyspace } from '../keyspace.js';
import { fail, SYNTAX } from '../reply-error.js';
import { integerOf, optionOf, syntax, textOf } from './args.js';
import { compileGlob } from './glob.js';
import type { CommandTable } from './types.js';

/** What one SCAN step looks at: a pattern and, optionally, a type. */
export interface ScanFilter {
  match: (key: string) => boolean;
  type?: string | undefined;
}

/**
 * Reads up to `count` keys from a live iterator over the keyspace (creation order) and returns
 * the matching live ones, with the creation number of the last key looked at (0 when done).
 * Expired keys met on the way are removed, as Redis' SCAN does.
 */
export function scanPage(
  db: Keyspace,
  iterator: Iterator<[string, Entry]>,
  count: number,
  filter: ScanFilter,
): { keys: string[]; last: number } {
  const keys: string[] = [];
  let last = 0;
  for (let examined = 0; examined < count; examined++) {
    const next = iterator.next();
    if (next.done) return { keys, last: 0 };
    const [key, entry] = next.value;
    last = entry.seq;
    if (db.isExpired(entry)) {
      db.delete(key);
      continue;
    }
    if (filter.type !== undefined && entry.type !== filter.type) continue;
    if (filter.match(key)) keys.push(key);
  }
  return { keys, last };
}

// A SCAN cursor is the creation number of the last key returned. The live iterator a page
// stopped at is kept (for a while) under that cursor, so the next call resumes it exactly; a
// cursor that is not kept any more resumes by skipping keys created up to it, which keeps the
// guarantee (keys are visited in creation order) at the cost of a walk.
const MAX_OPEN_CURSORS = 64;
const openCursors = new WeakMap<Keyspace, Map<number, Iterator<[string, Entry]>>>();

function resume(db: Keyspace, cursor: number): Iterator<[string, Entry]> {
  let open = openCursors.get(db);
  if (open === undefined) {
    open = new Map();
    openCursors.set(db, open);
  }
  const kept = open.get(cursor);
  if (kept !== undefined) {
    open.delete(cursor);
    return kept;
  }
  const iterator = db.entries();
  if (cursor === 0) return iterator;
  // Skip what the previous pages covered, without consuming the first key after the cursor.
  const pending: [string, Entry][] = [];
  for (let next = iterator.next(); !next.done; next = iterator.next()) {
    if (next.value[1].seq > cursor) {
      pending.push(next.value);
      break;
    }
  }
  return {
    next: () =>
      pending.length > 0
        ? { done: false, value: pending.shift()! }
        : (iterator.next() as IteratorResult<[string, Entry]>),
  };
}

function keep(db: Keyspace, cursor: number, iterator: Iterator<[string, Entry]>): void {
  const open = openCursors.get(db)!;
  if (open.size >= MAX_OPEN_CURSORS) open.delete(open.keys().next().value!);
  open.set(cursor, iterator);
}

function scan(db: Keyspace, args: readonly RedisArg[]): Reply {
  const cursorText = textOf(args[0]!);
  if (!/^\d+$/.test(cursorText)) fail('ERR invalid cursor');
  const cursor = Number(cursorText);
  let count = 10;
  let pattern = '*';
  let type: string | undefined;
  for (let i = 1; i < args.length; i += 2) {
    const option = optionOf(args[i]!);
    syntax(i + 1 < args.length);
    const value = args[i + 1]!;
    if (option === 'COUNT') {
      count = integerOf(value);
      syntax(count >= 1);
    } else if (option === 'MATCH') pattern = textOf(value);
    else if (option === 'TYPE') type = textOf(value).toLowerCase();
    else fail(SYNTAX);
  }
  // An unknown type name matches nothing, as in Redis 7.0.
  const filter = { match: compileGlob(pattern), type };
  const iterator = resume(db, cursor);
  const page = scanPage(db, iterator, count, filter);
  if (page.last !== 0) keep(db, page.last, iterator);
  return [Buffer.from(String(page.last)), page.keys.map((k) => Buffer.from(k))];
}

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. */
export const scanCommands: CommandTable = {
  SCAN: { arity: -2, run: scan },
};
