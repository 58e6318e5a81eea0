import type { Reply } from '@cachex/core';
import type { BlockingRequest } from './commands/lists-blocking.js';
import type { Keyspace } from './keyspace.js';

/** A blocked pop in progress; `cancel` releases it with an error (used by `close()`). */
export interface BlockedCall {
  readonly promise: Promise<Reply>;
  /** False when the reply was there at once (`promise` is already resolved). */
  readonly waiting: boolean;
  cancel(error: Error): void;
}

interface Waiter {
  readonly request: BlockingRequest;
  resolve(reply: Reply): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout | undefined;
  done: boolean;
}

// setTimeout fires at once (with a TimeoutOverflowWarning) beyond 2^31-1 ms, so a long
// timeout is waited for in steps of at most this much.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The clients blocked on list keys, served first come, first served per key, like Redis: a
 * write that makes a watched list non-empty marks the key ready, and after the command (or the
 * whole transaction or script) the oldest waiters take its elements. No polling: waiters only
 * run when a key they watch is written, or when their own timer ends.
 */
export class BlockedClients {
  readonly #queues = new Map<string, Waiter[]>();
  readonly #ready = new Set<string>();

  /** How many calls are blocked. */
  get size(): number {
    const all = new Set<Waiter>();
    for (const queue of this.#queues.values()) for (const w of queue) all.add(w);
    return all.size;
  }

  /** Blocks a request until a watched key has elements, or its timeout (then nil). */
  block(request: BlockingRequest): BlockedCall {
    let waiter!: Waiter;
    const promise = new Promise<Reply>((resolve, reject) => {
      waiter = { request, resolve, reject, timer: undefined, done: false };
    });
    for (const key of new Set(request.keys)) {
      const queue = this.#queues.get(key);
      if (queue) queue.push(waiter);
      else this.#queues.set(key, [waiter]);
    }
    if (request.timeoutMs > 0) this.#arm(waiter, Date.now() + request.timeoutMs);
    return {
      promise,
      waiting: true,
      cancel: (error) => {
        if (this.#finish(waiter)) waiter.reject(error);
      },
    };
  }

  #arm(waiter: Waiter, deadline: number): void {
    const left = deadline - Date.now();
    if (left > MAX_TIMER_MS) {
      waiter.timer = setTimeout(() => this.#arm(waiter, deadline), MAX_TIMER_MS);
      return;
    }
    waiter.timer = setTimeout(() => {
      if (this.#finish(waiter)) waiter.resolve(null);
    }, left);
  }

  /** Unregisters a waiter; false when it was already done. */
  #finish(waiter: Waiter): boolean {
    if (waiter.done) return false;
    waiter.done = true;
    clearTimeout(waiter.timer);
    for (const key of waiter.request.keys) {
      const queue = this.#queues.get(key);
      if (queue === undefined) continue;
      const at = queue.indexOf(waiter);
      if (at >= 0) queue.splice(at, 1);
      if (queue.length === 0) this.#queues.delete(key);
    }
    return true;
  }

  /** Notes that a list was written (called by the keyspace). */
  signal(key: string): void {
    if (this.#queues.has(key)) this.#ready.add(key);
  }

  /**
   * Serves waiters of the keys written since the last call, oldest first, while those lists
   * hold elements. Serving can fill another list (BLMOVE), which is then served in turn.
   */
  serve(db: Keyspace): void {
    while (this.#ready.size > 0) {
      const key = this.#ready.values().next().value!;
      this.#ready.delete(key);
      for (;;) {
        const waiter = this.#queues.get(key)?.[0];
        const entry = db.peek(key);
        if (waiter === undefined || entry?.type !== 'list') break;
        let reply: Reply;
        try {
          reply = waiter.request.serve(db, key);
        } catch (error) {
          if (this.#finish(waiter)) waiter.reject(error);
          continue;
        }
        if (this.#finish(waiter)) waiter.resolve(reply);
      }
    }
  }

  /** Releases every waiter with an error. */
  cancelAll(error: Error): void {
    for (const queue of [...this.#queues.values()]) {
      for (const waiter of [...queue]) if (this.#finish(waiter)) waiter.reject(error);
    }
  }
}
