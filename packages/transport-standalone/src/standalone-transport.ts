import { type Endpoint, parseLocation } from '@cachex/config';
import {
  type BatchOptions,
  type BatchResult,
  type ClientOptions,
  ClosedError,
  type Command,
  CommandError,
  type CommandGroup,
  type RedisArg,
  type Reply,
  type RouteOptions,
  type ScanOptions,
  type Transport,
  type TransportCapabilities,
  toCachexError,
} from '@cachex/core';
import { buildClientOptions } from './client-options.js';
import { type DriverClient, type DriverName, loadDriver } from './driver.js';
import type { ReadFrom, StandaloneTransportOptions } from './options.js';

// A reply error keeps the command it answered on `command.name`; reading it here lets one
// module-level handler translate every failure without a closure per call.
function translate(error: unknown): never {
  const command = (error as { command?: { name?: unknown } })?.command?.name;
  throw toCachexError(error, typeof command === 'string' ? { command: command.toUpperCase() } : {});
}

/** A failed slot, with an error object of its own (errors are never shared between slots). */
function failed(error: unknown, command: string): BatchResult {
  return { ok: false, error: toCachexError(error, { command: command.toUpperCase() }) };
}

function aborted(): BatchResult {
  return {
    ok: false,
    error: new CommandError('The transaction was aborted (EXEC returned nil)', {
      context: { command: 'EXEC' },
    }),
  };
}

/** One `[error, reply]` pair of a driver pipeline as a batch result. */
function settled(pair: [Error | null, unknown] | undefined, command: string): BatchResult {
  if (pair === undefined) return failed(new Error('No reply for this command'), command);
  const [error, value] = pair;
  return error ? failed(error, command) : { ok: true, value: value as Reply };
}

/**
 * The results of an atomic group sent inside a pipeline: EXEC's array holds each command's
 * reply (or its runtime error); when EXEC failed (EXECABORT after a queueing error), a command
 * refused while queueing gets its own error and the others EXEC's.
 */
function execResults(
  commands: readonly Command[],
  queued: readonly ([Error | null, unknown] | undefined)[],
  exec: [Error | null, unknown] | undefined,
): BatchResult[] {
  const [execError, execValue] = exec ?? [new Error('No reply for EXEC'), null];
  if (execError || !Array.isArray(execValue)) {
    return commands.map((c, i) => {
      const queueError = queued[i]?.[0];
      if (queueError) return failed(queueError, c.name);
      return execError ? failed(execError, 'EXEC') : aborted();
    });
  }
  return commands.map((c, i) => {
    const value = execValue[i] as unknown;
    return value instanceof Error ? failed(value, c.name) : { ok: true, value: value as Reply };
  });
}

// Statuses in which a replica can take a read now or after connecting on demand.
const USABLE = new Set(['ready', 'wait', 'connect', 'connecting']);

