import type { BatchResult, CachexError, ErrorContext } from '@cachex/core';
import { isCertificateFailure, withErrorContext } from '@cachex/core/internal';
import type { DriverClient } from './load-driver.js';

// A connection error must say where the transport tried to connect and why the socket failed.
// The drivers say neither in the error a command rejects with ("Reached the max retries per
// request limit", "All sentinels are unreachable", "None of startup nodes is available"): the
// socket's own error (ECONNREFUSED…) goes to an 'error' event, or nowhere. So the transports
// note the socket errors of their clients as they happen, and add the endpoint and the last
// one to the connection errors they return. Endpoints are described from host, port, socket
// path, master name and sentinels only: never from a URL, so never with a password.

/** What a connection error says when the client refused the server's TLS certificate. */
const CERTIFICATE_FAILED = 'TLS certificate verification failed';

/** Why a socket failed, as Node said it. */
export interface SocketFailure {
  /** Node's error code: `ECONNREFUSED`, `ENOTFOUND`, `ETIMEDOUT`, `ENOENT`, a TLS code… */
  readonly code: string;
  /** The system call that failed (`connect`, `getaddrinfo`…), when Node names one. */
  readonly syscall?: string;
  /** Where the socket tried to connect (`host:port` or a socket path), when known. */
  readonly node?: string;
}

/** Where a transport (or one of its clients) connects, for its connection errors. */
export interface ConnectionTarget {
  /** The endpoint as text, without credentials: `host:port`, a socket path, … */
  readonly endpoint: string;
  /** The last socket failure seen since the client was last ready, if any. */
  readonly failure?: SocketFailure | undefined;
}

/** Socket failures per owner (a client's options object, or a transport), until it is ready. */
const failures = new WeakMap<object, SocketFailure>();

/** `host:port`, with brackets around an IPv6 address. */
export function hostPort(host: unknown, port: unknown): string {
  const name = String(host ?? 'localhost');
  return `${name.includes(':') ? `[${name}]` : name}:${String(port ?? 6379)}`;
}

/** The socket failure an error stands for (it has a Node error code), or undefined. */
function socketFailureOf(error: unknown, node?: string): SocketFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, syscall, address, port } = error as Record<string, unknown>;
  if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(code)) return undefined;
  let at = node;
  if (typeof address === 'string' && address !== '') {
    at = typeof port === 'number' ? hostPort(address, port) : address;
  }
  return {
    code,
    ...(typeof syscall === 'string' ? { syscall } : {}),
    ...(at !== undefined ? { node: at } : {}),
  };
}

/**
 * Records that a socket of `owner` failed with `error` (when it is a socket error: one with a
 * Node error code); `node` says where, when the error does not.
 */
export function noteSocketFailure(owner: object, error: unknown, node?: string): void {
  const failure = socketFailureOf(error, node);
  if (failure !== undefined) failures.set(owner, failure);
}

/** The last socket failure recorded for `owner` since it was last ready (see {@link watchClient}). */
export function lastSocketFailure(owner: object): SocketFailure | undefined {
  return failures.get(owner);
}

/** Forgets the socket failures of `owner` (it is connected again). */
export function clearSocketFailure(owner: object): void {
  failures.delete(owner);
}

/**
 * What a client's socket failures are recorded under: its options object, which the driver also
 * hands to its connector (the sentinel lookups note theirs there), else the client itself.
 */
export function failureOwner(client: DriverClient): object {
  const options = (client as { options?: unknown }).options;
  return typeof options === 'object' && options !== null ? options : client;
}

/** Records the socket failures of `client` as they happen; forgets them once it is ready. */
export function watchClient(client: DriverClient): void {
  const owner = failureOwner(client);
  client.on('error', (error) => noteSocketFailure(owner, error));
  client.on('ready', () => clearSocketFailure(owner));
}

/**
 * Where a driver client connects, from its options: `host:port`, the socket path, or for a
 * client behind Sentinel the master name and the sentinels. Never credentials.
 */
