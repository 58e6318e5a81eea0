import { type Driver, type Endpoint, parseLocation } from '@cachex/config';
import { ConfigError } from '@cachex/core';
import { type ReadFrom, readFromOption } from '@cachex/transport-standalone/driver';
import type { SentinelAddress, SentinelTransportOptions } from './options.js';

/** The default port of a sentinel. */
export const DEFAULT_SENTINEL_PORT = 26379;

/** One sentinel, checked. */
export interface SentinelHost {
  readonly host: string;
  readonly port: number;
}

/** What the options of a sentinel transport come down to. */
export interface SentinelSettings {
  readonly driver: Driver;
  /** The name the sentinels monitor (the host of the location). */
  readonly masterName: string;
  /** The location's endpoint: data-node credentials, db, TLS and URL parameters. */
  readonly endpoint: Endpoint;
  readonly sentinels: readonly SentinelHost[];
  readonly readFrom: ReadFrom;
}

const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const DIGITS = /^\d+$/;
// The URL parameters that list sentinels; the first is the documented one.
const URL_PARAMS = ['sentinels', 'sentinel'] as const;

function configError(field: string, message: string, reason?: string): ConfigError {
  return new ConfigError(message, {
    context: reason === undefined ? { field } : { field, reason },
  });
}

/** `host[:port]` or `[ipv6][:port]`, as written in `?sentinels=` or in a string entry. */
function splitHostPort(text: string): { host: string; port: string | undefined } | undefined {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return undefined;
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return undefined;
    return { host: text.slice(1, close), port: after === '' ? undefined : after.slice(1) };
  }
  const colon = text.indexOf(':');
  if (colon < 0) return { host: text, port: undefined };
  if (text.indexOf(':', colon + 1) >= 0) return undefined; // IPv6 without brackets
  return { host: text.slice(0, colon), port: text.slice(colon + 1) };
}

function checkHost(host: unknown, field: string): string {
  if (typeof host !== 'string' || host.trim() === '') {
    throw configError(field, `${field} must be a non-empty host name or IP address`);
  }
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === '' || WHITESPACE_OR_CONTROL.test(bare) || /[/@,;?#]/.test(bare)) {
    throw configError(field, `${field} ${JSON.stringify(host)} is not a valid host`);
  }
  return bare;
}

function checkPort(port: unknown, field: string): number {
  if (port === undefined) return DEFAULT_SENTINEL_PORT;
  const value = typeof port === 'string' && DIGITS.test(port) ? Number(port) : port;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    // Only a number is echoed: a string in the wrong place could be a password.
    const got = typeof port === 'number' ? String(port) : `a ${typeof port}`;
    throw configError(field, `${field} must be a port number (1-65535), got ${got}`);
  }
  return value;
}

function parseAddressText(text: string, field: string): SentinelHost {
  const parts = splitHostPort(text.trim());
  if (parts === undefined) {
    throw configError(
      field,
      `${field} ${JSON.stringify(text)} is not host:port (write an IPv6 address in brackets: [::1]:26379)`,
    );
  }
  return {
    host: checkHost(parts.host, field),
    port: checkPort(parts.port, `${field} port`),
  };
}

/** Checks one entry of the `sentinels` option. */
function parseAddress(entry: SentinelAddress | unknown, index: number): SentinelHost {
  const field = `sentinels[${index}]`;
  if (typeof entry === 'string') return parseAddressText(entry, field);
  if (Array.isArray(entry)) {
    if (entry.length < 1 || entry.length > 2) {
      throw configError(field, `${field} must be [host, port]`);
    }
    return { host: checkHost(entry[0], `${field}[0]`), port: checkPort(entry[1], `${field}[1]`) };
  }
  if (typeof entry === 'object' && entry !== null) {
    const { host, port } = entry as { host?: unknown; port?: unknown };
    return { host: checkHost(host, `${field}.host`), port: checkPort(port, `${field}.port`) };
  }
  throw configError(
    field,
    `${field} must be [host, port], { host, port } or 'host:port', got ${entry === null ? 'null' : typeof entry}`,
  );
}

/** The sentinels listed in the URL (`?sentinels=h1:26379,h2:26379`), if any. */
function sentinelsFromUrl(endpoint: Endpoint): SentinelHost[] | undefined {
  const given = URL_PARAMS.filter((name) => endpoint.options[name] !== undefined);
  if (given.length === 0) return undefined;
  if (given.length > 1) {
    throw configError('location', 'give the sentinels once: ?sentinels=h1:26379,h2:26379');
  }
  const name = given[0] as (typeof URL_PARAMS)[number];
  const value = String(endpoint.options[name]);
  const entries = value.split(',').filter((text) => text.trim() !== '');
  if (entries.length === 0) {
    throw configError('location', `?${name}= lists no sentinel (write ?${name}=host:port,…)`);
  }
  return entries.map((text, i) => {
    try {
      return parseAddressText(text, `?${name}= entry ${i + 1}`);
    } catch (error) {
      // The field is the location; the message says where in it.
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(`Invalid sentinel location: ${error.message}`, {
        context: { field: 'location', param: name },
      });
    }
  });
}