async function closeClient(client: DriverClient): Promise<void> {
  if (client.status === 'wait' || client.status === 'end') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/**
 * A transport for one Redis/Valkey server, with optional read replicas. Writes go to the
 * primary; reads follow `readFrom`.
 */
export class StandaloneTransport implements Transport {
  readonly name = 'standalone';
  readonly capabilities: TransportCapabilities;
  /** The driver in use. */
  readonly driver: DriverName;
  readonly #primary: DriverClient;
  readonly #replicas: DriverClient[];
  readonly #readFrom: ReadFrom;
  readonly #idleBlocking: DriverClient[] = [];
  readonly #busyBlocking = new Set<DriverClient>();
  readonly #onError: (error: unknown) => void;
  #next = 0;
  #closed = false;

  constructor(options: StandaloneTransportOptions) {
    const parsed = parseLocation(
      options.location,
      options.driver ? { driver: options.driver } : undefined,
    );
    this.driver = parsed.driver;
    this.#readFrom = options.readFrom ?? 'preferReplica';
    const Driver = loadDriver(parsed.driver);
    this.#onError = (error) => options.onError?.(error as Error);
    const connect = (endpoint: Endpoint): DriverClient => {
      const client = new Driver(buildClientOptions(endpoint, parsed.driver, options));
      // Background errors (reconnect attempts) would otherwise be printed by the driver; callers
      // see failures on their commands, and can observe these through onError.
      client.on('error', this.#onError);
      return client;
    };
    this.#primary = connect(parsed.primary);
    this.#replicas = parsed.replicas.map(connect);
    this.capabilities = {
      scripts: true,
      transactions: true,
      cluster: false,
      replicas: this.#replicas.length > 0,
    };
  }

  #readClient(): DriverClient {
    const replicas = this.#replicas;
    if (replicas.length === 0 || this.#readFrom === 'primary') return this.#primary;
    for (let i = 0; i < replicas.length; i++) {
      const replica = replicas[this.#next++ % replicas.length]!;
      if (this.#readFrom === 'replica' || USABLE.has(replica.status)) return replica;
    }
    return this.#primary;
  }

  command(name: string, args: readonly RedisArg[], options?: RouteOptions): Promise<Reply> {
    if (this.#closed) return Promise.reject(new ClosedError());
    if (options?.blocking === true) return this.#blockingCommand(name, args);
    const client = options?.read === true ? this.#readClient() : this.#primary;
    return (client.callBuffer(name, ...args) as Promise<Reply>).then(undefined, translate);
  }

  /**
   * Runs a blocking command on a connection of its own: idle ones are reused, and one more is
   * opened for each blocking call already waiting, so concurrent pops never queue behind each
   * other nor behind ordinary commands.
   */
  async #blockingCommand(name: string, args: readonly RedisArg[]): Promise<Reply> {
    let client = this.#idleBlocking.pop();
    if (!client) {
      client = this.#primary.duplicate({ commandTimeout: undefined, lazyConnect: true });
      client.on('error', this.#onError);
    }
    this.#busyBlocking.add(client);
    try {
      return (await client.callBuffer(name, ...args).then(undefined, translate)) as Reply;
    } finally {
      this.#busyBlocking.delete(client);
      if (this.#closed) await closeClient(client);
      else this.#idleBlocking.push(client);
    }
  }

  async batch(groups: readonly CommandGroup[], options?: BatchOptions): Promise<BatchResult[]> {
    if (this.#closed) throw new ClosedError();
    const commands = groups.flatMap((g) => g.commands);
    if (commands.length === 0) return [];
    if (options?.transaction === true) {
      return this.#transaction(commands);
    }
    const client = commands.every((c) => c.read === true) ? this.#readClient() : this.#primary;
    const pipeline = client.pipeline();
    for (const group of groups) {
      // An atomic group keeps its MULTI/EXEC inside the pipeline: MULTI → OK, each command →
      // QUEUED (or its queueing error), EXEC → the array of results (or EXECABORT).
      const atomic = group.atomic === true && group.commands.length > 1;
      if (atomic) pipeline.callBuffer('MULTI');
      for (const c of group.commands) pipeline.callBuffer(c.name, ...c.args);
      if (atomic) pipeline.callBuffer('EXEC');
    }
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await pipeline.exec();
    } catch (error) {
      return commands.map((c) => failed(error, c.name));
    }
    const results: BatchResult[] = [];
    let at = 0;
    for (const group of groups) {
      if (group.atomic === true && group.commands.length > 1) {
        const queued = replies?.slice(at + 1, at + 1 + group.commands.length) ?? [];
        const exec = replies?.[at + 1 + group.commands.length];
        at += group.commands.length + 2;
        results.push(...execResults(group.commands, queued, exec));
      } else {
        for (const c of group.commands) results.push(settled(replies?.[at++], c.name));
      }
    }
    return results;
  }

  async #transaction(commands: readonly Command[]): Promise<BatchResult[]> {
    const multi = this.#primary.multi();
    for (const c of commands) multi.callBuffer(c.name, ...c.args);
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await multi.exec();
    } catch (error) {
      return commands.map(() => failed(error, 'EXEC'));
    }
    if (replies === null) return commands.map(aborted);
    return commands.map((c, i) => settled(replies[i], c.name));
  }

  partitionKeys(keys: readonly (string | Buffer)[]): number[][] {
    return [keys.map((_, i) => i)];
  }

  async *scan(options: ScanOptions): AsyncGenerator<Buffer[], void, undefined> {
    // SCAN runs on the primary: a replica may lag and miss fresh keys.
    let cursor = '0';
    do {
      if (this.#closed) throw new ClosedError();
      const reply = (await this.#primary
        .callBuffer('SCAN', cursor, 'MATCH', options.match, 'COUNT', options.count ?? 500)
        .then(undefined, translate)) as [Buffer, Buffer[]];
      cursor = reply[0].toString();
      // Keys stay bytes: one that is not valid UTF-8 must be deleted by its own bytes.
      if (reply[1].length > 0) yield reply[1];
    } while (cursor !== '0');
  }

  async broadcast(name: string, args: readonly RedisArg[]): Promise<Reply[]> {
    return [await this.command(name, args)];
  }

  getClient(options?: ClientOptions): DriverClient {
    return options?.write === false ? this.#readClient() : this.#primary;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const blocking = [...this.#idleBlocking.splice(0), ...this.#busyBlocking];
    // Busy blocking connections are cut at once: their callers get a ConnectionError.
    for (const client of this.#busyBlocking) client.disconnect();
    this.#busyBlocking.clear();
    await Promise.all([this.#primary, ...this.#replicas, ...blocking].map(closeClient));
  }
}

/**
 * Creates a transport for one server (plus read replicas). Synchronous and lazy: the first
 * command connects.
 *
 * @example
 * ```ts
 * const transport = createStandaloneTransport({
 *   location: ['redis://10.0.0.1:6379/0', 'redis://10.0.0.2:6379/0'],
 *   readFrom: 'preferReplica',
 * });
 * ```
 */
export function createStandaloneTransport(
  options: StandaloneTransportOptions,
): StandaloneTransport {
  return new StandaloneTransport(options);
}
