import { type Command, CrossSlotError, keysOf, NO_KEYS, type RedisArg } from '@cachex/core';
import { hashSlot } from './hash-slot.js';

/** The hash slot of a key (see {@link hashSlot}). */
export function slotOf(key: RedisArg): number {
  return hashSlot(typeof key === 'number' ? String(key) : key);
}

/** Where a set of keys lives: one slot, none (no keys), or several (listed). */
export type SlotSpan =
  | { readonly cross: false; readonly slot: number | undefined }
  | { readonly cross: true; readonly keys: readonly RedisArg[]; readonly slots: readonly number[] };

/** The slot the keys of these commands share, or the keys and slots when they do not. */
export function spanOf(commands: readonly Pick<Command, 'args' | 'keys'>[]): SlotSpan {
  let slot: number | undefined;
  let cross = false;
  const keys: RedisArg[] = [];
  const slots: number[] = [];
  for (const command of commands) {
    for (const key of keysOf(command.keys ?? NO_KEYS, command.args)) {
      const s = slotOf(key);
      keys.push(key);
      if (!slots.includes(s)) slots.push(s);
      if (slot === undefined) slot = s;
      else if (s !== slot) cross = true;
    }
  }
  return cross ? { cross: true, keys, slots } : { cross: false, slot };
}

const SHOWN_KEYS = 6;

function show(key: RedisArg): string {
  const text = Buffer.isBuffer(key) ? key.toString('utf8') : String(key);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

function listKeys(keys: readonly RedisArg[]): string {
  const shown = keys.slice(0, SHOWN_KEYS).map(show);
  const more = keys.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

const FIX =
  'Keys are in one slot when they share a hash tag, the part between { and } (only that part ' +
  'is hashed): "{user42}:a" and "{user42}:b" share a slot. Give these keys the same tag';

/**
 * A `CrossSlotError` for a command (or atomic group, or transaction) whose keys span several
 * hash slots, before anything is sent: the message names the keys and says how to fix it.
 * Each call returns a new error object.
 */
export function crossSlotError(
  what: string,
  span: Extract<SlotSpan, { cross: true }>,
  command: string,
  alternative?: string,
): CrossSlotError {
  const slots = span.slots.slice(0, SHOWN_KEYS).join(', ');
  return new CrossSlotError(
    `${what}: the keys ${listKeys(span.keys)} are in different hash slots of the cluster ` +
      `(${slots}${span.slots.length > SHOWN_KEYS ? ', …' : ''}), and Redis runs it only when ` +
      `all its keys are in one slot; nothing was sent. ${FIX}${alternative ? `, or ${alternative}` : ''}.`,
    { context: { command: command.toUpperCase() } },
  );
}

/**
 * Items grouped by their slot (`undefined`: no keys), the groups in the order their slot first
 * appears, the items of each in their order.
 */
export function groupBySlot<T>(items: Iterable<T>, slot: (item: T) => number | undefined): T[][] {
  const groups = new Map<number | undefined, T[]>();
  for (const item of items) {
    const key = slot(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return [...groups.values()];
}
