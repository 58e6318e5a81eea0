import {
  ConfigError,
  type InvalidationHandlers,
  type InvalidationOptions,
  type InvalidationTracking,
} from '@cachex/core';

/** How a tracking setup is named in messages, and compared: the mode and its prefixes. */
function modeOf(options: InvalidationOptions | undefined): string {
  const prefixes = options?.broadcastPrefixes;
  if (prefixes === undefined) return 'the default mode';
  return prefixes.length === 0
    ? 'broadcasting mode for every key'
    : `broadcasting mode for ${prefixes.map((p) => JSON.stringify(p)).join(', ')}`;
}

/**
 * One tracking setup per connection, shared by every near cache on it. A connection has one
 * tracking state on the server (`CLIENT TRACKING` again replaces the redirect), so two caches
 * each setting up their own would leave the first without invalidations. The first cache's
 * request starts the setup; later ones join it and hear the same invalidations and the same
 * tracking state (at once, if it is on already). The setup stops when the last one leaves.
 * Caches asking for another mode (broadcasting vs default, other prefixes) are refused with a
 * `ConfigError`: one connection cannot track both ways.
 */
export class SharedTracking {
  readonly #start: (
    handlers: InvalidationHandlers,
    options?: InvalidationOptions,
  ) => InvalidationTracking;
  readonly #members = new Set<InvalidationHandlers>();
  #running: InvalidationTracking | undefined;
  #mode = '';
  #active = false;

  constructor(
    start: (handlers: InvalidationHandlers, options?: InvalidationOptions) => InvalidationTracking,
  ) {
    this.#start = start;
  }

  join(handlers: InvalidationHandlers, options?: InvalidationOptions): InvalidationTracking {
    const mode = modeOf(options);
    if (this.#running !== undefined && mode !== this.#mode) {
      throw new ConfigError(
        `nearCache: caches sharing a connection must track the same way; one uses ${this.#mode}, this one asks for ${mode}`,
        { context: { field: 'nearCache.broadcast' } },
      );
    }
    this.#members.add(handlers);
    if (this.#running === undefined) {
      this.#mode = mode;
      this.#active = false;
      this.#running = this.#start(
        {
          invalidate: (keys) => {
            for (const member of this.#members) member.invalidate(keys);
          },
          tracking: (active) => {
            this.#active = active;
            for (const member of this.#members) member.tracking(active);
          },
          error: (error) => {
            for (const member of this.#members) member.error(error);
          },
        },
        options,
      );
    } else if (this.#active) {
      handlers.tracking(true);
    }
    let left = false;
    return {
      close: () => {
        if (left) return Promise.resolve();
        left = true;
        this.#members.delete(handlers);
        return this.#members.size === 0 ? this.close() : Promise.resolve();
      },
    };
  }

  /** Stops the setup (the last cache left, or the transport closes). */
  close(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    this.#active = false;
    this.#members.clear();
    return running === undefined ? Promise.resolve() : running.close();
  }
}
