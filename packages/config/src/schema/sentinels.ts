import { type IssueList, joinPath } from './issues.js';
import { describeType } from './suggest.js';
import { INVALID, isRecord, shownNumber } from './validator.js';

/** A sentinel address after checking. */
export interface SentinelHost {
  readonly host: string;
  readonly port: number;
}

/** The port of a sentinel written without one (`'10.0.0.1'`). */
const DEFAULT_SENTINEL_PORT = 26379;

const DIGITS = /^\d+$/;
const BAD_HOST = /[\s\p{Cc}/@,;?#]/u;

type Problem = { readonly at?: string | number; readonly message: string };

function checkHost(host: unknown): string | Problem {
  if (typeof host !== 'string' || host.trim() === '') {
    const got = typeof host === 'string' ? 'an empty string' : describeType(host);
    return { message: `the host must be a non-empty host name or IP address, got ${got}` };
  }
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === '' || BAD_HOST.test(bare)) {
    return { message: `${JSON.stringify(host.slice(0, 60))} is not a valid host` };
  }
  return bare;
}

function checkPort(port: unknown): number | Problem {
  if (port === undefined) return DEFAULT_SENTINEL_PORT;
  const value = typeof port === 'string' && DIGITS.test(port) ? Number(port) : port;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    const shown = typeof port === 'string' ? JSON.stringify(port.slice(0, 20)) : shownNumber(port);
    return { message: `the port must be an integer from 1 to 65535, got ${shown}` };
  }
  return value;
}

/** `host`, `host:port`, `[ipv6]` or `[ipv6]:port`. */
function parseText(text: string): SentinelHost | Problem {
  const trimmed = text.trim();
  let host: string;
  let port: string | undefined;
  if (trimmed.startsWith('[')) {
    const close = trimmed.indexOf(']');
    const after = close < 0 ? '' : trimmed.slice(close + 1);
    if (close < 0 || (after !== '' && !after.startsWith(':'))) {
      return { message: `${JSON.stringify(trimmed.slice(0, 60))} is not [ipv6]:port` };
    }
    host = trimmed.slice(0, close + 1);
    port = after === '' ? undefined : after.slice(1);
  } else {
    const parts = trimmed.split(':');
    if (parts.length > 2) {
      return {
        message: `${JSON.stringify(trimmed.slice(0, 60))} is not host:port (write an IPv6 address in brackets: [::1]:26379)`,
      };
    }
    host = parts[0] ?? '';
    port = parts[1];
  }
  return combine(checkHost(host), checkPort(port));
}

function combine(host: string | Problem, port: number | Problem, portAt?: string | number) {
  if (typeof host !== 'string') return host;
  if (typeof port !== 'number') return portAt === undefined ? port : { ...port, at: portAt };
  return { host, port };
}

function parseEntry(entry: unknown): SentinelHost | Problem {
  if (typeof entry === 'string') return parseText(entry);
  if (Array.isArray(entry)) {
    if (entry.length < 1 || entry.length > 2) {
      return { message: `must be [host, port], got an array of ${entry.length}` };
    }
    const host = checkHost(entry[0]);
    return combine(typeof host === 'string' ? host : { ...host, at: 0 }, checkPort(entry[1]), 1);
  }
  if (isRecord(entry)) {
    const host = checkHost(entry.host);
    return combine(
      typeof host === 'string' ? host : { ...host, at: 'host' },
      checkPort(entry.port),
      'port',
    );
  }
  return {
    message: `must be 'host:port', [host, port] or { host, port }, got ${describeType(entry)}`,
  };
}

function isProblem(value: SentinelHost | Problem): value is Problem {
  return 'message' in value;
}

/**
 * Checks the `sentinels` option: a non-empty list of `'host:port'`, `[host, port]` or
 * `{ host, port }` (port 26379 when left out), normalized to frozen `{ host, port }`.
 */
export function checkSentinels(
  value: unknown,
  path: string,
  issues: IssueList,
): readonly SentinelHost[] | typeof INVALID {
  if (!Array.isArray(value) || value.length === 0) {
    issues.add(
      path,
      `must be a non-empty list of sentinels ('host:port', [host, port] or { host, port }), got ${Array.isArray(value) ? 'an empty list' : describeType(value)}`,
    );
    return INVALID;
  }
  const before = issues.size;
  const hosts = value.map((entry: unknown, index) => {
    const parsed = parseEntry(entry);
    if (!isProblem(parsed)) return Object.freeze(parsed);
    const entryPath = joinPath(path, index);
    issues.add(
      parsed.at === undefined ? entryPath : joinPath(entryPath, parsed.at),
      parsed.message,
    );
    return undefined;
  });
  return issues.size > before ? INVALID : Object.freeze(hosts as SentinelHost[]);
}

/**
 * Parses the `?sentinels=h1:26379,h2:26379` parameter of a sentinel location; problems are
 * recorded at `path` (the location) naming the entry.
 */
export function parseSentinelsParam(
  text: string,
  path: string,
  issues: IssueList,
): readonly SentinelHost[] | typeof INVALID {
  const entries = text.split(',').filter((entry) => entry.trim() !== '');
  if (entries.length === 0) {
    issues.add(path, '?sentinels= lists no sentinel (write ?sentinels=host:port,host:port)');
    return INVALID;
  }
  const before = issues.size;
  const hosts = entries.map((entry, index) => {
    const parsed = parseText(entry);
    if (!isProblem(parsed)) return Object.freeze(parsed);
    issues.add(path, `?sentinels= entry ${index + 1}: ${parsed.message}`);
    return undefined;
  });
  return issues.size > before ? INVALID : Object.freeze(hosts as SentinelHost[]);
}
