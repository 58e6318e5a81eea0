import { ClosedError, ConfigError, type RedisArg, type Reply } from '@cachex/core';
import { type BlockedCall, BlockedClients } from './blocking.js';
import { textOf } from './commands/args.js';
import { compileGlob } from './commands/glob.js';
import { hashCommands } from './commands/hashes.js';
import { keyCommands } from './commands/keys.js';
import { listCommands } from './commands/lists.js';
import { blockingListCommands, blockingParsers, serveNow } from './commands/lists-blocking.js';
import { scanCommands, scanPage } from './commands/scan.js';
import { setCommands } from './commands/sets.js';
import { sortedSetRangeCommands } from './commands/sorted-set-ranges.js';
import { sortedSetCommands } from './commands/sorted-sets.js';
import { stringCommands } from './commands/strings.js';
import type { CommandSpec } from './commands/types.js';
import { Keyspace } from './keyspace.js';
import { ReplyError, wrongArity } from './reply-error.js';
import { type ScriptImplementation, scriptCommands, scriptSha1 } from './scripts.js';

/** Options of a {@link MemoryStore} (and of `createMemoryTransport`). */
export interface MemoryStoreOptions {
  /** The most keys kept; beyond it the least recently used key is evicted. Default: no bound. */
  maxEntries?: number;
  /**
   * The most bytes kept, counted per key as its UTF-8 length plus its value's bytes (string:
   * its bytes; hash: fields + values; set and list: members; sorted set: members + 8 per
   * score). Beyond it the least recently used keys are evicted; a single key larger than the
   * bound is refused with an OOM error. Default: no bound.
   */
  maxBytes?: number;
  /** The clock for expiry times, in ms. Default `Date.now`; tests inject their own. */
  now?: () => number;
  /** How often the one sweeper removes expired keys (ms); 0 turns it off. Default 1000. */
  sweepIntervalMs?: number;
}

function positiveInteger(value: number | undefined, name: string): number | undefined {
  if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
    throw new ConfigError(`${name} must be a positive integer, got ${String(value)}`, {
      context: { option: name },
    });
  }
  return value;
}

/**
 * The data of the memory transport: Redis commands run synchronously on in-process data. One
 * store can serve several transports, as one server serves several clients (they share keys,
 * blocked pops, scripts). `transport.getClient()` returns it.
 *
 * @example
 * ```ts
 * const store = new MemoryStore({ maxEntries: 10_000 });
 * store.call('SET', ['k', 'v']);
 * store.call('GET', ['k']); // → <Buffer 76>
 * ```
 */
