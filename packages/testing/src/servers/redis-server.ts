import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
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
  /** Start as a replica of this server; ready only once `master_link_status:up`. */
  replicaOf?: { host: string; port: number };
  /** Bound on start-up (and on each restart). Default 10 000 ms. */
  startTimeoutMs?: number;
  /** Server binary; default: `CACHEX_REDIS_SERVER`, else redis-server / valkey-server on PATH. */
  binary?: string;
  /** Where candidate ports come from; default `findFreePort`. Lets a test force a port clash. */
  findPort?: () => Promise<number>;
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
  /** PID of the current process; it changes on `restart()`. */
  readonly pid: number;
  /** True while the process is alive (paused counts as alive). */
  readonly running: boolean;
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

class PortInUseError extends Error {}

function readTail(file: string, lines: number): string {
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
 * failure throws with the tail of the server's log.
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
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;

  const dir = await mkdtemp(join(tmpdir(), `cachex-${name}-`));
  trackDir(dir);
  const logFile = join(dir, 'redis.log');
  // Errors from argument parsing are printed before the logfile is opened, so keep stdio too.
  const stdioFile = join(dir, 'stdio.log');
  const socketPath = options.unixSocket ? join(dir, 'redis.sock') : undefined;
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

  const buildArgs = (port: number): string[] => {
    const args = [
      ...(tlsOptions === undefined ? ['--port', String(port)] : ['--port', '0']),
      '--bind',
      host,
      '--protected-mode',
      'no',
      '--daemonize',
      'no',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--logfile',
      logFile,
      // Without this a primary waits 5 s for more replicas before streaming the first sync.
      '--repl-diskless-sync-delay',
      '0',
    ];
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
    if (options.replicaOf !== undefined) {
      args.push('--replicaof', options.replicaOf.host, String(options.replicaOf.port));
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
  const waitReady = async (child: ChildProcess, port: number): Promise<string> => {
    const deadline = Date.now() + startTimeoutMs;
    const endpoint = endpointFor(port);
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
        const pong = await runAdminCommand(endpoint, 'PING');
        if (pong === 'PONG') {
          if (options.replicaOf === undefined) return 'ready';
          const replication = await runAdminCommand(endpoint, 'INFO', 'replication');
          const link = infoField(replication, 'master_link_status');
          if (link === 'up') return 'ready';
          lastProblem = `replica link to ${options.replicaOf.host}:${options.replicaOf.port} is ${link ?? 'unknown'}`;
        } else {
          lastProblem = `PING replied ${String(pong)}`;
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

  const spawnServer = (port: number): ChildProcess => {
    const out = openSync(stdioFile, 'a');
    try {
      const child = spawn(binary, buildArgs(port), { stdio: ['ignore', out, out] });
      const pid = child.pid;
      if (pid === undefined) {
        throw new Error(`${name}: could not spawn ${binary}`);
      }
      trackPid(pid);
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
  const launch = async (port: number): Promise<ChildProcess> => {
    const child = spawnServer(port);
    try {
      await waitReady(child, port);
      return child;
    } catch (error) {
      await terminate(child, 'SIGKILL');
      throw error;
    }
  };

  let child: ChildProcess | undefined;
  let port = 0;
  let version = 'unknown';
  try {
    for (let attempt = 1; child === undefined; attempt += 1) {
      port = await (options.findPort ?? (() => findFreePort(host)))();
      try {
        child = await launch(port);
      } catch (error) {
        if (!(error instanceof PortInUseError) || attempt >= maxPortAttempts) {
          throw error instanceof PortInUseError
            ? new Error(`${name}: every port tried was in use; last log lines:\n${error.message}`)
            : error;
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
    get pid() {
      return currentPid();
    },
    get running() {
      return !hasExited(current);
    },
    command: (command, ...args) =>
      runAdminCommand({ ...endpointFor(port), timeoutMs: 5000 }, command, ...args),
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await terminate(current, 'SIGTERM');
      } finally {
        await rm(dir, { recursive: true, force: true });
        untrackDir(dir);
      }
    },
    async kill() {
      await terminate(current, 'SIGKILL');
    },
    async restart() {
      if (stopped) throw new Error(`${name}: cannot restart a stopped server`);
      await terminate(current, 'SIGTERM');
      // Same port on purpose: clients reconnect to the address they know. No port retry here.
      current = await launch(port);
    },
    pause() {
      if (!hasExited(current)) signalPid(currentPid(), 'SIGSTOP');
    },
    resume() {
      if (!hasExited(current)) signalPid(currentPid(), 'SIGCONT');
    },
  };
  return handle;
}
