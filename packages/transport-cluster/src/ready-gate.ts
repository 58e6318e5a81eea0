import { ClosedError, TimeoutError } from '@cachex/core';
import { type ClusterClient, CONNECTION_CLOSED } from './cluster-client.js';

/**
 * Resolves once the client is ready (connecting it if it never was), rejects when its current
 * connection attempt fails or it ends. One listener per attempt, however many calls wait.
 */
function whenReady(client: ClusterClient): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      client.removeListener('ready', onReady);
      client.removeListener('end', onEnd);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onReady = (): void => finish();
    const onEnd = (): void => finish(new Error(CONNECTION_CLOSED));
    client.once('ready', onReady);
    client.once('end', onEnd);
    // Called back when a connection attempt fails (or once it has the slot map).
    if (client.status !== 'connect') {
      client.delayUntilReady((error) => {
        if (error) finish(error);
      });
    }
    if (client.status === 'wait') client.connect().catch(() => undefined);
  });
}

/** A call waiting for a cluster client's slot map. */
interface Waiter {
  settle(error?: unknown): void;
}

/**
 * Where calls wait for a cluster client's slot map. While the cluster is unreachable the
 * driver would queue commands for ever; calls wait here instead, for the command timeout at
 * most, and fail fast when the connection attempt fails or the transport is closed.
 */
export class ReadyGate {
  readonly #timeoutMs: number;
  /** Calls waiting for a client's slot map. */
  readonly #waiting = new Set<Waiter>();
  /** The connection attempt under way per client, shared by the calls waiting for it. */
  readonly #attempts = new WeakMap<ClusterClient, Promise<void>>();
  #closed = false;

  /** @param timeoutMs how long a call may wait (`socketTimeoutMs`) */
  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Undefined when `client` is ready; otherwise a promise that resolves once it is (it connects
   * on first use and learns the slot map), or rejects when the attempt fails, after the command
   * timeout, or on {@link close}.
   */
  ready(client: ClusterClient): Promise<void> | undefined {
    if (client.status === 'ready') return undefined;
    if (this.#closed) return Promise.reject(new ClosedError('The transport has been closed'));
    let attempt = this.#attempts.get(client);
    if (attempt === undefined) {
      const current = whenReady(client);
      const forget = (): void => {
        if (this.#attempts.get(client) === current) this.#attempts.delete(client);
      };
      current.then(forget, forget);
      this.#attempts.set(client, current);
      attempt = current;
    }
    const pending = attempt;
    return new Promise<void>((resolve, reject) => {
      const ms = this.#timeoutMs;
      const timer = setTimeout(() => {
        waiter.settle(
          new TimeoutError(`The cluster did not answer within ${ms} ms (socketTimeoutMs)`),
        );
      }, ms);
      const waiter: Waiter = {
        settle: (error?: unknown) => {
          if (!this.#waiting.delete(waiter)) return;
          clearTimeout(timer);
          if (error === undefined) resolve();
          else reject(error);
        },
      };
      this.#waiting.add(waiter);
      pending.then(
        () => waiter.settle(),
        (error: unknown) => waiter.settle(error ?? new Error(CONNECTION_CLOSED)),
      );
    });
  }

  /** The calls waiting reject with a `ClosedError` each, and so do later ones. */
  close(): void {
    this.#closed = true;
    for (const waiter of [...this.#waiting]) {
      waiter.settle(new ClosedError('The transport was closed while the call waited'));
    }
  }
}
