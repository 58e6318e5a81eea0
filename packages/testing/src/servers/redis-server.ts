import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  type AdminEndpoint,
  type AdminTlsOptions,
  infoField,
  isReplyError,
  runAdminCommand,
} from './admin-client.js';
import { trackDir, trackPid, untrackDir, untrackPid } from './exit-cleanup.js';
import { findFreePort } from './free-port.js';
import { resolveServerBinary } from './server-binary.js';

const host = '127.0.0.1';

/** An ACL user to create; `rules` default to full permissions. */
export interface AclUser {
  username: string;
  password: string;
  /** ACL rules after `on >password`; default `['~*', '&*', '+@all']`. */
  rules?: readonly string[];
}

export interface RedisServerTlsOptions {
  certFile: string;
  keyFile: string;
  caFile: string;
  /** `--tls-auth-clients`; default `optional` (a client certificate is checked when sent). */
  authClients?: 'yes' | 'no' | 'optional';
  /** Client certificate the harness itself presents; required when `authClients` is `yes`. */
  clientCertFile?: string;
  clientKeyFile?: string;
}

export interface StartRedisServerOptions {
  /** Label for the temp dir and for error messages. Default `redis`. */
  name?: string;
  /** Extra `redis-server` arguments, appended last so they override the harness defaults. */
  args?: readonly string[];
  /** Serve TLS only (`--port 0 --tls-port <port>`). */
  tls?: RedisServerTlsOptions;
  /** ACL users to create. The harness authenticates as the first one for its own commands. */
  users?: readonly AclUser[];
  /** Turn the `default` user off (`--user default off`). Default: true when `users` are given. */
  disableDefaultUser?: boolean;
  /** Also listen on `<dir>/redis.sock` (mode 700). */
  unixSocket?: boolean;
  /**
   * Start as a replica of this server; ready only once `master_link_status:up`. A function is
   * asked before every start, restarts included (`restart: true`), so a restart can follow a
   * failover; when it resolves `undefined` the server starts as a primary.
   */
  replicaOf?:
    | ReplicaOfTarget
    | ((context: ReplicaOfContext) => Promise<ReplicaOfTarget | undefined>);
  /**
   * Listen on exactly this port. No retry on another port: a clash rejects with
   * `PortInUseError`, so the caller (which wrote the port into other servers' config) can retry
   * with fresh ports. Default: a free port from `findPort`.
   */
  port?: number;
  /**
   * Run as Redis Sentinel: `redis-server <dir>/sentinel.conf --sentinel`. `config` is written to
   * that file on the first start only; a restart keeps whatever the sentinel rewrote since.
   */
  sentinel?: { config: string };
  /**
   * Run as a cluster node: `--cluster-enabled yes`, `--cluster-config-file <dir>/nodes.conf`,
   * `--cluster-node-timeout` (default 2000 ms) and `--cluster-port <a free port>` (the bus port
   * is chosen like the data port rather than taken as port + 10000, which may be above 65535).
   * A restart keeps both ports and `nodes.conf`, so the node rejoins as the same node.
   */
  cluster?: { nodeTimeoutMs?: number };
  /**
   * Extra readiness condition, polled after PING (and the replica link) succeed: resolve
   * `undefined` when ready, or a short description of what is still missing (it ends up in the
   * time-out error).
   */
  readyCheck?: (
    command: (command: string, ...args: string[]) => Promise<unknown>,
    context: { restart: boolean },
  ) => Promise<string | undefined>;
  /** Bound on start-up (and on each restart). Default 10 000 ms. */
  startTimeoutMs?: number;
  /** Server binary; default: `CACHEX_REDIS_SERVER`, else redis-server / valkey-server on PATH. */
  binary?: string;
  /** Where candidate ports come from; default `findFreePort`. Lets a test force a port clash. */
  findPort?: () => Promise<number>;
}

export interface ReplicaOfTarget {
  host: string;
  port: number;
}

export interface ReplicaOfContext {
  /** This server's own port. */
  port: number;
  /** False for the first start, true for `restart()`. */
  restart: boolean;
}

