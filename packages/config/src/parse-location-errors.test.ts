import { inspect } from 'node:util';
import { ConfigError, isCachexError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import type { LocationProblem } from './location-error.js';
import { DEFAULT_PORT } from './parse-authority.js';
import { parseLocation } from './parse-location.js';
import type { ParseLocationOptions } from './types.js';

function catchError(location: unknown, options?: ParseLocationOptions): ConfigError {
  try {
    parseLocation(location as string, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(location)} to be rejected`);
}

interface BadCase {
  readonly url: string | readonly string[];
  readonly reason: LocationProblem;
  /** Fragments the message must contain. */
  readonly says: readonly string[];
  /** A secret that must appear nowhere in the error. */
  readonly secret?: string;
}

const BAD: readonly BadCase[] = [
  { url: '', reason: 'empty', says: ['location is empty'] },
  { url: '   ', reason: 'empty', says: ['location is empty'] },
  { url: [], reason: 'empty', says: ['location list is empty'] },
  { url: ['redis://a', ' '], reason: 'empty', says: ['URL is empty', 'entry 2 of 2, a replica'] },
  { url: ',redis://a', reason: 'empty', says: ['URL is empty', 'entry 1 of 2, the primary'] },
  {
    url: 'localhost:6390',
    reason: 'unparseable',
    // The hint shows a full URL with the default port.
    says: ['not a URL', `redis://127.0.0.1:${DEFAULT_PORT}/0`],
  },
  { url: 'redis:/h', reason: 'unparseable', says: ['not a URL', '"redis:/h"'] },
  { url: 'unix:/tmp/x.sock', reason: 'unparseable', says: ['unix:///absolute/path'] },
  {
    url: 'http://:topsecret@h:80',
    reason: 'unknown-scheme',
    says: [
      'unknown scheme "http://"',
      'redis://, rediss://, valkey://, valkeys://, unix://',
      '"http://:***@h:80"',
    ],
    secret: 'topsecret',
  },
  {
    url: 'redis://h:abc/0',
    reason: 'invalid-port',
    says: ['port "abc" is not a number', '"redis://h:abc/0"'],
  },
  { url: 'redis://h:0', reason: 'invalid-port', says: ['port 0 is out of range (1-65535)'] },
  { url: 'redis://h:65536', reason: 'invalid-port', says: ['port 65536 is out of range'] },
  { url: 'redis://:pw1x@h:', reason: 'invalid-port', says: ['port is empty'], secret: 'pw1x' },
  { url: 'redis://[::1]:99999', reason: 'invalid-port', says: ['port 99999 is out of range'] },
  {
    url: 'redis://u:s3kr1t@h/abc',
    reason: 'invalid-db',
    says: [
      'database in the path (/N) must be a non-negative integer, got "abc"',
      'redis://u:***@h/abc',
    ],
    secret: 's3kr1t',
  },
  { url: 'redis://h/-1', reason: 'invalid-db', says: ['in the path (/N)', '"-1"'] },
  { url: 'redis://h/1/2', reason: 'invalid-db', says: ['in the path (/N)', '"1/2"'] },
  {
    url: 'redis://h/0?db=x',
    reason: 'invalid-db',
    says: ['database in ?db= must be a non-negative integer, got "x"'],
  },
  { url: 'redis://h?db=1.5', reason: 'invalid-db', says: ['in ?db=', '"1.5"'] },
  { url: 'redis://h?db=', reason: 'invalid-db', says: ['in ?db=', 'got ""'] },
  { url: 'unix://', reason: 'unix-path', says: ['no socket path'] },
  { url: 'unix:///?db=1', reason: 'unix-path', says: ['no socket path'] },
  {
    url: 'unix://tmp/redis.sock',
    reason: 'unix-path',
    says: ['takes no host ("tmp"', 'three slashes'],
  },
  { url: 'redis://:pw2x@/0', reason: 'missing-host', says: ['no host'], secret: 'pw2x' },
  {
    url: 'redis://h1,h2:6380',
    reason: 'invalid-host',
    says: ['host "h1,h2" is not valid', 'one complete URL each'],
  },
  { url: 'redis://::1:6380', reason: 'invalid-host', says: ['IPv6 address in brackets'] },
  { url: 'redis://[::1', reason: 'invalid-host', says: ['not a valid bracketed IPv6 address'] },
  {
    url: 'redis://[zz::1]:6380',
    reason: 'invalid-host',
    says: ['not a valid bracketed IPv6 address'],
  },
  { url: 'redis://bad host', reason: 'invalid-host', says: ['host "bad host" is not valid'] },
  {
    url: 'redis://h?socket_keepalive=maybe',
    reason: 'invalid-param',
    says: ['socket_keepalive="maybe" is not a boolean (1/0, true/false, yes/no, y/n, on/off)'],
  },
  {
    url: 'rediss://h?ssl_check_hostname=2',
    reason: 'invalid-param',
    says: ['ssl_check_hostname="2"', 'boolean'],
  },
  {
    url: 'redis://h?retryOnTimeout=',
    reason: 'invalid-param',
    says: ['retryOnTimeout=""', 'boolean'],
  },
  {
    url: 'redis://h?socket_timeout=abc',
    reason: 'invalid-param',
    says: ['socket_timeout="abc" is not a non-negative number of seconds'],
  },
  {
    url: 'redis://h?connectTimeout=-1',
    reason: 'invalid-param',
    says: ['connectTimeout="-1"', 'non-negative number'],
  },
  { url: 'redis://h?socket_timeout=1e3', reason: 'invalid-param', says: ['socket_timeout="1e3"'] },
  {
    url: 'redis://h?max_connections=0',
    reason: 'invalid-param',
    says: ['max_connections="0" is not a positive integer'],
  },
  {
    url: 'rediss://h?ssl_cert_reqs=maybe',
    reason: 'invalid-param',
    says: ['ssl_cert_reqs="maybe" is not one of none, optional, required'],
  },
  {
    url: 'rediss://h?ssl_ca_certs=',
    reason: 'invalid-param',
    says: ['ssl_ca_certs="" is not a file path'],
  },
  {
    url: 'redis://h?x=%zz',
    reason: 'invalid-param',
    says: ['parameter x is not valid percent-encoding'],
  },
  { url: 'redis://h?=1', reason: 'invalid-param', says: ['empty or malformed name'] },
  {
    url: 'redis://h?ssl_cert_reqs=none',
    reason: 'tls-param-without-tls',
    says: ['ssl_cert_reqs needs a TLS connection', 'rediss://'],
  },
  { url: 'redis://h?db=1&db=2', reason: 'duplicate-param', says: ['db is given more than once'] },
  {
    url: 'redis://h?socket_timeout=1&socketTimeout=2',
    reason: 'duplicate-param',
    says: ['socketTimeout is given more than once (also given as socket_timeout)'],
  },
  {
    url: 'redis://h?password=qq1x&pass=qq2x',
    reason: 'duplicate-param',
    says: ['pass is given more than once (also given as password)'],
    secret: 'qq1x',
  },
  {
    url: 'redis://h?password=ab%zzcd',
    reason: 'credentials-encoding',
    says: ['password query parameter is not valid percent-encoding'],
    secret: 'ab%zzcd',
  },
  // Passwords that needed percent-encoding and were not.
  {
    url: 'redis://user:p@ssw0rd@h:6390/0',
    reason: 'credentials-encoding',
    says: ["password contains a raw '@'", '%40', '"redis://user:***@h:6390/0"'],
    secret: 'p@ssw0rd',
  },
  {
    url: 'redis://user:pa:ssw0rd@h:6390/0',
    reason: 'credentials-encoding',
    says: ["password contains a raw ':'", '%3A'],
    secret: 'pa:ssw0rd',
  },
  {
    url: 'redis://user:pa/ssw0rd@h:6390/0',
    reason: 'credentials-encoding',
    says: ['percent-encode it as %2F', '"redis://user:***@h:6390/0"'],
    secret: 'pa/ssw0rd',
  },
  {
    url: 'redis://user:6390/ssw0rd@h/0',
    reason: 'credentials-encoding',
    says: ['%2F'],
    secret: '6390/ssw0rd',
  },
  {
    url: 'redis://user:pa?ssw0rd@h:6390/0',
    reason: 'credentials-encoding',
    says: ["if the password contains '?'", '%3F'],
    secret: 'pa?ssw0rd',
  },
  {
    url: 'redis://user:12?34wxyz@h:6390/0',
    reason: 'credentials-encoding',
    says: ['%3F'],
    secret: '12?34wxyz',
  },
  {
    url: 'redis://user:pa#ssw0rd@h:6390/0',
    reason: 'fragment',
    says: ["'#' is not allowed", '%23', '"redis://user:***@h:6390/0"'],
    secret: 'pa#ssw0rd',
  },
  {
    url: 'redis://user:100%sure@h:6390/0',
    reason: 'credentials-encoding',
    says: ["password contains a '%' that does not start a valid percent-escape", "'%' as %25"],
    secret: '100%sure',
  },
  {
    url: 'redis://user:bad%FFutf@h:6390/0',
    reason: 'credentials-encoding',
    says: ['percent-escape'],
    secret: 'bad%FFutf',
  },
  {
    url: 'redis://user:two words@h',
    reason: 'credentials-encoding',
    says: ['password contains whitespace'],
    secret: 'two words',
  },
  {
    url: 'redis://us@er:pw3xyz@h',
    reason: 'credentials-encoding',
    says: ["user name contains a raw '@'"],
    secret: 'pw3xyz',
  },
  {
    url: ['redis://:okpass1@p', 'valkey://:p@ss9word@r:6391'],
    reason: 'credentials-encoding',
    says: ["raw '@'", 'entry 2 of 2, a replica', '"valkey://:***@r:6391"'],
    secret: 'p@ss9word',
  },
  {
    url: 'redis://:okpass1@p:6390, redis://:bad%word@r',
    reason: 'credentials-encoding',
    says: ['percent-escape', 'entry 2 of 2'],
    secret: 'bad%word',
  },
];

describe('parseLocation: bad locations', () => {
  it.each(BAD)('rejects $url ($reason)', ({ url, reason, says, secret }) => {
    const err = catchError(url);
    expect(isCachexError(err)).toBe(true);
    expect(err.code).toBe('E_CONFIG');
    expect(err.context).toMatchObject({ field: 'location', reason });
    expect(err.message).toMatch(/^Invalid cache location[ :]/);
    for (const fragment of says) expect(err.message).toContain(fragment);
    if (secret !== undefined) {
      expect(err.message).not.toContain(secret);
      expect(inspect(err, { depth: 10, showHidden: true })).not.toContain(secret);
      expect(JSON.stringify(err.context)).not.toContain(secret);
      expect(err.cause).toBeUndefined();
    }
  });

  it('names the param and the entry in the context', () => {
    const err = catchError(['redis://a', 'redis://b?socket_timeout=x']);
    expect(err.context).toMatchObject({
      param: 'socket_timeout',
      entry: 1,
      url: 'redis://b?socket_timeout=x',
    });
  });

  it('redacts ?password= values when echoing the URL', () => {
    const err = catchError('redis://h:abc?password=qpw77');
    expect(err.message).toContain('redis://h:abc?password=***');
    expect(err.message).not.toContain('qpw77');
  });

  it('rejects values that are not strings or arrays of strings', () => {
    expect(catchError(undefined).message).toContain('got undefined');
    expect(catchError(42).context).toMatchObject({ reason: 'not-a-string' });
    expect(catchError(['redis://a', 7]).message).toContain(
      'entry 2 of the location list is not a string',
    );
  });

  it('rejects an unknown driver option', () => {
    const err = catchError('redis://h', { driver: 'node-redis' as 'ioredis' });
    expect(err.context).toMatchObject({ field: 'driver', reason: 'invalid-driver' });
    expect(err.message).toContain('"node-redis" is not a driver (expected ioredis or iovalkey)');
  });
});
