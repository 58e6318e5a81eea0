import { ClosedError, ConfigError } from '@cachex/core';
import type { DriverClient } from './load-driver.js';
import {
  DEFAULT_BLOCKING_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_BLOCKING_CONNECTIONS,
  type DriverTransportOptions,
} from './options.js';

/** The pool's limits, checked. */
export interface BlockingPoolSettings {
  max: number;
  idleTimeoutMs: number;
}

export function blockingPoolSettings(options: DriverTransportOptions): BlockingPoolSettings {
  const max = options.maxBlockingConnections ?? DEFAULT_MAX_BLOCKING_CONNECTIONS;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new ConfigError('maxBlockingConnections must be a positive integer', {
      context: { field: 'maxBlockingConnections' },
    });
  }
  const idleTimeoutMs = options.blockingIdleTimeoutMs ?? DEFAULT_BLOCKING_IDLE_TIMEOUT_MS;
  if (typeof idleTimeoutMs !== 'number' || !Number.isFinite(idleTimeoutMs) || idleTimeoutMs <= 0) {
    throw new ConfigError('blockingIdleTimeoutMs must be a positive number of milliseconds', {
      context: { field: 'blockingIdleTimeoutMs' },
    });
  }
  return { max, idleTimeoutMs };
}

/** A call waiting for a connection. */
interface Waiter {
  resolve(client: DriverClient | undefined): void;
  reject(error: ClosedError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Idle {
  client: DriverClient;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The connections blocking commands run on. Each is either idle or lent to exactly one call:
 * a connection is handed out only from the idle list (or freshly opened) and comes back only
 * through {@link release}, so a busy one is never lent twice. At most `max` are open at once;
 * calls beyond that wait in a queue, first come, first served. Idle connections are closed after
 * `idleTimeoutMs`. Timers are unref'd: they never keep a process alive.
 */
export class BlockingPool {
  readonly #open: () => DriverClient;
  readonly #retire: (client: DriverClient) => void;
  readonly #max: number;
  readonly #idleTimeoutMs: number;
  /** Most recently used last: reusing it first lets the others reach their idle timeout. */
  readonly #idle: Idle[] = [];
  readonly #busy = new Set<DriverClient>();
  readonly #waiters: Waiter[] = [];
  #closed = false;

  /**
   * @param open opens a new connection (lazily: it connects on its first command)
   * @param retire closes a connection the pool no longer keeps
   */
  constructor(
    settings: BlockingPoolSettings,
    open: () => DriverClient,
    retire: (client: DriverClient) => void,
  ) {
    this.#max = settings.max;
    this.#idleTimeoutMs = settings.idleTimeoutMs;
    this.#open = open;
    this.#retire = retire;
  }

  /** Connections lent out, idle, and calls waiting for one. */
  get stats(): { busy: number; idle: number; waiting: number } {
    return { busy: this.#busy.size, idle: this.#idle.length, waiting: this.#waiters.length };
  }

  /**
   * A connection for one call: at once when one is idle or the pool is below its limit (then
   * `queued` is false), else once one is released. Resolves `undefined` when `deadline`
   * (a `performance.now()` time) passes first; rejects with a `ClosedError` once closed.
   */
  acquire(
    deadline: number | undefined,
  ): { client: DriverClient; queued: false } | Promise<DriverClient | undefined> {
    if (this.#closed) return Promise.reject(new ClosedError('The transport has been closed'));
    const client = this.#take();
    if (client) return { client, queued: false };
    return new Promise<DriverClient | undefined>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      if (deadline !== undefined) {
        waiter.timer = setTimeout(
          () => {
            const at = this.#waiters.indexOf(waiter);
            if (at !== -1) this.#waiters.splice(at, 1);
            resolve(undefined);
          },
          Math.max(0, deadline - performance.now()),
        );
        waiter.timer.unref();
      }
      this.#waiters.push(waiter);
    });
  }

  /**
   * Gives back a connection lent by {@link acquire}. A reusable one goes to the first waiting
   * call, else to the idle list; another is closed, and a waiting call gets a new connection.
   */
  release(client: DriverClient, reusable: boolean): void {
    if (!this.#busy.delete(client)) return;
    if (this.#closed || !reusable) {
      this.#retire(client);
    } else {
      const waiter = this.#waiters.shift();
      if (waiter) {
        this.#lend(waiter, client);
        return;
      }
      const idle: Idle = {
        client,
        timer: setTimeout(() => {
          const at = this.#idle.indexOf(idle);
          if (at !== -1) this.#idle.splice(at, 1);
          this.#retire(client);
        }, this.#idleTimeoutMs),
      };
      idle.timer.unref();
      this.#idle.push(idle);
    }
    this.#serveWaiters();
  }

  /**
   * Stops lending: waiting calls reject with a `ClosedError` each, idle connections are closed.
   * Returns the connections still lent out (the caller cuts them; their calls then release them).
   */
  close(): DriverClient[] {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new ClosedError('The transport was closed while the call waited'));
    }
    for (const idle of this.#idle.splice(0)) {
      clearTimeout(idle.timer);
      this.#retire(idle.client);
    }
    return [...this.#busy];
  }

  #take(): DriverClient | undefined {
    const idle = this.#idle.pop();
    let client: DriverClient | undefined;
    if (idle) {
      clearTimeout(idle.timer);
      client = idle.client;
    } else if (this.#busy.size < this.#max) {
      client = this.#open();
    }
    if (client) this.#busy.add(client);
    return client;
  }

  #lend(waiter: Waiter, client: DriverClient): void {
    clearTimeout(waiter.timer);
    this.#busy.add(client);
    waiter.resolve(client);
  }

  #serveWaiters(): void {
    while (this.#waiters.length > 0) {
      const client = this.#take();
      if (!client) return;
      this.#lend(this.#waiters.shift()!, client);
    }
  }
}