/** A running server started by the harness. Stop it with `stop()`; it is stopped by PID only. */
export interface RedisServerHandle {
  readonly name: string;
  readonly host: string;
  /** TCP port, or the TLS port for a TLS server. Stable across `restart()`. */
  readonly port: number;
  /** `redis://` (or `rediss://`) URL; it carries the first ACL user when `default` is off. */
  readonly url: string;
  /** The server's own temp dir (`--dir`, log, socket); removed by `stop()`. */
  readonly dir: string;
  readonly logFile: string;
  readonly socketPath: string | undefined;
  readonly tls: boolean;
  readonly binary: string;
  /** Server version from `INFO server` (valkey_version for Valkey). */
  readonly version: string;
  /** Cluster bus port (`--cluster-port`) of a cluster node, else `undefined`. */
  readonly clusterBusPort: number | undefined;
  /** Config file of a sentinel (`<dir>/sentinel.conf`), else `undefined`. */
  readonly configFile: string | undefined;
  /** PID of the current process; it changes on `restart()`. */
  readonly pid: number;
  /** Every PID this handle started, oldest first (restarts add one). */
  readonly pids: readonly number[];
  /** True while the process is alive (paused counts as alive). */
  readonly running: boolean;
  /** True between `pause()` and `resume()` (or until the process ends). */
  readonly paused: boolean;
  /**
   * Runs one command through ioredis on a fresh connection, over TLS and authenticated when
   * needed (for admin and checks). Error replies reject with ioredis' `ReplyError`.
   */
  command(command: string, ...args: string[]): Promise<unknown>;
  /** SIGTERM, then SIGKILL after a grace period; waits for exit and removes the temp dir. */
  stop(): Promise<void>;
  /** Fault helper: SIGKILL by PID and wait for exit. The dir stays, so `restart()` works. */
  kill(): Promise<void>;
  /** Stops the process if alive and starts it again on the same port; waits until ready. */
  restart(): Promise<void>;
  /** Fault helper: SIGSTOP (the server stops answering but keeps its connections). */
  pause(): void;
  /** Fault helper: SIGCONT after `pause()`. */
  resume(): void;
}

const stopGraceMs = 3000;
const exitWaitMs = 5000;
const pollIntervalMs = 20;
const maxPortAttempts = 5;
// sockaddr_un.sun_path is 108 bytes on Linux, 104 on macOS.
const maxSocketPathLength = 103;

/**
 * The server could not bind its port (or, for a cluster node, its bus port): with a fixed `port`
 * at once, otherwise after several fresh ports. The message holds the server's log lines.
 */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** The last `lines` lines of a log file, or `""` when it cannot be read. */
export function readTail(file: string, lines: number): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    return text === '' ? '' : text.split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => {
      child.removeListener('exit', onExit);
      resolveExit(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolveExit(true);
    };
    child.once('exit', onExit);
  });
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    // ESRCH: it exited between our check and the signal; that is what we wanted anyway.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function encodeUserInfo(username: string, password: string): string {
  return `${encodeURIComponent(username)}:${encodeURIComponent(password)}@`;
}

/**
 * Starts a real `redis-server` (or `valkey-server`) on a free loopback port, in its own temp dir,
 * with no persistence, and resolves once it answers PING (and, for a replica, once its link to the
 * primary is up). If the port was taken in the meantime it retries on a new one; any other start
 * failure throws with the tail of the server's log. It can also run a sentinel (`sentinel`) or a
 * cluster node (`cluster`); the topologies in `sentinel-topology.ts` and `cluster-topology.ts`
 * build on that.
 */
