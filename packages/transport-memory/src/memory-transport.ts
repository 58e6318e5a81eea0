import {
  type BatchOptions,
  type BatchResult,
  ClosedError,
  type Command,
  type CommandGroup,
  ConfigError,
  HealthEmitter,
  type RedisArg,
  type Reply,
  type RouteOptions,
  type ScanOptions,
  type Script,
  type Transport,
  type TransportCapabilities,
  type TransportEventListener,
  type TransportEventName,
  type TransportStatus,
} from '@cachex/core';
import { toCachexError } from '@cachex/core/internal';
import type { BlockedCall } from './blocking.js';
import { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
import { EXECABORT, ReplyError } from './reply-error.js';
import type { ScriptImplementation } from './scripts.js';

/** Options of {@link createMemoryTransport}. */
export interface MemoryTransportOptions extends MemoryStoreOptions {
  /**
   * A store to share with other transports (like clients of one server). Without it the
   * transport makes its own from the other options, and closes it on `close()`.
   */
  store?: MemoryStore;
}

const CAPABILITIES: TransportCapabilities = Object.freeze({
  scripts: false,
  transactions: true,
  cluster: false,
  replicas: false,
});

function closed(): ClosedError {
  return new ClosedError('The memory transport has been closed');
}

/**
 * An in-process transport: every command runs at once on a {@link MemoryStore}, with the
 * replies and error replies of Redis 7, so the Cache behaves as it does on a server. For
 * development, tests, and as a bounded L1 cache. Lua scripts need an in-process stand-in
 * ({@link defineScript}); `capabilities.scripts` is false.
 */
export class MemoryTransport implements Transport {
  readonly name = 'memory';
  readonly capabilities = CAPABILITIES;
  /** The data this transport works on (also returned by `getClient()`). */
  readonly store: MemoryStore;
  readonly #ownsStore: boolean;
  readonly #blocked = new Set<BlockedCall>();
  #closed = false;

  /** Health: `ready` from the start (no connection to lose), `closed` after `close()`. */
  readonly #health = new HealthEmitter('ready');

  /** `ready` until `close()`, then `closed`. */
  get status(): TransportStatus {
    return this.#health.status;
  }

  /**
   * Adds a listener of a health event. An in-process transport only ever emits `close` (it is
   * ready from the start and never loses a connection); the others are accepted for the
   * common contract.
   */
  on<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): this {
    this.#health.on(event, listener);
    return this;
  }

  /** Removes a listener added with `on`. */
  off<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): this {
    this.#health.off(event, listener);
    return this;
  }

  constructor(options: MemoryTransportOptions = {}) {
    const { store, ...storeOptions } = options;
    if (store !== undefined && Object.values(storeOptions).some((v) => v !== undefined)) {
      throw new ConfigError('Pass either a shared store or store options, not both', {
        context: { option: 'store' },
      });
    }
    this.store = store ?? new MemoryStore(storeOptions);
    this.#ownsStore = store === undefined;
  }

  command(name: string, args: readonly RedisArg[], options?: RouteOptions): Promise<Reply> {
    if (this.#closed) return Promise.reject(closed());
    this.#learn(options?.script);
    const context = { command: name.toUpperCase() };
    let call: BlockedCall;
    try {
      // Every command may block by name (like on a server); `options.blocking` only routes.
      call = this.store.callBlocking(name, args);
    } catch (error) {
      return Promise.reject(toCachexError(error, context));
    }
    if (!call.waiting) return call.promise;
    this.#blocked.add(call);
    return call.promise.then(
      (reply) => {
        this.#blocked.delete(call);
        return reply;
      },
      (error: unknown) => {
        this.#blocked.delete(call);
        throw toCachexError(error, context);
      },
    );
  }

  /**
   * Runs the groups in order, each command with its own result. An atomic group (or the whole
   * batch with `transaction`) runs in one synchronous step (nothing else interleaves, blocked
   * pops are served after its last command), and a command Redis would refuse while queueing
   * (unknown, wrong arity) aborts that group with EXECABORT, as EXEC does.
   */
  async batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
    if (this.#closed) throw closed();
    if (options?.transaction === true) {
      return this.#atomic(groups.flatMap((g) => g.commands));
    }
    const results: BatchResult[] = [];
    for (const group of groups) {
      if (group.atomic === true && group.commands.length > 1) {
        results.push(...this.#atomic(group.commands));
      } else {
        for (const c of group.commands) results.push(this.#run(c));
      }
    }
    return results;
  }

  /**
   * A command that runs a script by its SHA brings the script along: its in-process
   * implementation is registered on first sight, as a server loads the Lua on NOSCRIPT.
   */
  #learn(script: Script | undefined): void {
    if (script?.local !== undefined && !this.store.hasScript(script.sha)) {
      this.store.defineScript(script.lua, script.local);
    }
  }

  #run(c: Command): BatchResult {
    this.#learn(c.script);
    try {
      return { ok: true, value: this.store.call(c.name, c.args) };
    } catch (error) {
      return { ok: false, error: toCachexError(error, { command: c.name.toUpperCase() }) };
    }
  }

  #atomic(commands: readonly Command[]): BatchResult[] {
    const queueError = commands.map((c) => this.store.validate(c.name, c.args)).find(Boolean);
    if (queueError !== undefined) {
      return commands.map(() => ({
        ok: false,
        error: toCachexError(new ReplyError(EXECABORT, { cause: queueError }), {
          command: 'EXEC',
        }),
      }));
    }
    return this.store.atomic(() => commands.map((c) => this.#run(c)));
  }

  partitionKeys(keys: readonly (string | Buffer)[]): number[][] {
    return [keys.map((_, i) => i)];
  }

  async *scan(options: ScanOptions): AsyncGenerator<Buffer[], void, undefined> {
    const pages = this.store.scanPages(options.match, options.count ?? 500);
    for (;;) {
      if (this.#closed) throw closed();
      let page: IteratorResult<string[], void>;
      try {
        page = pages.next();
      } catch (error) {
        throw toCachexError(error, { command: 'SCAN' });
      }
      if (page.done) return;
      // Bytes, like a server's SCAN: the Cache sends them back as they are (UNLINK).
      if (page.value.length > 0) yield page.value.map((key) => Buffer.from(key, 'utf8'));
    }
  }

  async broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]> {
    return [await this.command(name, args)];
  }

  /** The {@link MemoryStore}: the memory transport's "driver client". */
  getClient(): MemoryStore {
    return this.store;
  }

  /**
   * Registers an in-process implementation of a Lua script (keyed by the SHA1 of `source`), so
   * that EVAL with the source, EVALSHA with its SHA1 and SCRIPT LOAD work on this transport's
   * store. This is the hook packages with Lua logic (the lock) use to support the memory
   * transport; without it, scripts fail with a `NotSupportedError`. Returns the SHA1.
   *
   * @example
   * ```ts
   * transport.defineScript(RELEASE_LUA, ({ keys, args, call }) => {
   *   const current = call('GET', keys[0]!) as Buffer | null;
   *   return current?.equals(args[0]!) ? call('DEL', keys[0]!) : 0;
   * });
   * ```
   */
  defineScript(source: string | Buffer, impl: ScriptImplementation): string {
    return this.store.defineScript(source, impl);
  }

  /**
   * Closes the transport: later calls reject with a `ClosedError`, and its blocked pops are
   * released with one. A store the transport made itself is closed too; a shared one is not.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const call of [...this.#blocked]) call.cancel(closed());
    this.#blocked.clear();
    if (this.#ownsStore) this.store.close();
    this.#health.setStatus('closed');
    this.#health.emit('close');
  }
}

/**
 * Creates an in-process transport (synchronous; no I/O ever).
 *
 * @example
 * ```ts
 * import { createCodec } from '@cachex/codecs';
 * import { createCache } from '@cachex/core';
 * import { createMemoryTransport } from '@cachex/transport-memory';
 *
 * const cache = createCache({
 *   transport: createMemoryTransport({ maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 }),
 *   codec: createCodec(),
 * });
 * ```
 */
export function createMemoryTransport(options?: MemoryTransportOptions): MemoryTransport {
  return new MemoryTransport(options);
}
