import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT } from './parse-authority.js';
import { parseLocation } from './parse-location.js';

describe('parseLocation: single URL forms', () => {
  it('parses redis:// with host, port and db', () => {
    const { driver, primary, replicas } = parseLocation('redis://cache.internal:6380/2');
    expect(driver).toBe('ioredis');
    expect(replicas).toEqual([]);
    expect(primary).toMatchObject({
      scheme: 'redis',
      tls: false,
      host: 'cache.internal',
      port: 6380,
      db: 2,
    });
    expect(primary.path).toBeUndefined();
    expect(primary.username).toBeUndefined();
    expect(primary.password).toBeUndefined();
    expect(primary.options).toEqual({});
  });

  it('parses rediss:// as TLS with the ioredis driver', () => {
    const { driver, primary } = parseLocation('rediss://10.1.2.3:6390');
    expect(driver).toBe('ioredis');
    expect(primary).toMatchObject({ scheme: 'rediss', tls: true, host: '10.1.2.3', port: 6390 });
  });

  it('parses valkey:// with the iovalkey driver', () => {
    const { driver, primary } = parseLocation('valkey://127.0.0.1:7001/1');
    expect(driver).toBe('iovalkey');
    expect(primary).toMatchObject({
      scheme: 'valkey',
      tls: false,
      host: '127.0.0.1',
      port: 7001,
      db: 1,
    });
  });

  it('parses valkeys:// as TLS with the iovalkey driver', () => {
    const { driver, primary } = parseLocation('valkeys://vk.example.com:6400/3');
    expect(driver).toBe('iovalkey');
    expect(primary).toMatchObject({
      scheme: 'valkeys',
      tls: true,
      host: 'vk.example.com',
      port: 6400,
      db: 3,
    });
  });

  it('parses unix:// with the socket path and ?db=', () => {
    const { driver, primary } = parseLocation('unix:///var/run/redis/redis.sock?db=4');
    expect(driver).toBe('ioredis');
    expect(primary).toMatchObject({
      scheme: 'unix',
      tls: false,
      path: '/var/run/redis/redis.sock',
      db: 4,
    });
    expect(primary.host).toBeUndefined();
    expect(primary.port).toBeUndefined();
  });

  it('parses unix:// without db as db undefined, and percent-decodes the path', () => {
    const { primary } = parseLocation('unix:///tmp/my%20redis.sock');
    expect(primary.path).toBe('/tmp/my redis.sock');
    expect(primary.db).toBeUndefined();
  });

  it('parses unix:// with credentials in the user info', () => {
    const { primary } = parseLocation('unix://app:s%40cret@/run/redis.sock?db=2');
    expect(primary).toMatchObject({ username: 'app', path: '/run/redis.sock', db: 2 });
    expect(primary.password).toBe('s@cret');
  });

  it('accepts redis+unix:// (ioredis) and valkey+unix:// (iovalkey)', () => {
    const redis = parseLocation('redis+unix:///run/redis.sock?db=1');
    expect(redis.driver).toBe('ioredis');
    expect(redis.primary).toMatchObject({ scheme: 'unix', path: '/run/redis.sock', db: 1 });
    const valkey = parseLocation('valkey+unix:///run/valkey.sock?pass=pw&user=bob');
    expect(valkey.driver).toBe('iovalkey');
    expect(valkey.primary).toMatchObject({
      scheme: 'unix',
      path: '/run/valkey.sock',
      username: 'bob',
    });
    expect(valkey.primary.password).toBe('pw');
  });

  it('treats the scheme case-insensitively', () => {
    expect(parseLocation('REDIS://h:6381/0').primary).toMatchObject({
      scheme: 'redis',
      host: 'h',
      port: 6381,
      db: 0,
    });
    expect(parseLocation('ValKeyS://h').primary).toMatchObject({ scheme: 'valkeys', tls: true });
    expect(parseLocation('ValKeyS://h').driver).toBe('iovalkey');
    expect(parseLocation('UNIX:///s.sock').primary).toMatchObject({
      scheme: 'unix',
      path: '/s.sock',
    });
  });

  it('keeps the case of the host (Sentinel master names are case-sensitive)', () => {
    expect(parseLocation('redis://MyMaster/0').primary.host).toBe('MyMaster');
  });

  it('defaults the port to 6379 for every TCP scheme', () => {
    expect(DEFAULT_PORT).toBe(6379);
    for (const scheme of ['redis', 'rediss', 'valkey', 'valkeys']) {
      expect(parseLocation(`${scheme}://somehost/1`).primary.port).toBe(DEFAULT_PORT);
    }
    expect(parseLocation('redis://somehost').primary.port).toBe(DEFAULT_PORT);
  });

  it('parses a bracketed IPv6 host, with and without port', () => {
    expect(parseLocation('redis://[::1]:6390/5').primary).toMatchObject({
      host: '::1',
      port: 6390,
      db: 5,
    });
    expect(parseLocation('redis://[2001:db8::7]').primary).toMatchObject({
      host: '2001:db8::7',
      port: DEFAULT_PORT,
    });
    expect(parseLocation('redis://[fe80::1%25eth0]:7000').primary.host).toBe('fe80::1%eth0');
  });

  it('trims whitespace around a single URL', () => {
    expect(parseLocation('  \tredis://h:6390/1 \n').primary).toMatchObject({
      host: 'h',
      port: 6390,
      db: 1,
    });
  });
});

