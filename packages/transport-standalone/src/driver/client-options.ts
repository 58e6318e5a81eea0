import { readFileSync } from 'node:fs';
import type { Endpoint } from '@cachex/config';
import { ConfigError } from '@cachex/core';
import type { DriverName } from './load-driver.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_SOCKET_TIMEOUT_MS,
  type DriverTransportOptions,
  type TlsOptions,
} from './options.js';

function positiveMs(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${field} must be a positive number of milliseconds`, {
      context: { field },
    });
  }
  return value;
}

function readPem(path: unknown, field: string): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(String(path));
  } catch (error) {
    throw new ConfigError(`${field}: cannot read ${String(path)}`, {
      cause: error,
      context: { field },
    });
  }
}

/** TLS settings for one endpoint: the URL's `ssl_*` parameters over the transport's `tls`. */
export function tlsFor(
  endpoint: Endpoint,
  tls: DriverTransportOptions['tls'],
): Record<string, unknown> | undefined {
  const enabled = endpoint.tls || tls === true || (typeof tls === 'object' && tls !== null);
  if (!enabled) return undefined;
  const base: TlsOptions = typeof tls === 'object' && tls !== null ? tls : {};
  const q = endpoint.options;
  const certReqs = typeof q.sslCertReqs === 'string' ? q.sslCertReqs.toLowerCase() : undefined;
  const result: Record<string, unknown> = {
    // Verification stays on unless explicitly turned off, in code or in the URL.
    rejectUnauthorized: certReqs === 'none' ? false : base.rejectUnauthorized !== false,
  };
  const ca = readPem(q.sslCaCerts, 'ssl_ca_certs') ?? base.ca;
  const cert = readPem(q.sslCertfile, 'ssl_certfile') ?? base.cert;
  const key = readPem(q.sslKeyfile, 'ssl_keyfile') ?? base.key;
  if (ca !== undefined) result.ca = ca;
  if (cert !== undefined) result.cert = cert;
  if (key !== undefined) result.key = key;
  if (base.servername !== undefined) result.servername = base.servername;
  if (q.sslCheckHostname === false || base.checkServerIdentity === false)
    result.checkServerIdentity = () => undefined;
  return result;
}

function secondsToMs(value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 ? Math.round(value * 1000) : undefined;
}

/**
 * Builds the ioredis/iovalkey constructor options for one endpoint. URL values win over the
 * transport's options (Django's rule: "querystring arguments always win").
 */
export function buildClientOptions(
  endpoint: Endpoint,
  driver: DriverName,
  options: DriverTransportOptions,
): Record<string, unknown> {
  const connectTimeout =
    secondsToMs(endpoint.options.connectTimeout) ??
    positiveMs(options.connectTimeoutMs, 'connectTimeoutMs') ??
    DEFAULT_CONNECT_TIMEOUT_MS;
  const commandTimeout =
    secondsToMs(endpoint.options.socketTimeout) ??
    positiveMs(options.socketTimeoutMs, 'socketTimeoutMs') ??
    DEFAULT_SOCKET_TIMEOUT_MS;
  const db = endpoint.db ?? options.db ?? 0;
  if (!Number.isSafeInteger(db) || db < 0)
    throw new ConfigError('db must be a non-negative integer', { context: { field: 'db' } });

  const client: Record<string, unknown> = {
    // Connect on the first command, so that creating a cache never does I/O.
    lazyConnect: true,
    connectTimeout,
    commandTimeout,
    // Fail fast while the server is down instead of queueing for ever: a call rejects after
    // one reconnect attempt or its command timeout, whichever comes first.
    maxRetriesPerRequest: 1,
    // A server that stops answering without closing the connection (SIGSTOP, a hung or
    // unreachable host): commands already sent stay queued on the connection until a reply
    // comes, each rejected by its command timeout but still held. With no reply for this long
    // while commands wait, the connection is dropped and they are released, so that memory does
    // not grow for as long as the server hangs; the driver then reconnects with its backoff.
    socketTimeout: commandTimeout,
    // Commands in flight when a connection drops are failed, never sent again on the next
    // connection: the server may already have run them (a write would then run twice, an
    // INCRBY counted twice). Reads that may safely be resent are resent by the cache
    // (`retryOnTimeout`), which knows which ones they are.
    autoResendUnfulfilledCommands: false,
    // Reconnect quickly at first, then back off to at most 500 ms: min(n * 50, 500) ms, which resumes writes about 1.5 s sooner than the drivers' default after a failover.
    retryStrategy: (times: number) => Math.min(times * 50, 500),
    enableReadyCheck: true,
    db,
    ...options.clientOptions,
  };
  // ioredis 6 speaks RESP3 by default; RESP2 keeps replies and client tracking identical on
  // both drivers (ioredis 6 with RESP3 also drops client-tracking invalidations).
  if (driver === 'ioredis' && client.protocol === undefined) client.protocol = 2;
  if (endpoint.path !== undefined) client.path = endpoint.path;
  else {
    client.host = endpoint.host;
    client.port = endpoint.port;
  }
  const username = endpoint.username ?? options.username;
  const password = endpoint.password ?? options.password;
  if (username !== undefined) client.username = username;
  if (password !== undefined) client.password = password;
  const tls = tlsFor(endpoint, options.tls);
  if (tls) client.tls = tls;
  return client;
}
