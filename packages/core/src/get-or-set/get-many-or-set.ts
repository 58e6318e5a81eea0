import { keyList } from '../commands/flags.js';
import type { Entries } from '../commands/many.js';
import { setManyStep } from '../commands/many.js';
import { isCachexError } from '../errors.js';
import { type LockAttempt, lockAttemptsStep, pollPause, releaseManyStep } from './flight-lock.js';
import type { GetOrSetHost } from './get-or-set.js';
import type { GetOrSetResult, ResolvedGetOrSet } from './options.js';
import { asFactoryError, freshLeft, physicalExpiry } from './outcome.js';
import { readEntriesStep, type StoredEntry } from './read-entry.js';

/** Computes the values of the keys it is given (those missing or stale), in one call. */
export type ManyFactory<T> = (keys: string[]) => Entries<T> | Promise<Entries<T>>;

/** A factory's result as a Map, whatever shape it came in; anything else is refused. */
function toMap<T>(entries: Entries<T>): Map<string, T> {
  if (entries instanceof Map) return entries as Map<string, T>;
  if (entries === null || typeof entries !== 'object') {
    throw new TypeError(
      `the factory must return a Map, a record or [key, value] pairs, got ${entries === null ? 'null' : typeof entries}`,
    );
  }
  if (Symbol.iterator in entries) return new Map(entries as Iterable<readonly [string, T]>);
  return new Map(Object.entries(entries as Record<string, T>));
}

/**
 * `getManyOrSet`: every key's value and TTL in one batch; the keys missing (or stale) are
 * computed by one factory call and stored in one batch. A key another call in this process is
 * already computing is waited for instead of being asked again. Within `grace`, a key's stale
 * value is served when the factory fails (and at once with `staleWhileRevalidate`).
 */
export async function getManyOrSet<T>(
  host: GetOrSetHost,
  requested: Iterable<string>,
  factory: ManyFactory<T>,
  o: ResolvedGetOrSet,
): Promise<Map<string, T>> {
  const keys = [...new Set(keyList(requested, 'getManyOrSet') as string[])];
  const result = new Map<string, T>();
  if (keys.length === 0) return result;
  const stored = keys.map((key) => host.context.makeKey(key, o.version));
  let entries: (StoredEntry<T> | undefined)[];
  let down = false;
  try {
    entries = await host.send(readEntriesStep<T>(host.context, keys, stored));
  } catch (error) {
    host.swallow(error);
    down = true;
    entries = [];
  }
  const now: number[] = [];
  const later: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const entry = entries[i];
    if (entry !== undefined && freshLeft(entry, o) > 0) continue;
    if (entry !== undefined && (o.swr || host.state.backingOff(stored[i]!))) later.push(i);
    else now.push(i);
  }
  const batch: Batch<T> = { host, keys, stored, entries, factory, o, down };
  if (later.length > 0) {
    const fresh = later.filter((i) => !host.state.backingOff(stored[i]!));
    if (fresh.length > 0) Promise.all(computeBatch(batch, fresh, true)).catch(() => undefined);
  }
  const settled = await Promise.allSettled(computeBatch(batch, now, false));
  // In the caller's order of keys: fresh values, then what was computed or kept stale.
  const computed = new Map<number, T | undefined>();
  for (let n = 0; n < now.length; n++) {
    const i = now[n]!;
    const outcome = settled[n]!;
    if (outcome.status === 'fulfilled') computed.set(i, outcome.value);
    else if (entries[i] !== undefined && isCachexError(outcome.reason, 'E_FACTORY')) {
      computed.set(i, entries[i]!.value);
    } else throw outcome.reason;
  }
  for (let i = 0; i < keys.length; i++) {
    const value = computed.has(i) ? computed.get(i) : entries[i]?.value;
    if (value !== undefined) result.set(keys[i]!, value);
  }
  return result;
}

/** One `getManyOrSet` call: its keys (by index), what was read, and how to compute. */
interface Batch<T> {
  readonly host: GetOrSetHost;
  readonly keys: readonly string[];
  readonly stored: readonly string[];
  /** What the first read found, per key (stale values among them). */
  readonly entries: readonly (StoredEntry<T> | undefined)[];
  readonly factory: ManyFactory<T>;
  readonly o: ResolvedGetOrSet;
  /** The first read failed and `ignoreExceptions` swallowed it: nothing is stored. */
  readonly down: boolean;
}

/**
 * Starts the computation of the keys at `indexes`: one factory call for those nobody in this
 * process is computing (with `singleFlight: 'cluster'`, those no other process is computing
 * either), a wait on the others. Resolves one promise per index, in order.
 */
