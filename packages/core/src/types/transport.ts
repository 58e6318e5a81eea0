import type { CachexError } from '../errors.js';
import type { TransportEventListener, TransportEventName, TransportStatus } from '../health.js';
import type { KeySpec } from '../key-spec.js';
import type { Script } from '../script.js';

/** One argument of a Redis command. Numbers are sent as their decimal text. */
export type RedisArg = string | Buffer | number;

/**
 * A decoded RESP reply as a transport hands it to core: bulk strings are `Buffer`s (values may
 * be binary), integers are numbers, nil is `null`, arrays are arrays.
 */
export type Reply = null | number | string | Buffer | Reply[];

/** Where a command may be served from. */
export interface RouteOptions {
  /**
   * True when the command only reads: the transport may serve it from a replica, depending on
   * its read-routing option. Writes always go to the primary.
   */
  read?: boolean;
  /**
   * The command may block on the server (BLPOP, BRPOP, BLMOVE): the transport runs it on a
   * connection of its own, without a command timeout, so that waiting never stalls other
   * commands. Blocking commands are never batched.
   */
  blocking?: boolean;
  /**
   * Where the command's keys are in its arguments. Every command the Cache builds says so;
   * a transport routes by them (the node owning the slot on a cluster) and refuses, before
   * sending, a multi-key command or atomic group whose keys span slots. Without it (a raw
   * command), a transport routes as its driver does.
   */
  keys?: KeySpec;
  /**
   * The command is `EVALSHA`/`EVALSHA_RO` of this script. Every transport runs it so: when the
   * node answers NOSCRIPT (its script cache was flushed, or it is a new primary after a
   * failover), it loads the script there (`SCRIPT LOAD`) and retries once; only when that fails
   * too does the call reject, with a `NoScriptError`. A transport without Lua (memory) runs the
   * script's `local` implementation instead. In a batch, the scripts are loaded first (in the
   * same round trip): a NOSCRIPT retried afterwards would run out of order, and one inside
   * MULTI/EXEC cannot be retried alone.
   */
  script?: Script;
}

/** One command, as the Cache builds it. */
export interface Command extends RouteOptions {
  /** Upper-case command name, e.g. `SET`. */
  name: string;
  args: readonly RedisArg[];
  /** Where its keys are in `args` (`NO_KEYS` for a command without keys). */
  keys: KeySpec;
}

/**
 * Commands of a batch that belong to one cache operation. An atomic group runs as one
 * MULTI/EXEC block (nothing else interleaves, and a command refused while queueing aborts the
 * whole group), inside a plain batch too, so an operation is as atomic in a pipeline as it is
 * on its own.
 */
export interface CommandGroup {
  readonly commands: readonly Command[];
  /** Run the commands as one MULTI/EXEC block. Meaningful with two commands or more. */
  readonly atomic?: boolean;
}

/** The outcome of one command of a batch: its reply, or the error the server gave for it. */
export type BatchResult = { ok: true; value: Reply } | { ok: false; error: CachexError };

/** Options of {@link Transport.batch}. */
export interface BatchOptions {
  /**
   * Wrap the whole batch in one MULTI/EXEC block (the groups' own `atomic` flags are then
   * implied). On a cluster, only commands of one slot can be atomic.
   */
  transaction?: boolean;
}

/** Options of {@link Transport.scan}. */
export interface ScanOptions {
  /** The MATCH pattern, on full (prefixed) keys. */
  match: string;
  /** The COUNT hint per SCAN call. */
  count?: number;
}

/** What a transport can do, so that callers and the conformance suite can adapt. */
export interface TransportCapabilities {
  /** Lua scripts (EVAL/EVALSHA). */
  readonly scripts: boolean;
  /** MULTI/EXEC batches. */
  readonly transactions: boolean;
  /** Keys are spread over several nodes (multi-key commands must stay within one slot). */
  readonly cluster: boolean;
  /** Reads can be served from replicas. */
  readonly replicas: boolean;
  /**
   * Nothing written is kept (the dummy transport, for turning caching off). Features that only
   * work with state that outlives a call, such as locks, refuse to run on such a transport
   * rather than pretend. Absent means false.
   */
  readonly ephemeral?: boolean;
}

