import type { InvalidationHandlers, InvalidationOptions, InvalidationTracking } from '@cachex/core';
import { closeClient } from './close-client.js';
import type { DriverClient } from './load-driver.js';

/** The channel the server publishes invalidations on, for clients that redirect them. */
const CHANNEL = '__redis__:invalidate';

/** Events after which a connection's tracking state on the server is gone or unknown. */
const LOST_EVENTS = ['close', 'end', 'reconnecting'] as const;

function toKeys(message: unknown): string[] | null {
  if (message === null || message === undefined) return null;
  if (Array.isArray(message)) return message.map((key) => String(key));
  return [String(message)];
}

/**
 * Server-assisted invalidation for one data connection: a subscriber connection of its own
 * (on the same server: a redirect cannot cross servers) listens on `__redis__:invalidate`, and
 * the data connection sends `CLIENT TRACKING ON REDIRECT <subscriber id>`, so the server
 * reports every key the data connection read that then changed.
 *
 * The server forgets a connection's tracking when the connection goes, and stops reporting when
 * the subscriber goes. So each time either connection is lost, the near cache hears
 * `tracking(false)` (and must forget what it holds); once both are back, the subscriber
 * subscribes again, the data connection enables tracking again, and only then
 * `tracking(true)`. Commands sent on the data connection after that reply are tracked.
 * Setups that a newer loss or reconnection overtook are abandoned (run counters: one for the
 * subscriber's setup, one for enabling tracking, which either connection's events restart).
 */
export class InvalidationTracker implements InvalidationTracking {
  readonly #data: DriverClient;
  readonly #subscriber: DriverClient;
  readonly #handlers: InvalidationHandlers;
  /** The arguments after `REDIRECT <id>`: `BCAST PREFIX p…` in broadcasting mode. */
  readonly #mode: string[];
  readonly #listeners: [DriverClient, string, (...args: unknown[]) => void][] = [];
  /** The subscriber connection's CLIENT ID, while it is subscribed. */
  #subscriberId: string | undefined;
  #subscriberRun = 0;
  #run = 0;
  #active = false;
  #closed = false;
  /** A reconnection of the subscriber the tracker itself scheduled (see #restart). */
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #restarts = 0;

  constructor(
    data: DriverClient,
    subscriber: DriverClient,
    handlers: InvalidationHandlers,
    options: InvalidationOptions = {},
  ) {
    this.#data = data;
    this.#subscriber = subscriber;
    this.#handlers = handlers;
    const prefixes = options.broadcastPrefixes;
    this.#mode =
      prefixes === undefined ? [] : ['BCAST', ...prefixes.flatMap((prefix) => ['PREFIX', prefix])];
    this.#listen(subscriber, 'messageBuffer', (channel, message) => {
      if (String(channel) === CHANNEL) handlers.invalidate(toKeys(message));
    });
    this.#listen(subscriber, 'ready', () => {
      this.#restarts = 0;
      void this.#subscribe();
    });
    // A driver that gives up reconnecting ends the client (a sentinel client whose lookup found
    // no primary, during a failover): connect it again, with a backoff.
    this.#listen(subscriber, 'end', () => this.#restart());
    this.#listen(data, 'ready', () => void this.#enable());
    for (const event of LOST_EVENTS) {
      this.#listen(subscriber, event, () => this.#lost(true));
      this.#listen(data, event, () => this.#lost(false));
    }
    subscriber.connect().catch((error: unknown) => this.#fail(error));
    // The data connection is lazy: if it is up already, 'ready' will not come again.
    if (data.status === 'ready') void this.#enable();
  }

  #listen(client: DriverClient, event: string, listener: (...args: unknown[]) => void): void {
    client.on(event, listener);
    this.#listeners.push([client, event, listener]);
  }

  #setActive(active: boolean): void {
    if (this.#active === active) return;
    this.#active = active;
    this.#handlers.tracking(active);
  }

  #lost(subscriber: boolean): void {
    this.#run++;
    if (subscriber) {
      this.#subscriberRun++;
      this.#subscriberId = undefined;
    }
    this.#setActive(false);
  }

  #restart(): void {
    if (this.#closed || this.#restartTimer !== undefined) return;
    const delay = Math.min(100 * 2 ** this.#restarts++, 2000);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#closed || this.#subscriber.status !== 'end') return;
      // A failure ends the client again, which schedules the next attempt.
      this.#subscriber.connect().catch(() => {});
    }, delay);
    // Waiting to reconnect never keeps the process alive on its own.
    this.#restartTimer.unref();
  }

  #fail(error: unknown): void {
    if (!this.#closed) this.#handlers.error(error);
  }

  /** The subscriber connected: learn its id, subscribe, then (re)enable tracking. */
  async #subscribe(): Promise<void> {
    const run = ++this.#subscriberRun;
    this.#run++;
    this.#setActive(false);
    try {
      const id = String(await this.#subscriber.callBuffer('CLIENT', 'ID'));
      await this.#subscriber.subscribe(CHANNEL);
      if (run !== this.#subscriberRun || this.#closed) return;
      this.#subscriberId = id;
    } catch (error) {
      this.#fail(error);
      return;
    }
    await this.#enable();
  }

  /** Turns tracking on for the data connection, redirected to the subscriber. */
  async #enable(): Promise<void> {
    const run = ++this.#run;
    this.#setActive(false);
    const id = this.#subscriberId;
    if (id === undefined || this.#closed) return;
    try {
      await this.#data.callBuffer('CLIENT', 'TRACKING', 'on', 'REDIRECT', id, ...this.#mode);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (run !== this.#run || this.#closed) return;
    if (this.#data.status === 'ready' && this.#subscriber.status === 'ready') {
      this.#setActive(true);
    }
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#run++;
    this.#subscriberRun++;
    this.#setActive(false);
    if (this.#restartTimer !== undefined) clearTimeout(this.#restartTimer);
    for (const [client, event, listener] of this.#listeners) client.off(event, listener);
    // The data connection stops tracking too, so that a later setup may choose another mode.
    if (this.#data.status === 'ready') {
      this.#data.callBuffer('CLIENT', 'TRACKING', 'off').catch(() => {});
    }
    return closeClient(this.#subscriber, false);
  }
}