function sentinelsFromOptions(sentinels: unknown): SentinelHost[] {
  if (sentinels === undefined || sentinels === null) {
    throw configError(
      'sentinels',
      'sentinels is required: give at least one sentinel, e.g. sentinels: [["10.0.0.1", 26379]] (or ?sentinels=host:port in the location)',
    );
  }
  if (!Array.isArray(sentinels)) {
    throw configError('sentinels', 'sentinels must be an array of [host, port] entries');
  }
  if (sentinels.length === 0) {
    throw configError('sentinels', 'sentinels is empty: give at least one sentinel');
  }
  return sentinels.map((entry: unknown, i) => parseAddress(entry, i));
}

/**
 * The authority of a URL as written (before `/` or `?`), without the user info: to tell
 * `redis://mymaster` from `redis://mymaster:6379`, which parseLocation does not.
 */
function writtenHostPort(url: string): string {
  const rest = url.replace(/^\s*[A-Za-z][A-Za-z0-9+.-]*:\/\//, '');
  const end = rest.search(/[/?]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  return authority.slice(authority.lastIndexOf('@') + 1);
}

function masterNameOf(location: string, endpoint: Endpoint): string {
  const fail = (message: string): ConfigError =>
    configError(
      'location',
      `Invalid sentinel location: ${message}. Write redis://[user:password@]<masterName>[/db], with the sentinels in the sentinels option or ?sentinels=host:port`,
      'invalid-master-name',
    );
  if (endpoint.scheme === 'unix' || endpoint.host === undefined) {
    throw fail('a unix socket cannot name a master');
  }
  const name = endpoint.host;
  if (writtenHostPort(location).includes(':') || name.includes(':')) {
    throw fail(
      `the host of a sentinel URL is the master name, not an address ("${writtenHostPort(location)}" has a port)`,
    );
  }
  if (IPV4.test(name)) {
    throw fail(`"${name}" is an IP address; the host of a sentinel URL is the master name`);
  }
  if (WHITESPACE_OR_CONTROL.test(name)) {
    throw fail('the master name contains whitespace or a control character');
  }
  return name;
}

function checkType(options: SentinelTransportOptions, field: string, type: string): void {
  const value = (options as unknown as Record<string, unknown>)[field];
  if (value !== undefined && typeof value !== type) {
    // The value itself is never echoed: it may be a password.
    throw configError(field, `${field} must be a ${type}, got ${typeof value}`);
  }
}

/**
 * Checks the options of a sentinel transport and reads the location. Every problem is a
 * `ConfigError` whose `context.field` names the option; no message holds a password.
 */
export function parseSentinelOptions(options: SentinelTransportOptions): SentinelSettings {
  if (typeof options !== 'object' || options === null) {
    throw configError('options', 'createSentinelTransport needs an options object');
  }
  if (typeof options.location !== 'string') {
    throw configError(
      'location',
      'location must be one URL string: redis://[user:password@]<masterName>[/db]',
    );
  }
  const parsed = parseLocation(
    options.location,
    options.driver === undefined ? undefined : { driver: options.driver },
  );
  if (parsed.replicas.length > 0) {
    throw configError(
      'location',
      'a sentinel location is one URL naming the master; the sentinels find the replicas',
    );
  }
  const endpoint = parsed.primary;
  const masterName = masterNameOf(options.location, endpoint);
  const sentinels = sentinelsFromUrl(endpoint) ?? sentinelsFromOptions(options.sentinels);

  const readFrom = readFromOption(options.readFrom, 'primary');
  for (const field of ['username', 'password', 'sentinelUsername', 'sentinelPassword']) {
    checkType(options, field, 'string');
  }
  checkType(options, 'onError', 'function');
  const { sentinelTls, tls, clientOptions } = options;
  for (const [field, value] of [
    ['sentinelTls', sentinelTls],
    ['tls', tls],
  ] as const) {
    if (
      value !== undefined &&
      typeof value !== 'boolean' &&
      (typeof value !== 'object' || !value)
    ) {
      throw configError(field, `${field} must be true, false or an object of TLS settings`);
    }
  }
  if (
    clientOptions !== undefined &&
    (typeof clientOptions !== 'object' || clientOptions === null || Array.isArray(clientOptions))
  ) {
    throw configError('clientOptions', 'clientOptions must be an object');
  }
  return { driver: parsed.driver, masterName, endpoint, sentinels, readFrom };
}
