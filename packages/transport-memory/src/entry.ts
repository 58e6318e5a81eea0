import type { ListValue } from './list-value.js';
import type { SortedSet } from './sorted-set.js';

/** The Redis data types the memory store holds. */
export type DataType = 'string' | 'hash' | 'set' | 'zset' | 'list';

/** The value kept for each type. Members and fields are latin1 strings of their bytes. */
export interface Values {
  string: Buffer;
  hash: Map<string, Buffer>;
  set: Set<string>;
  zset: SortedSet;
  list: ListValue;
}

/** One key's value and bookkeeping. */
export interface EntryOf<T extends DataType> {
  readonly type: T;
  value: Values[T];
  /** Absolute expiry time (ms, on the store's clock), or undefined for none. */
  expiresAt: number | undefined;
  /** Bytes of the value: maintained by the command that changes it (see README, maxBytes). */
  bytes: number;
  /** Creation order, for SCAN cursors. */
  seq: number;
}

/** An entry of any type. */
export type Entry = { [T in DataType]: EntryOf<T> }[DataType];

/** Whether a collection has no members left (it then disappears, like in Redis). */
export function isEmpty(entry: Entry): boolean {
  switch (entry.type) {
    case 'string':
      return false;
    case 'hash':
    case 'set':
      return entry.value.size === 0;
    default:
      return entry.value.length === 0;
  }
}
