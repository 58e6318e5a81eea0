import { Redis, ReplyError } from 'ioredis';

/** TLS material for the admin connection; when set the connection is TLS. */
export interface AdminTlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
}

/** Where and how the harness talks to a server it started. */
export interface AdminEndpoint {
  host?: string;
  port?: number;
  /** Unix socket path; wins over host/port. */
  path?: string;
  tls?: AdminTlsOptions;
  username?: string;
  password?: string;
  /** Bound on the whole exchange, connect included. Default 2000 ms. */
  timeoutMs?: number;
}

/**
 * True for an error reply from the server (`NOAUTH …`, `NOPERM …`, `WRONGPASS …`), as opposed
 * to a connection failure or a timeout.
 */
export function isReplyError(error: unknown): error is Error {
  return error instanceof ReplyError;
}

/**
 * Runs one command through ioredis on a fresh connection (authenticated when credentials are
 * given) and disconnects. Error replies reject with ioredis' `ReplyError` (see `isReplyError`);
 * connection failures and timeouts reject with other errors.
 */
export async function runAdminCommand(
  endpoint: AdminEndpoint,
  command: string,
  ...args: string[]
): Promise<unknown> {
  const { host = '127.0.0.1', port, path, tls, username, password } = endpoint;
  // No default port on purpose: silently dialling 6379 could hit a developer's own server.
  if (path === undefined && port === undefined) {
    throw new Error('runAdminCommand needs a port or a unix socket path');
  }
  const timeoutMs = endpoint.timeoutMs ?? 2000;
  const client = new Redis({
    host,
    port,
    path,
    tls,
    username,
    password,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    // One command, so no INFO ready check and no CLIENT SETINFO before it.
    enableReadyCheck: false,
    disableClientInfo: true,
    protocol: 2,
  });
  // ioredis rejects connect() with a generic "Connection is closed." and reports the cause
  // (ECONNREFUSED, WRONGPASS…) here; keep it, and keep it from being printed as unhandled.
  let connectionError: Error | undefined;
  client.on('error', (error: Error) => {
    connectionError ??= error;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${command} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const exchange = (async () => {
    try {
      await client.connect();
    } catch (error) {
      throw connectionError ?? error;
    }
    return client.call(command, ...args);
  })();
  // The loser of the race must not become an unhandled rejection.
  exchange.catch(() => {});
  try {
    return await Promise.race([exchange, deadline]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Reads one field of an INFO reply (`role`, `master_link_status`, `redis_version`…). */
export function infoField(info: unknown, field: string): string | undefined {
  if (typeof info !== 'string') return undefined;
  const prefix = `${field}:`;
  for (const line of info.split(/\r?\n/)) {
    if (line.startsWith(prefix)) return line.slice(prefix.length);
  }
  return undefined;
}