/** Options of {@link Transport.getClient}. */
export interface ClientOptions {
  /** The primary's client (true, the default) or a read client (false). */
  write?: boolean;
}

/**
 * The small, command-level contract between the Cache (all logic: keys, timeouts, codecs) and a
 * topology (standalone, sentinel, cluster, memory). A transport only routes commands; it never
 * encodes values or builds keys.
 *
 * Every method rejects with a {@link CachexError} (connection, timeout, server reply…).
 */
export interface Transport {
  /** Short name for messages, e.g. `standalone`. */
  readonly name: string;
  readonly capabilities: TransportCapabilities;

  /** Sends one command and resolves with its reply. */
  command(name: string, args: readonly RedisArg[], options?: RouteOptions): Promise<Reply>;

  /**
   * Sends groups of commands in one round trip (per node). Results come back flat, one per
   * command, in call order; one command's error fills its slot without losing the others'. An
   * atomic group (or the whole batch with `transaction`) whose EXEC fails fails each of its
   * slots, each with its own error object.
   */
  batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]>;

  /**
   * Splits keys into groups that one multi-key command (MGET, UNLINK, a MULTI block) may carry
   * together. Returns groups of indexes into `keys`. Standalone: a single group.
   */
  partitionKeys(keys: readonly (string | Buffer)[]): number[][];

  /**
   * Iterates every key matching the pattern, page by page, over every primary (SCAN). Keys
   * come as the server holds them: bytes, which need not be valid UTF-8, so that a key read
   * here can be deleted by sending the same bytes back.
   */
  scan(options: ScanOptions): AsyncIterable<Buffer[]>;

  /** Sends one command to every primary (e.g. FLUSHDB) and resolves with each reply. */
  broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]>;

  /** The underlying driver client (ioredis/iovalkey instance, or the memory store). */
  getClient(options?: ClientOptions): unknown;

  /** Closes every connection. Later commands reject with a `ClosedError`. */
  close(): Promise<void>;

  /**
   * Where the connection stands: `connecting`, `ready`, `reconnecting` or `closed`. Every
   * cachex transport has it; optional so that a transport written before it still fits (the
   * Cache then reports `ready`).
   */
  readonly status?: TransportStatus;

  /**
   * Adds a listener of a health event: `error` (a background connection error, redacted),
   * `reconnecting`, `ready`, `failover`, `topologyChange`, `close` (see `TransportEventMap`).
   * Every cachex transport has it; optional for transports written before it.
   */
  on?<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): unknown;

  /** Removes a listener added with {@link Transport.on}. */
  off?<E extends TransportEventName>(event: E, listener: TransportEventListener<E>): unknown;

  /**
   * Server-assisted invalidation for a near cache (`CLIENT TRACKING` with a redirect to a
   * subscriber connection on `__redis__:invalidate`). Starts at once, in the background, and
   * keeps going across reconnections until the returned handle is closed. Optional: a cache
   * refuses the `nearCache` option on a transport without it.
   */
  trackInvalidations?(
    handlers: InvalidationHandlers,
    options?: InvalidationOptions,
  ): InvalidationTracking;
}

/** Options of {@link Transport.trackInvalidations}. */
export interface InvalidationOptions {
  /**
   * Broadcasting mode (`BCAST PREFIX …`): the server reports every change of a key starting
   * with one of these prefixes, read or not, and remembers nothing per connection. An empty
   * list: every key. Absent: the default mode (the keys each connection read).
   */
  readonly broadcastPrefixes?: readonly string[];
}

/** What a transport tells a near cache (see {@link Transport.trackInvalidations}). */
export interface InvalidationHandlers {
  /**
   * Keys changed on the server (as stored, e.g. `prefix:1:user:42`). `null`: anything may
   * have changed (FLUSHDB, or an invalidation may have been missed): forget everything.
   */
  invalidate(keys: readonly string[] | null): void;
  /**
   * Whether the reads sent from now on are tracked. Values read while it is off must not be
   * kept; every change (on or off) also means that what is held cannot be trusted.
   */
  tracking(active: boolean): void;
  /** A failure to set tracking up (it is retried on the next reconnection). */
  error(error: unknown): void;
}

/** A running {@link Transport.trackInvalidations}. */
export interface InvalidationTracking {
  /** Stops tracking and closes its subscriber connection. */
  close(): Promise<void>;
}