function computeBatch<T>(
  b: Batch<T>,
  indexes: readonly number[],
  background: boolean,
): Promise<T | undefined>[] {
  const { host, keys, stored, o } = b;
  const asked = indexes.filter((i) => !host.flights.has(stored[i]!));
  let values: Promise<Map<string, T>> | undefined;
  // Started by the first flight that needs it, so the flights of keys already in progress
  // elsewhere (not in `asked`) never trigger it.
  const compute = (): Promise<Map<string, T>> => {
    values ??=
      o.cluster && !b.down
        ? produceOnce(b, asked, background)
        : produce(b, asked, b.down, background);
    return values;
  };
  // Flights resolve getOrSet's outcome shape: a getOrSet of one of these keys may wait on them.
  const outcome = (i: number) => (): Promise<GetOrSetResult<T | undefined>> =>
    compute().then((m) => {
      const createdAt = Date.now();
      return {
        value: m.get(keys[i]!),
        status: 'miss',
        createdAt,
        expiresAt: o.freshMs === null ? null : createdAt + o.freshMs,
      };
    });
  return indexes.map((i) =>
    host.flights.run(stored[i]!, keys[i]!, outcome(i), background).then((result) => result.value),
  );
}

/**
 * `singleFlight: 'cluster'` for a batch: takes the flight locks of the keys at `indexes` and
 * reads them in one round trip; computes (one factory call) the keys it got the lock of, takes
 * the values other processes wrote meanwhile, and waits (polling, as getOrSet does) for the
 * keys other processes hold, until each has a value or its lock is free to take.
 */
async function produceOnce<T>(
  b: Batch<T>,
  indexes: readonly number[],
  background: boolean,
): Promise<Map<string, T>> {
  const { host, keys, stored, entries, o } = b;
  const result = new Map<string, T>();
  const started = performance.now();
  let pending = [...indexes];
  while (pending.length > 0) {
    // Past the lease, a lock still held is not waited for any more (see getOrSet).
    const overdue = performance.now() - started > o.lockMs;
    let attempts: LockAttempt<T>[];
    try {
      attempts = await host.send(
        lockAttemptsStep<T>(
          host.context,
          pending.map((i) => keys[i]!),
          pending.map((i) => stored[i]!),
          o.lockMs,
          !overdue,
        ),
      );
    } catch (error) {
      // The server went away meanwhile: compute what is left without storing it.
      host.swallow(error);
      for (const [key, value] of await produce(b, pending, true, background))
        result.set(key, value);
      return result;
    }
    const mine: number[] = [];
    const locks: [string, Buffer][] = [];
    const waiting: number[] = [];
    pending.forEach((i, j) => {
      const { token, entry } = attempts[j]!;
      if (token !== undefined) locks.push([stored[i]!, token]);
      const seen = entries[i];
      const seenExpiry = seen === undefined ? Number.NEGATIVE_INFINITY : physicalExpiry(seen);
      // Written since we looked (by whoever held the lock): that is the value.
      if (entry !== undefined && freshLeft(entry, o) > 0 && physicalExpiry(entry) > seenExpiry) {
        result.set(keys[i]!, entry.value);
      } else if (token !== undefined || overdue) mine.push(i);
      else waiting.push(i);
    });
    try {
      if (mine.length > 0) {
        for (const [key, value] of await produce(b, mine, false, background))
          result.set(key, value);
      }
    } finally {
      // A release that fails (the server went away) leaves the leases to expire.
      await host.send(releaseManyStep(locks)).catch(() => undefined);
    }
    pending = waiting;
    if (pending.length > 0) await pollPause(started);
  }
  return result;
}

/** Calls the factory for the keys at `indexes` and stores what it returned (one batch). */
async function produce<T>(
  b: Batch<T>,
  indexes: readonly number[],
  down: boolean,
  background: boolean,
): Promise<Map<string, T>> {
  const { host, keys, stored, entries, factory, o } = b;
  const userKeys = indexes.map((i) => keys[i]!);
  const started = performance.now();
  let values: Map<string, T>;
  try {
    values = toMap(await factory(userKeys));
  } catch (error) {
    const failure = asFactoryError(error, userKeys[0]!);
    const staleServed = indexes.some((i) => entries[i] !== undefined);
    let retryInMs: number | undefined;
    for (const i of indexes) {
      if (entries[i] !== undefined) retryInMs = host.state.failed(stored[i]!, o.backoffMs);
    }
    host.factoryError(failure, {
      key: userKeys[0]!,
      keys: userKeys,
      staleServed,
      background,
      retryInMs,
    });
    throw failure;
  }
  const ms = performance.now() - started;
  for (const i of indexes) host.state.succeeded(stored[i]!, ms);
  const asked = new Set(userKeys);
  const toStore = [...values].filter(([key, value]) => value !== undefined && asked.has(key));
  if (down || o.freshMs === 0 || toStore.length === 0) return values;
  const timeout = o.freshMs === null ? null : (o.freshMs + o.graceMs) / 1000;
  try {
    await host.send(await setManyStep(host.context, toStore, { timeout, version: o.version }));
  } catch (error) {
    host.swallow(error);
  }
  return values;
}