export async function startRedisServer(
  options: StartRedisServerOptions = {},
): Promise<RedisServerHandle> {
  const name = options.name ?? 'redis';
  const binary = options.binary ?? resolveServerBinary();
  const users = options.users ?? [];
  const disableDefaultUser = options.disableDefaultUser ?? users.length > 0;
  const firstUser = users[0];
  if (disableDefaultUser && firstUser === undefined) {
    throw new Error(
      `${name}: disableDefaultUser needs at least one ACL user, or the harness cannot connect`,
    );
  }
  const tlsOptions = options.tls;
  if (tlsOptions?.authClients === 'yes' && tlsOptions.clientCertFile === undefined) {
    throw new Error(`${name}: tls.authClients 'yes' needs clientCertFile/clientKeyFile`);
  }
  const sentinelOptions = options.sentinel;
  const clusterOptions = options.cluster;
  if (sentinelOptions !== undefined && (clusterOptions !== undefined || options.replicaOf)) {
    throw new Error(`${name}: a sentinel cannot also be a cluster node or a replica`);
  }
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;

  const dir = await mkdtemp(join(tmpdir(), `cachex-${name}-`));
  trackDir(dir);
  const logFile = join(dir, 'redis.log');
  // Errors from argument parsing are printed before the logfile is opened, so keep stdio too.
  const stdioFile = join(dir, 'stdio.log');
  const socketPath = options.unixSocket ? join(dir, 'redis.sock') : undefined;
  const configFile = sentinelOptions !== undefined ? join(dir, 'sentinel.conf') : undefined;
  if (socketPath !== undefined && socketPath.length > maxSocketPathLength) {
    await rm(dir, { recursive: true, force: true });
    untrackDir(dir);
    throw new Error(
      `${name}: unix socket path ${socketPath} is longer than ${maxSocketPathLength} bytes; set TMPDIR to a shorter directory`,
    );
  }

  const auth: Pick<AdminEndpoint, 'username' | 'password'> =
    disableDefaultUser && firstUser !== undefined
      ? { username: firstUser.username, password: firstUser.password }
      : {};
  const tlsConnection: AdminTlsOptions | undefined =
    tlsOptions === undefined
      ? undefined
      : {
          ca: readFileSync(tlsOptions.caFile, 'utf8'),
          ...(tlsOptions.clientCertFile !== undefined && tlsOptions.clientKeyFile !== undefined
            ? {
                cert: readFileSync(tlsOptions.clientCertFile, 'utf8'),
                key: readFileSync(tlsOptions.clientKeyFile, 'utf8'),
              }
            : {}),
        };

  const resolveReplicaOf = async (
    context: ReplicaOfContext,
  ): Promise<ReplicaOfTarget | undefined> => {
    const replicaOf = options.replicaOf;
    return typeof replicaOf === 'function' ? await replicaOf(context) : replicaOf;
  };

  const buildArgs = (
    port: number,
    busPort: number | undefined,
    replicaOf: ReplicaOfTarget | undefined,
  ): string[] => {
    // A sentinel takes its config file first; options given after it override the file.
    const args = configFile !== undefined ? [configFile, '--sentinel'] : [];
    args.push(
      ...(tlsOptions === undefined ? ['--port', String(port)] : ['--port', '0']),
      '--bind',
      host,
      '--protected-mode',
      'no',
      '--daemonize',
      'no',
      '--dir',
      dir,
      '--logfile',
      logFile,
    );
    if (configFile === undefined) {
      args.push(
        '--save',
        '',
        '--appendonly',
        'no',
        // Without this a primary waits 5 s for more replicas before streaming the first sync.
        '--repl-diskless-sync-delay',
        '0',
      );
    }
    if (clusterOptions !== undefined && busPort !== undefined) {
      args.push(
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, 'nodes.conf'),
        '--cluster-node-timeout',
        String(clusterOptions.nodeTimeoutMs ?? 2000),
        '--cluster-port',
        String(busPort),
      );
    }
    if (socketPath !== undefined) args.push('--unixsocket', socketPath, '--unixsocketperm', '700');
    if (tlsOptions !== undefined) {
      args.push(
        '--tls-port',
        String(port),
        '--tls-cert-file',
        tlsOptions.certFile,
        '--tls-key-file',
        tlsOptions.keyFile,
        '--tls-ca-cert-file',
        tlsOptions.caFile,
        '--tls-auth-clients',
        tlsOptions.authClients ?? 'optional',
      );
    }
    if (disableDefaultUser) args.push('--user', 'default', 'off');
    for (const user of users) {
      // Each rule is its own argv entry: redis-server quotes every value it joins into its config.
      args.push('--user', user.username, 'on', `>${user.password}`);
      args.push(...(user.rules ?? ['~*', '&*', '+@all']));
    }
    if (replicaOf !== undefined) {
      args.push('--replicaof', replicaOf.host, String(replicaOf.port));
    }
    args.push(...(options.args ?? []));
    return args;
  };

  const endpointFor = (port: number): AdminEndpoint => ({
    host,
    port,
    ...(tlsConnection !== undefined ? { tls: tlsConnection } : {}),
    ...auth,
    timeoutMs: 1000,
  });

  /** Polls until ready; throws PortInUseError when the server lost the race for its port. */
  const waitReady = async (
    child: ChildProcess,
    port: number,
    replicaOf: ReplicaOfTarget | undefined,
    restart: boolean,
  ): Promise<string> => {
    const deadline = Date.now() + startTimeoutMs;
    const endpoint = endpointFor(port);
    const command = (cmd: string, ...args: string[]): Promise<unknown> =>
      runAdminCommand(endpoint, cmd, ...args);
    let lastProblem = 'no reply yet';
    while (Date.now() < deadline) {
      if (hasExited(child)) {
        const log = `${readTail(stdioFile, 20)}\n${readTail(logFile, 20)}`.trim();
        if (/address already in use/i.test(log)) throw new PortInUseError(log);
        throw new Error(
          `${name}: ${basename(binary)} exited during start-up (code ${child.exitCode}, signal ${child.signalCode}); last log lines:\n${log}`,
        );
      }
      try {
        // Error replies (LOADING, NOAUTH…) reject too; they are the last problem, like refusals.
        const pong = await command('PING');
        if (pong !== 'PONG') {
          lastProblem = `PING replied ${String(pong)}`;
        } else {
          let problem: string | undefined;
          if (replicaOf !== undefined) {
            const link = infoField(await command('INFO', 'replication'), 'master_link_status');
            if (link !== 'up') {
              problem = `replica link to ${replicaOf.host}:${replicaOf.port} is ${link ?? 'unknown'}`;
            }
          }
          if (problem === undefined && options.readyCheck !== undefined) {
            problem = await options.readyCheck(command, { restart });
          }
          if (problem === undefined) return 'ready';
          lastProblem = problem;
        }
      } catch (error) {
        lastProblem = error instanceof Error ? error.message : String(error);
      }
      await delay(pollIntervalMs);
    }
    throw new Error(
      `${name}: not ready after ${startTimeoutMs} ms (${lastProblem}); last log lines:\n${readTail(logFile, 30)}`,
    );
  };

  const pidHistory: number[] = [];

  const spawnServer = (args: string[]): ChildProcess => {
    const out = openSync(stdioFile, 'a');
    try {
      const child = spawn(binary, args, { stdio: ['ignore', out, out] });
      const pid = child.pid;
      if (pid === undefined) {
        throw new Error(`${name}: could not spawn ${binary}`);
      }
      trackPid(pid);
      pidHistory.push(pid);
      child.once('exit', () => untrackPid(pid));
      // An 'error' event without a listener would crash the process; exit handling covers it.
      child.on('error', () => {});
      return child;
    } finally {
      closeSync(out);
    }
  };

  const terminate = async (child: ChildProcess, signal: NodeJS.Signals): Promise<void> => {
    const pid = child.pid;
    if (pid === undefined || hasExited(child)) return;
    signalPid(pid, signal);
    // A paused server cannot act on SIGTERM until it runs again.
    if (signal !== 'SIGKILL') signalPid(pid, 'SIGCONT');
    if (await waitForExit(child, signal === 'SIGKILL' ? exitWaitMs : stopGraceMs)) return;
    signalPid(pid, 'SIGKILL');
    if (!(await waitForExit(child, exitWaitMs))) {
      throw new Error(`${name}: pid ${pid} did not exit after SIGKILL`);
    }
  };

  /** Spawns on `port` and waits; on any failure the child is killed before rethrowing. */
  const launch = async (
    port: number,
    busPort: number | undefined,
    restart: boolean,
  ): Promise<ChildProcess> => {
    const replicaOf = await resolveReplicaOf({ port, restart });
    if (configFile !== undefined && sentinelOptions !== undefined && !restart) {
      await writeFile(configFile, sentinelOptions.config);
    }
    const child = spawnServer(buildArgs(port, busPort, replicaOf));
    try {
      await waitReady(child, port, replicaOf, restart);
      return child;
    } catch (error) {
      await terminate(child, 'SIGKILL');
      throw error;
    }
  };

  let child: ChildProcess | undefined;
  let port = 0;
  let busPort: number | undefined;
  let version = 'unknown';
  try {
    const nextPort = options.findPort ?? (() => findFreePort(host));
    for (let attempt = 1; child === undefined; attempt += 1) {
      port = options.port ?? (await nextPort());
      busPort = clusterOptions !== undefined ? await findFreePort(host) : undefined;
      try {
        child = await launch(port, busPort, false);
      } catch (error) {
        if (!(error instanceof PortInUseError)) throw error;
        if (options.port !== undefined) {
          throw new PortInUseError(
            `${name}: port ${port} is in use; last log lines:\n${error.message}`,
          );
        }
        if (attempt >= maxPortAttempts) {
          throw new PortInUseError(
            `${name}: every port tried was in use; last log lines:\n${error.message}`,
          );
        }
      }
    }
    // A restricted ACL user may not run INFO (NOPERM): the version is then 'unknown'.
    const info = await runAdminCommand(endpointFor(port), 'INFO', 'server').catch(
      (error: unknown) => {
        if (isReplyError(error)) return undefined;
        throw error;
      },
    );
    version = infoField(info, 'valkey_version') ?? infoField(info, 'redis_version') ?? version;
  } catch (error) {
    if (child !== undefined) await terminate(child, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
    untrackDir(dir);
    throw error;
  }

  let current: ChildProcess = child;
  let stopped = false;
  let paused = false;
  const credentials = firstUser !== undefined && disableDefaultUser ? firstUser : undefined;
  const url = `${tlsOptions !== undefined ? 'rediss' : 'redis'}://${
    credentials !== undefined ? encodeUserInfo(credentials.username, credentials.password) : ''
  }${host}:${port}`;
  const currentPid = (): number => current.pid ?? -1;

  const handle: RedisServerHandle = {
    name,
    host,
    port,
    url,
    dir,
    logFile,
    socketPath,
    tls: tlsOptions !== undefined,
    binary,
    version,
    clusterBusPort: busPort,
    configFile,
    get pid() {
      return currentPid();
    },
    get pids() {
      return [...pidHistory];
    },
    get running() {
      return !hasExited(current);
    },
    get paused() {
      return paused && !hasExited(current);
    },
    command: (command, ...args) =>
      runAdminCommand({ ...endpointFor(port), timeoutMs: 5000 }, command, ...args),
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await terminate(current, 'SIGTERM');
      } finally {
        paused = false;
        await rm(dir, { recursive: true, force: true });
        untrackDir(dir);
      }
    },
    async kill() {
      await terminate(current, 'SIGKILL');
      paused = false;
    },
    async restart() {
      if (stopped) throw new Error(`${name}: cannot restart a stopped server`);
      await terminate(current, 'SIGTERM');
      paused = false;
      // Same port (and bus port) on purpose: clients and cluster peers reconnect to the address
      // they know. No port retry here.
      current = await launch(port, busPort, true);
    },
    pause() {
      if (hasExited(current)) return;
      signalPid(currentPid(), 'SIGSTOP');
      paused = true;
    },
    resume() {
      if (hasExited(current)) return;
      signalPid(currentPid(), 'SIGCONT');
      paused = false;
    },
  };
  return handle;
}