describe('parseLocation: credentials', () => {
  it('percent-decodes user and password with @ : / % # in them', () => {
    const { primary } = parseLocation('redis://us%3Aer:p%40ss%3A%2F%25%23word@h:6390/0');
    expect(primary.username).toBe('us:er');
    expect(primary.password).toBe('p@ss:/%#word');
  });

  it('accepts a password without a user name', () => {
    const { primary } = parseLocation('redis://:only-pw@h:6390');
    expect(primary.username).toBeUndefined();
    expect(primary.password).toBe('only-pw');
  });

  it('accepts a user name without a password', () => {
    const { primary } = parseLocation('redis://reader@h');
    expect(primary.username).toBe('reader');
    expect(primary.password).toBeUndefined();
  });

  it('treats empty user and password as absent', () => {
    const { primary } = parseLocation('redis://:@h');
    expect(primary.username).toBeUndefined();
    expect(primary.password).toBeUndefined();
  });

  it('reads ?password= and ?username=, with the user info winning over them', () => {
    const fromQuery = parseLocation('redis://h?username=u1&password=p%261');
    expect(fromQuery.primary.username).toBe('u1');
    expect(fromQuery.primary.password).toBe('p&1');
    expect(fromQuery.primary.options).toEqual({});
    const both = parseLocation('redis://u2:p2@h?username=u1&password=p1');
    expect(both.primary.username).toBe('u2');
    expect(both.primary.password).toBe('p2');
  });

  it('keeps a comma or semicolon inside a password (only ", scheme://" separates URLs)', () => {
    const { primary, replicas } = parseLocation('redis://:pa,ss;w@h:6390/1');
    expect(primary.password).toBe('pa,ss;w');
    expect(replicas).toHaveLength(0);
  });
});

describe('parseLocation: db', () => {
  it('reads db from the path', () => {
    expect(parseLocation('redis://h/7').primary.db).toBe(7);
    expect(parseLocation('redis://h/12/').primary.db).toBe(12);
  });

  it('reads db from the query', () => {
    expect(parseLocation('redis://h?db=9').primary.db).toBe(9);
    expect(parseLocation('redis://h/?db=0').primary.db).toBe(0);
  });

  it('lets the query win over the path', () => {
    expect(parseLocation('redis://h:6390/1?db=3').primary.db).toBe(3);
  });

  it('leaves db undefined when the URL gives none', () => {
    expect(parseLocation('redis://h').primary.db).toBeUndefined();
    expect(parseLocation('redis://h/').primary.db).toBeUndefined();
  });
});

describe('parseLocation: lists', () => {
  const primaryUrl = 'redis://p.example:6390/1';
  const replicaUrl = 'redis://r1.example:6391/1';
  const replica2Url = 'redis://r2.example:6392/1';

  it('takes an array: first is the primary, the others replicas, in order', () => {
    const parsed = parseLocation([` ${primaryUrl} `, replicaUrl, `${replica2Url}\n`]);
    expect(parsed.primary.host).toBe('p.example');
    expect(parsed.replicas.map((r) => r.host)).toEqual(['r1.example', 'r2.example']);
    expect(parsed.replicas.map((r) => r.port)).toEqual([6391, 6392]);
  });

  it('splits a comma-separated string with spaces', () => {
    const parsed = parseLocation(`${primaryUrl} ,  ${replicaUrl},${replica2Url}`);
    expect(parsed.primary.port).toBe(6390);
    expect(parsed.replicas.map((r) => r.port)).toEqual([6391, 6392]);
  });

  it('splits a semicolon-separated string with spaces', () => {
    const parsed = parseLocation(` ${primaryUrl} ; ${replicaUrl} `);
    expect(parsed.primary.host).toBe('p.example');
    expect(parsed.replicas.map((r) => r.host)).toEqual(['r1.example']);
  });

  it('mixes separators and schemes, each endpoint keeping its own credentials and options', () => {
    const parsed = parseLocation(
      'rediss://:a@p:6390/1?socket_timeout=2;unix:///r.sock?db=1,redis://:b@r2',
    );
    expect(parsed.primary).toMatchObject({ tls: true, options: { socketTimeout: 2 } });
    expect(parsed.primary.password).toBe('a');
    expect(parsed.replicas[0]).toMatchObject({
      scheme: 'unix',
      path: '/r.sock',
      db: 1,
      options: {},
    });
    expect(parsed.replicas[0]?.password).toBeUndefined();
    expect(parsed.replicas[1]?.password).toBe('b');
  });

  it('returns frozen data', () => {
    const parsed = parseLocation([primaryUrl, replicaUrl]);
    expect(Object.isFrozen(parsed)).toBe(true);
    expect(Object.isFrozen(parsed.replicas)).toBe(true);
    expect(Object.isFrozen(parsed.primary)).toBe(true);
    expect(Object.isFrozen(parsed.primary.options)).toBe(true);
  });
});

describe('parseLocation: driver', () => {
  it('is chosen by the primary scheme', () => {
    expect(parseLocation('valkey://h').driver).toBe('iovalkey');
    expect(parseLocation('redis://h').driver).toBe('ioredis');
    expect(parseLocation('unix:///s').driver).toBe('ioredis');
  });

  it('ignores replica schemes: the primary decides', () => {
    expect(parseLocation(['valkey://p', 'redis://r']).driver).toBe('iovalkey');
    expect(parseLocation('redis://p, valkeys://r').driver).toBe('ioredis');
  });

  it('is overridden by options.driver', () => {
    expect(parseLocation('redis://h', { driver: 'iovalkey' }).driver).toBe('iovalkey');
    expect(parseLocation('valkey://h', { driver: 'ioredis' }).driver).toBe('ioredis');
    expect(parseLocation('unix:///s', { driver: 'iovalkey' }).driver).toBe('iovalkey');
  });
});