export class MemoryStore {
  readonly #db: Keyspace;
  readonly #blocked = new BlockedClients();
  readonly #scripts = new Map<string, ScriptImplementation>();
  readonly #commands = new Map<string, CommandSpec>();
  #depth = 0;
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    const sweepIntervalMs = options.sweepIntervalMs ?? 1000;
    if (!(Number.isFinite(sweepIntervalMs) && sweepIntervalMs >= 0)) {
      throw new ConfigError('sweepIntervalMs must be a number >= 0', {
        context: { option: 'sweepIntervalMs' },
      });
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new ConfigError('now must be a function returning ms', { context: { option: 'now' } });
    }
    this.#db = new Keyspace({
      maxEntries: positiveInteger(options.maxEntries, 'maxEntries'),
      maxBytes: positiveInteger(options.maxBytes, 'maxBytes'),
      now: options.now ?? Date.now,
      sweepIntervalMs,
    });
    this.#db.onListWrite = (key) => this.#blocked.signal(key);
    for (const table of [
      stringCommands,
      keyCommands,
      scanCommands,
      hashCommands,
      setCommands,
      sortedSetCommands,
      sortedSetRangeCommands,
      listCommands,
      blockingListCommands,
      scriptCommands(this, this.#scripts),
    ]) {
      for (const [name, spec] of Object.entries(table)) this.#commands.set(name, spec);
    }
  }

  /** The number of keys (expired keys not swept yet included, like DBSIZE before expiry). */
  get size(): number {
    return this.#db.size;
  }

  /** The bytes counted against `maxBytes` (see {@link MemoryStoreOptions.maxBytes}). */
  get bytes(): number {
    return this.#db.bytes;
  }

  /** How many keys the `maxEntries`/`maxBytes` bounds evicted so far. */
  get evictions(): number {
    return this.#db.evictions;
  }

  /** How many blocking pops are waiting. */
  get blockedCount(): number {
    return this.#blocked.size;
  }

  #spec(name: string, args: readonly RedisArg[]): CommandSpec {
    const spec = this.#commands.get(name.toUpperCase());
    if (spec === undefined) {
      let shown = '';
      for (const arg of args) {
        if (shown.length >= 128) break;
        shown += `'${textOf(arg).slice(0, 128 - shown.length)}' `;
      }
      throw new ReplyError(
        `ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${shown}`,
      );
    }
    const n = args.length + 1;
    if (spec.arity > 0 ? n !== spec.arity : n < -spec.arity) throw wrongArity(name);
    return spec;
  }

  /**
   * The error Redis would give when queueing this command in MULTI (unknown command, wrong
   * number of arguments), or undefined. Such an error aborts the whole transaction.
   */
  validate(name: string, args: readonly RedisArg[]): Error | undefined {
    try {
      this.#spec(name, args);
      return undefined;
    } catch (error) {
      return error as Error;
    }
  }

  /** Runs `fn` as one atomic step: one clock reading, blocked pops served only at the end. */
  atomic<T>(fn: () => T): T {
    this.#assertOpen();
    if (this.#depth++ === 0) this.#db.tick();
    try {
      return fn();
    } finally {
      if (--this.#depth === 0) this.#blocked.serve(this.#db);
    }
  }

  /**
   * Runs one command synchronously and returns its reply, shaped like ioredis' `callBuffer`
   * (bulk strings as Buffers, integers as numbers, nil as null). Error replies are thrown as
   * errors named `ReplyError` with the Redis text. Blocking pops answer nil at once here; see
   * {@link callBlocking}.
   */
  call(name: string, args: readonly RedisArg[] = []): Reply {
    this.#assertOpen();
    const spec = this.#spec(name, args);
    return this.atomic(() => spec.run(this.#db, args));
  }

  /**
   * Runs a command that may block (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH): served at once when a
   * list has elements, else when another call pushes some, or nil at the timeout. Other
   * commands run like {@link call}. Throws synchronously for argument errors.
   */
  callBlocking(name: string, args: readonly RedisArg[]): BlockedCall {
    this.#assertOpen();
    const parse = blockingParsers[name.toUpperCase()];
    if (parse === undefined) return settled(this.call(name, args));
    this.#spec(name, args);
    return this.atomic(() => {
      const request = parse(args);
      const reply = serveNow(this.#db, request);
      return reply === undefined ? this.#blocked.block(request) : settled(reply);
    });
  }

  /**
   * Iterates the keys matching a glob, `count` keys looked at per page, in creation order. A
   * key present for the whole iteration is yielded exactly once, whatever happens between pages.
   */
  *scanPages(match: string, count: number): Generator<string[], void, undefined> {
    const filter = { match: compileGlob(match) };
    const iterator = this.#db.entries();
    for (;;) {
      this.#assertOpen();
      this.#db.tick();
      const page = scanPage(this.#db, iterator, count, filter);
      yield page.keys;
      if (page.last === 0) return;
    }
  }

  /**
   * Registers an in-process implementation for a Lua script, keyed by the SHA1 of its source:
   * `EVAL source …`, `EVALSHA sha1 …` and `SCRIPT LOAD source` then run it instead of failing
   * with a `NotSupportedError`. Returns the SHA1. This is how packages with server-side logic
   * (the lock package) support the memory transport.
   */
  defineScript(source: string | Buffer, impl: ScriptImplementation): string {
    const sha = scriptSha1(source);
    this.#scripts.set(sha, impl);
    return sha;
  }

  /** True when an implementation is registered for the script with this SHA1. */
  hasScript(sha: string): boolean {
    return this.#scripts.has(sha.toLowerCase());
  }

  /** Removes expired keys now; returns how many (the sweeper does this on its own). */
  sweep(): number {
    return this.#db.sweep(Number.POSITIVE_INFINITY);
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('The memory store has been closed');
  }

  /** Stops the sweeper and releases blocked pops with a `ClosedError`; later calls fail too. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
    this.#blocked.cancelAll(new ClosedError('The memory store has been closed'));
  }
}

function settled(reply: Reply): BlockedCall {
  return { promise: Promise.resolve(reply), waiting: false, cancel: () => undefined };
}
