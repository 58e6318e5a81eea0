import { AsyncLocalStorage } from 'node:async_hooks';
import { FactoryCycleError } from './errors.js';

/** One computation in progress, shared by every caller that asks for its key meanwhile. */
interface Flight {
  /** The user key, for messages. */
  readonly label: string;
  readonly promise: Promise<unknown>;
  /** Flights this one's factory is waiting for right now (edges of the wait-for graph). */
  readonly waitsFor: Set<Flight>;
}

// The flight whose factory is running in the current async context. Shared by every cache in
// the process, so a cycle through two caches is found too.
const running = new AsyncLocalStorage<Flight>();

/** The path of flights from `from` to `to` along wait-for edges, or undefined. */
function pathTo(from: Flight, to: Flight, seen = new Set<Flight>()): Flight[] | undefined {
  if (from === to) return [from];
  seen.add(from);
  for (const next of from.waitsFor) {
    if (seen.has(next)) continue;
    const rest = pathTo(next, to, seen);
    if (rest) return [from, ...rest];
  }
  return undefined;
}

async function waitFor<T>(caller: Flight | undefined, flight: Flight): Promise<T> {
  if (caller === undefined) return flight.promise as Promise<T>;
  caller.waitsFor.add(flight);
  try {
    return (await flight.promise) as T;
  } finally {
    caller.waitsFor.delete(flight);
  }
}

/**
 * Coalesces concurrent computations of the same key in this process: the first caller runs
 * the factory, later callers wait for its result. A factory that waits, directly or through
 * other keys, for a computation that waits for it (`a` → `a`, `a` → `b` → `a`, or two requests
 * computing `a` and `b` that each need the other) would never finish; that call rejects with
 * a {@link FactoryCycleError} instead. Only misses pay for the bookkeeping.
 */
export class SingleFlight {
  readonly #flights = new Map<string, Flight>();

  /** Whether a computation for `id` is in progress. */
  has(id: string): boolean {
    return this.#flights.has(id);
  }

  /**
   * Runs `compute` for `id` unless a computation for it is in progress; shares its result.
   * `detached`: the caller does not wait for it (a background refresh), so it adds no edge to
   * the wait-for graph.
   */
  run<T>(id: string, label: string, compute: () => Promise<T>, detached = false): Promise<T> {
    const caller = detached ? undefined : running.getStore();
    const existing = this.#flights.get(id);
    if (existing !== undefined) {
      const cycle = caller === undefined ? undefined : pathTo(existing, caller);
      if (cycle !== undefined) return Promise.reject(cycleError([...cycle, existing]));
      return waitFor<T>(caller, existing);
    }
    const flight: Flight = {
      label,
      waitsFor: new Set(),
      promise: undefined as unknown as Promise<unknown>,
    };
    const promise = running.run(flight, compute).finally(() => {
      if (this.#flights.get(id) === flight) this.#flights.delete(id);
    });
    (flight as { promise: Promise<unknown> }).promise = promise;
    // Nobody else may be waiting: the caller's own await handles a rejection.
    promise.catch(() => undefined);
    this.#flights.set(id, flight);
    return waitFor<T>(caller, flight);
  }
}

function cycleError(cycle: readonly Flight[]): FactoryCycleError {
  const chain = cycle.map((f) => f.label);
  const shown = chain.map((k) => JSON.stringify(k)).join(' → ');
  return new FactoryCycleError(
    `getOrSet: the factory for key ${JSON.stringify(chain[0])} waits for its own result (${shown}); a factory must not ask getOrSet for a key whose computation is waiting for it`,
    { context: { key: chain[chain.length - 1], chain } },
  );
}
