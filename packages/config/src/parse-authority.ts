import { LocationProblemError } from './location-error.js';
import { percentDecode } from './percent-decode.js';

/** The default TCP port of Redis and Valkey. */
export const DEFAULT_PORT = 6379;

const ENCODING_HINT = "('@' as %40, ':' as %3A, '/' as %2F, '%' as %25, '#' as %23)";
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;
// Host names, IPv4 addresses and Sentinel master names; percent-escapes are decoded after.
const HOST = /^[\p{L}\p{N}._~%-]+$/u;
const IPV6 = /^[0-9A-Fa-f:.]+(?:%25[A-Za-z0-9._~-]+)?$/;
const DIGITS = /^\d+$/;

/** User info, percent-decoded; empty parts are `undefined`. */
export interface Credentials {
  readonly username?: string;
  readonly password?: string;
}

/**
 * Checks and decodes one part of the user info. Messages name the part and the offending kind
 * of character, never the text itself.
 */
function decodeCredential(raw: string, part: 'user name' | 'password'): string | undefined {
  const fail = (what: string): LocationProblemError =>
    new LocationProblemError(
      'credentials-encoding',
      `the ${part} ${what}: percent-encode special characters ${ENCODING_HINT}`,
    );
  if (raw.includes('@')) throw fail("contains a raw '@'");
  if (raw.includes(':')) throw fail("contains a raw ':'");
  if (WHITESPACE_OR_CONTROL.test(raw)) throw fail('contains whitespace or a control character');
  const decoded = percentDecode(raw);
  if (decoded === undefined)
    throw fail("contains a '%' that does not start a valid percent-escape");
  return decoded === '' ? undefined : decoded;
}

/** Splits `user:password` (either part optional) and decodes both. */
export function parseUserinfo(userinfo: string): Credentials {
  const colon = userinfo.indexOf(':');
  const username = decodeCredential(colon < 0 ? userinfo : userinfo.slice(0, colon), 'user name');
  const password = colon < 0 ? undefined : decodeCredential(userinfo.slice(colon + 1), 'password');
  return {
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}

function parsePort(text: string): number {
  if (text === '')
    throw new LocationProblemError('invalid-port', 'the port is empty (omit the ":" for 6379)');
  if (!DIGITS.test(text))
    throw new LocationProblemError('invalid-port', `the port "${text}" is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) {
    throw new LocationProblemError('invalid-port', `the port ${text} is out of range (1-65535)`);
  }
  return port;
}

function invalidHost(host: string): LocationProblemError {
  const hint = /[,;]/.test(host)
    ? '; to list several servers, give one complete URL each: redis://h1:6379,redis://h2:6379'
    : '';
  return new LocationProblemError('invalid-host', `the host "${host}" is not valid${hint}`);
}

/**
 * Parses `host[:port]` or `[ipv6][:port]`. IPv6 hosts come back without brackets, with a zone
 * (`%25eth0`) decoded to `%eth0`; the port defaults to {@link DEFAULT_PORT}.
 */
export function parseHostPort(hostport: string): { host: string; port: number } {
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    const inner = close < 0 ? '' : hostport.slice(1, close);
    const after = close < 0 ? '' : hostport.slice(close + 1);
    if (
      close < 0 ||
      !IPV6.test(inner) ||
      !inner.includes(':') ||
      (after !== '' && !after.startsWith(':'))
    ) {
      throw new LocationProblemError(
        'invalid-host',
        `"${hostport}" is not a valid bracketed IPv6 address`,
      );
    }
    return {
      host: inner.replace('%25', '%'),
      port: after === '' ? DEFAULT_PORT : parsePort(after.slice(1)),
    };
  }
  if (hostport.split(':').length > 2) {
    throw new LocationProblemError(
      'invalid-host',
      `"${hostport}" has several ':': write an IPv6 address in brackets, e.g. redis://[::1]:6379`,
    );
  }
  const colon = hostport.indexOf(':');
  const hostText = colon < 0 ? hostport : hostport.slice(0, colon);
  if (hostText === '') {
    throw new LocationProblemError(
      'missing-host',
      'the URL has no host (e.g. redis://127.0.0.1:6379/0)',
    );
  }
  const host = HOST.test(hostText) ? percentDecode(hostText) : undefined;
  if (host === undefined || host === '') throw invalidHost(hostText);
  return { host, port: colon < 0 ? DEFAULT_PORT : parsePort(hostport.slice(colon + 1)) };
}
