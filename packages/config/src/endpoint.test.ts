import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatEndpoint } from './endpoint.js';
import { parseLocation } from './parse-location.js';
import type { Endpoint } from './types.js';

// Good URLs with a password, the decoded password, and the display form of the primary.
const GOOD: readonly (readonly [string, string, string])[] = [
  ['redis://app:Sup3rSecret@h:6390/1', 'Sup3rSecret', 'redis://app:***@h:6390/1'],
  ['rediss://:Sup3rSecret@h:6390', 'Sup3rSecret', 'rediss://:***@h:6390'],
  ['valkey://app:p%40ss%3A%2F%25%23word@h/2', 'p@ss:/%#word', 'valkey://app:***@h:6379/2'],
  [
    'valkeys://:Sup3rSecret@[::1]:6391?db=3&socket_timeout=1',
    'Sup3rSecret',
    'valkeys://:***@[::1]:6391/3',
  ],
  ['unix://:Sup3rSecret@/run/redis.sock?db=1', 'Sup3rSecret', 'unix://:***@/run/redis.sock?db=1'],
  ['redis://h:6390?password=Sup3rSecret', 'Sup3rSecret', 'redis://:***@h:6390'],
];

describe('endpoint secrecy', () => {
  it.each(GOOD)('never prints the password of %s', (url, password, display) => {
    const replica = url.replace('Sup3rSecret', 'R3plicaSecret');
    const parsed = parseLocation([url, replica]);
    expect(parsed.primary.password).toBe(password);
    expect(parsed.replicas[0]?.password).toBe(
      password === 'Sup3rSecret' ? 'R3plicaSecret' : password,
    );

    const shown = [
      inspect(parsed, { depth: 10 }),
      inspect(parsed, { depth: 10, showHidden: true, getters: true }),
      JSON.stringify(parsed),
      String(parsed.primary),
      `${parsed.replicas[0]}`,
      formatEndpoint(parsed.primary),
      JSON.stringify({ ...parsed.primary }),
    ];
    for (const text of shown) {
      expect(text).not.toContain(password);
      expect(text).not.toContain('R3plicaSecret');
    }
    expect(String(parsed.primary)).toBe(display);
    expect(JSON.parse(JSON.stringify(parsed)).primary.password).toBe('[redacted]');
    expect(inspect(parsed.primary)).toContain("password: '[redacted]'");
    expect(Object.keys(parsed.primary)).not.toContain('password');
  });

  it('shows no password field when there is none', () => {
    const { primary } = parseLocation('redis://h:6390');
    expect(JSON.parse(JSON.stringify(primary))).toEqual({
      scheme: 'redis',
      tls: false,
      host: 'h',
      port: 6390,
      options: {},
    });
    expect(inspect(primary)).not.toContain('password');
  });
});

describe('formatEndpoint', () => {
  it('formats parsed endpoints without query options', () => {
    expect(formatEndpoint(parseLocation('redis://reader@h:6390/0?socket_timeout=1').primary)).toBe(
      'redis://reader@h:6390/0',
    );
    expect(formatEndpoint(parseLocation('valkey://[fe80::1%25eth0]:7000').primary)).toBe(
      'valkey://[fe80::1%25eth0]:7000',
    );
    expect(formatEndpoint(parseLocation('unix:///tmp/r.sock').primary)).toBe('unix:///tmp/r.sock');
  });

  it('formats a plain object too, encoding the user name', () => {
    const endpoint: Endpoint = {
      scheme: 'rediss',
      tls: true,
      host: 'h',
      port: 7000,
      username: 'a@b',
      password: 'x',
      options: {},
    };
    expect(formatEndpoint(endpoint)).toBe('rediss://a%40b:***@h:7000');
  });
});
