import { describe, expect, it } from 'vitest';
import { parseLocation } from './parse-location.js';
import { parseQuery } from './query-options.js';

const optionsOf = (url: string) => parseLocation(url).primary.options;

describe('query options', () => {
  it('types the timeouts and intervals as numbers of seconds, kept as given', () => {
    expect(
      optionsOf(
        'redis://h?socket_timeout=0.5&socket_connect_timeout=3&health_check_interval=30&max_connections=50',
      ),
    ).toEqual({
      socketTimeout: 0.5,
      connectTimeout: 3,
      healthCheckInterval: 30,
      maxConnections: 50,
    });
  });

  it('accepts the camelCase names too', () => {
    expect(
      optionsOf(
        'redis://h?socketTimeout=2&connectTimeout=.25&maxConnections=4&healthCheckInterval=0&retryOnTimeout=1',
      ),
    ).toEqual({
      socketTimeout: 2,
      connectTimeout: 0.25,
      maxConnections: 4,
      healthCheckInterval: 0,
      retryOnTimeout: true,
    });
    expect(optionsOf('redis://h?socketConnectTimeout=7')).toEqual({ connectTimeout: 7 });
  });

  it.each([
    ['1', true],
    ['0', false],
    ['true', true],
    ['FALSE', false],
    ['Yes', true],
    ['no', false],
    ['Y', true],
    ['n', false],
    ['ON', true],
    ['off', false],
  ])('reads boolean %s as %s', (text, expected) => {
    expect(optionsOf(`redis://h?socket_keepalive=${text}&retry_on_timeout=${text}`)).toEqual({
      socketKeepalive: expected,
      retryOnTimeout: expected,
    });
    expect(optionsOf(`rediss://h?ssl_check_hostname=${text}`)).toEqual({
      sslCheckHostname: expected,
    });
  });

  it('types the TLS parameters on a TLS URL', () => {
    expect(
      optionsOf(
        'valkeys://h?ssl_cert_reqs=REQUIRED&ssl_ca_certs=/etc/ca.pem&ssl_certfile=%2Fetc%2Fclient.crt&ssl_keyfile=/etc/client+1.key',
      ),
    ).toEqual({
      sslCertReqs: 'required',
      sslCaCerts: '/etc/ca.pem',
      sslCertfile: '/etc/client.crt',
      sslKeyfile: '/etc/client+1.key',
    });
    expect(optionsOf('rediss://h?sslCertReqs=none').sslCertReqs).toBe('none');
    expect(optionsOf('rediss://h?ssl_cert_reqs=Optional').sslCertReqs).toBe('optional');
  });

  it('passes unknown parameters through as decoded strings under their own name', () => {
    expect(optionsOf('redis://h?client_name=my%20app&family=6&flag&socket_timeout=1')).toEqual({
      client_name: 'my app',
      family: '6',
      flag: '',
      socketTimeout: 1,
    });
  });

  it('keeps a parameter named __proto__ as plain data', () => {
    const options = optionsOf('redis://h?__proto__=x');
    expect(Object.getPrototypeOf(options)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(options, '__proto__')?.value).toBe('x');
  });

  it('reads credential parameters in any case, never as options', () => {
    const { primary } = parseLocation('redis://h?PASSWORD=Xy1&User=bob');
    expect(primary.password).toBe('Xy1');
    expect(primary.username).toBe('bob');
    expect(primary.options).toEqual({});
  });

  it('ignores empty segments', () => {
    expect(parseQuery('&&db=2&', false)).toMatchObject({ db: 2, options: {} });
  });

  it('never puts db or credentials in options', () => {
    const result = parseQuery('db=1&password=pw&user=u', false);
    expect(result.options).toEqual({});
    expect(result).toMatchObject({ db: 1, username: 'u', password: 'pw' });
  });
});
