import type { EndpointOptions } from '@cachex/config';
import { ClosedError, ConfigError, NotSupportedError } from '@cachex/core';
import type { DriverClient } from './load-driver.js';
import {
  DEFAULT_BLOCKING_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  type DriverTransportOptions,
} from './options.js';

/** The pool's limits, checked. */
export interface BlockingPoolSettings {
  /**
   * Most connections open at once; 0 when `maxConnections` is 1 (no connection left for
   * blocking commands: they reject with a `NotSupportedError`).
   */
  max: number;
  idleTimeoutMs: number;
}

function positiveInteger(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    // Only a number is echoed: a string in the wrong place could be a secret.
    const got = typeof value === 'number' ? String(value) : `a ${typeof value}`;
    throw new ConfigError(`${field} must be an integer >= 1, got ${got}`, {
      context: { field },
    });
  }
  return value;
}

/**
 * The blocking pool's limits from the transport's options and the URL's parameters (`url`: the
 * endpoint the blocking connections go to; its `?max_connections=` wins over `maxConnections`).
 * One connection per server is kept for ordinary commands, so the pool may open
 * `maxConnections - 1` connections, or `maxBlockingConnections` when given (which must then fit
 * in `maxConnections - 1` if that is given too). Throws a `ConfigError` naming the field.
 */
export function blockingPoolSettings(
  options: DriverTransportOptions,
  url?: EndpointOptions,
): BlockingPoolSettings {
  const maxConnections =
    positiveInteger(url?.maxConnections, 'maxConnections') ??
    positiveInteger(options.maxConnections, 'maxConnections');
  const maxBlocking = positiveInteger(options.maxBlockingConnections, 'maxBlockingConnections');
  let max: number;
  if (maxBlocking === undefined) {
    max = (maxConnections ?? DEFAULT_MAX_CONNECTIONS) - 1;
  } else {
    if (maxConnections !== undefined && maxBlocking > maxConnections - 1) {
      throw new ConfigError(
        `maxBlockingConnections (${maxBlocking}) must be at most maxConnections - 1 (${maxConnections - 1}): one connection is kept for ordinary commands`,
        {
          context: {
            field: 'maxBlockingConnections',
            fields: ['maxBlockingConnections', 'maxConnections'],
          },
        },
      );
    }
    max = maxBlocking;
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
    if (this.#max === 0) {
      // Not a wait that could ever end: no connection may be opened for blocking commands.
      return Promise.reject(
        new NotSupportedError(
          'Blocking commands need a connection of their own, and maxConnections is 1 (the one connection is for ordinary commands): set maxConnections to 2 or more',
          { context: { field: 'maxConnections' } },
        ),
      );
    }
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
