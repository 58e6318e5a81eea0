import { ForwardingTransport } from '../forwarding-transport.js';
import { keysOf } from '../key-spec.js';
import type {
  BatchOptions,
  BatchResult,
  CommandGroup,
  RedisArg,
  Reply,
  RouteOptions,
  Transport,
} from '../types/transport.js';
import type { NearCache } from './near-cache.js';

/** Commands without keys that change no value: everything else without keys empties. */
const KEYLESS_READS = new Set(['PING', 'ECHO', 'INFO', 'TIME', 'DBSIZE', 'SCRIPT', 'COMMAND']);

/**
 * A transport that drops from the near cache, before sending, every key a write command of
 * this process touches: the cache reads its own writes at once, without waiting for the
 * server's invalidation message. A write whose keys it cannot tell (a raw command without a
 * key spec, a keyless command such as FLUSHDB) empties the near cache.
 */
export class NearCacheTransport extends ForwardingTransport {
  readonly #near: NearCache;

  constructor(inner: Transport, near: NearCache) {
    super(inner);
    this.#near = near;
  }

  #written(name: string, command: RouteOptions | undefined, args: readonly RedisArg[]): void {
    if (command?.read === true) return;
    const keys = command?.keys === undefined ? undefined : keysOf(command.keys, args);
    if (keys !== undefined && keys.length > 0) {
      this.#near.invalidate(keys.map(String));
      return;
    }
    // No key to drop: only the few keyless commands that change nothing keep what is held.
    if (!KEYLESS_READS.has(name.toUpperCase())) this.#near.flush();
  }

  override command(
    name: string,
    args: readonly RedisArg[],
    options?: RouteOptions,
  ): Promise<Reply> {
    this.#written(name, options, args);
    return this.inner.command(name, args, options);
  }

  override batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
    for (const group of groups) {
      for (const command of group.commands) this.#written(command.name, command, command.args);
    }
    return this.inner.batch(groups, options);
  }

  override broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]> {
    // FLUSHDB, SCRIPT FLUSH…: which keys a broadcast changes is not known here.
    this.#near.flush();
    return this.inner.broadcast(name, args);
  }
}