export function endpointOf(client: DriverClient): string {
  const options = ((client as { options?: unknown }).options ?? {}) as Record<string, unknown>;
  const sentinels = options.sentinels;
  if (Array.isArray(sentinels) && sentinels.length > 0) {
    const who = options.role === 'slave' ? 'a replica of' : 'master';
    const list = sentinels.map((s: { host?: unknown; port?: unknown }) =>
      hostPort(s?.host, s?.port ?? 26379),
    );
    return `${who} ${JSON.stringify(String(options.name))} via sentinels ${list.join(', ')}`;
  }
  if (typeof options.path === 'string' && options.path !== '') return options.path;
  return hostPort(options.host, options.port);
}

/** Where `client` connects and its last socket failure. */
export function targetOf(client: DriverClient): ConnectionTarget {
  return { endpoint: endpointOf(client), failure: lastSocketFailure(failureOwner(client)) };
}

/** The socket failure inside an error: its own code, or its cause's (two levels at most). */
function failureInside(error: CachexError): SocketFailure | undefined {
  let current: unknown = error.cause;
  for (let depth = 0; depth < 2 && typeof current === 'object' && current !== null; depth++) {
    const failure = socketFailureOf(current);
    if (failure !== undefined) return failure;
    const next = current as { cause?: unknown; lastNodeError?: unknown };
    current = next.cause ?? next.lastNodeError;
  }
  return undefined;
}

/**
 * `error` with where it tried to connect: a connection error (`E_CONNECTION`) gets the endpoint,
 * and the socket failure behind it when one is known, in its message (`Connection to
 * 127.0.0.1:6379 failed (ECONNREFUSED): …`; a refused server certificate adds `TLS certificate
 * verification failed`) and its context (`endpoint`, `socketError`,
 * `syscall`, `node` when the failed socket was not the endpoint itself); a timeout gets them
 * only when a socket failed meanwhile (it was connecting). Other errors, and errors that
 * already name their endpoint, come back as they are. A copy: errors are values.
 */
export function locateError(error: CachexError, target: ConnectionTarget): CachexError {
  if (error.context.endpoint !== undefined) return error;
  const failure = failureInside(error) ?? target.failure;
  const connection = error.code === 'E_CONNECTION';
  if (!connection && !(error.code === 'E_TIMEOUT' && failure !== undefined)) return error;
  const { endpoint } = target;
  const context: ErrorContext = { endpoint };
  let why = '';
  if (failure !== undefined) {
    context.socketError = failure.code;
    if (failure.syscall !== undefined) context.syscall = failure.syscall;
    const elsewhere = failure.node !== undefined && failure.node !== endpoint;
    if (elsewhere) context.node = failure.node;
    why = `${failure.code}${elsewhere ? ` at ${failure.node}` : ''}`;
    if (isCertificateFailure(failure.code) && !error.message.includes(CERTIFICATE_FAILED)) {
      why += `: ${CERTIFICATE_FAILED}`;
    }
  }
  const message = connection
    ? `Connection to ${endpoint} failed${why === '' ? '' : ` (${why})`}: ${error.message}`
    : `${error.message} (connecting to ${endpoint}: ${why})`;
  const located = withErrorContext(error, context, message);
  // The stack's first line repeats the message: util.inspect and loggers print the stack.
  const stack = error.stack;
  if (typeof stack === 'string' && stack.includes(error.message)) {
    Object.defineProperty(located, 'stack', {
      value: stack.replace(error.message, () => message),
      writable: true,
      enumerable: false,
      configurable: true,
    });
  }
  return located;
}

/** Batch results with their connection errors located (see {@link locateError}). */
export function locateFailures(
  results: readonly BatchResult[],
  target: ConnectionTarget,
): BatchResult[] {
  return results.map((result) =>
    result.ok ? result : { ok: false, error: locateError(result.error, target) },
  );
}
