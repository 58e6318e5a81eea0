import { inspect } from 'node:util';
import { ConfigError } from '@cachex/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLocation } from './parse-location.js';
import { assertProperty } from './test-support/property.js';

/**
 * Property tests of `parseLocation` on random and half-valid locations: a parsed location or a
 * ConfigError, never another error; and no error ever shows a password given in the URL (in
 * `user:password@` or `?password=`), raw or percent-encoded. Seeds: see test-support/property.ts.
 */

const scheme = fc.constantFrom(
  'redis://',
  'rediss://',
  'valkey://',
  'valkeys://',
  'unix://',
  'redis+unix://',
  'valkey+unix://',
  'REDIS://',
  'http://',
  'redis:/',
  'redis:',
  '',
);

const junk = fc.string({ unit: 'binary', maxLength: 12 });

const host = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.constantFrom('[::1]', '[fe80::1%25eth0]', 'localhost', '', '[::1', 'a b', '/tmp/r.sock'),
  junk,
);

const port = fc.oneof(
  fc.constant(''),
  fc.integer({ min: -5, max: 70_000 }).map((p) => `:${p}`),
  junk.map((p) => `:${p}`),
);

const path = fc.oneof(
  fc.constant(''),
  fc.nat({ max: 20 }).map((db) => `/${db}`),
  junk.map((p) => `/${p}`),
);

const PARAMS = [
  'db',
  'socket_timeout',
  'socketTimeout',
  'max_connections',
  'ssl_cert_reqs',
  'ssl_check_hostname',
  'ssl_ca_certs',
  'retry_on_timeout',
  'sentinels',
  'username',
  'client_name',
  'driver',
  'unknown',
];

const query = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...PARAMS), junk),
      fc.oneof(fc.constantFrom('1', '0', 'yes', '-1', '2.5', 'none', ''), junk),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

const fragment = fc.oneof(
  { weight: 5, arbitrary: fc.constant('') },
  junk.map((f) => `#${f}`),
);

/** A password that is easy to find: a marker, letters, and sometimes characters to encode. */
const password = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9]{10,14}$/),
    fc.constantFrom('', '@', ':', '/', '%', '#', '?', ' ', 'é', '&=', '%zz'),
  )
  .map(([core, tail]) => ({ core: `Pw${core}`, tail }));

const credentials = fc.oneof(
  fc.constant({ userinfo: '', inQuery: '', secret: undefined }),
  fc
    .tuple(fc.constantFrom('', 'u', 'default', 'us%40er'), password, fc.boolean(), fc.boolean())
    .map(([user, { core, tail }, encoded, asParam]) => {
      const secret = core + tail;
      const written = encoded ? encodeURIComponent(secret) : secret;
      return asParam
        ? { userinfo: user === '' ? '' : `${user}@`, inQuery: `password=${written}`, secret: core }
        : { userinfo: `${user}:${written}@`, inQuery: '', secret: core };
    }),
);

const url = fc
  .tuple(scheme, credentials, host, port, path, query, fragment)
  .map(([s, c, h, p, d, q, f]) => ({
    text: `${s}${c.userinfo}${h}${p}${d}${c.inQuery === '' ? q : q === '' ? `?${c.inQuery}` : `${q}&${c.inQuery}`}${f}`,
    secret: c.secret,
  }));

type Location = { value: string | string[]; secrets: string[] };

const location: fc.Arbitrary<Location> = fc.oneof(
  { weight: 6, arbitrary: url.map((u) => ({ value: u.text, secrets: secretsOf([u]) })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.array(url, { minLength: 1, maxLength: 3 }), fc.constantFrom(',', ';', ' , '))
      .map(([urls, sep]) => ({
        value: urls.map((u) => u.text).join(sep),
        secrets: secretsOf(urls),
      })),
  },
  {
    weight: 1,
    arbitrary: fc.array(url, { maxLength: 3 }).map((urls) => ({
      value: urls.map((u) => u.text),
      secrets: secretsOf(urls),
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .string({ unit: 'binary', maxLength: 60 })
      .map((value) => ({ value, secrets: [] })),
  },
);

function secretsOf(urls: readonly { secret: string | undefined }[]): string[] {
  return urls.flatMap((u) => (u.secret === undefined ? [] : [u.secret]));
}

/** Everything an error can show: message, stack, inspect (causes included), context as JSON. */
function everythingShown(error: Error): string {
  const parts = [String(error), error.stack ?? '', inspect(error, { depth: 10 })];
  parts.push(JSON.stringify((error as ConfigError).context ?? {}));
  for (let cause = error.cause; cause instanceof Error; cause = cause.cause) {
    parts.push(String(cause), inspect(cause, { depth: 10 }));
  }
  return parts.join('\n');
}

describe('parseLocation on random input', () => {
  it('returns a location or throws a ConfigError that shows no password', async () => {
    await assertProperty(
      fc.property(
        location,
        fc.constantFrom(undefined, 'ioredis', 'iovalkey', 'other'),
        ({ value, secrets }, driver) => {
          let error: unknown;
          try {
            parseLocation(
              value,
              driver === undefined ? undefined : { driver: driver as 'ioredis' },
            );
          } catch (caught) {
            error = caught;
          }
          if (error === undefined) return;
          if (!(error instanceof ConfigError)) {
            throw new Error(`expected a ConfigError, got ${inspect(error)}`);
          }
          expect(error.code).toBe('E_CONFIG');
          const shown = everythingShown(error);
          for (const secret of secrets) {
            if (shown.includes(secret)) {
              throw new Error(`the error shows the password ${secret}:\n${shown}`);
            }
          }
        },
      ),
    );
  });

  it('hides a password that a malformed list puts in a quoted detail', () => {
    // A typo (`redis::`) makes the second URL part of the first one's ?db= value.
    let error: unknown;
    try {
      parseLocation('redis://h:1?db=1,redis::Pw0secret0@h2:0/');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(everythingShown(error as ConfigError)).not.toContain('Pw0secret0');
    expect((error as ConfigError).message).toMatch(
      /\?db= must be a non-negative integer, got "\*\*\*"/,
    );
  });

  it('refuses values that are not locations with a ConfigError', async () => {
    await assertProperty(
      fc.property(
        fc.anything().filter((v) => typeof v !== 'string' && !Array.isArray(v)),
        (value) => {
          expect(() => parseLocation(value as string)).toThrow(ConfigError);
        },
      ),
    );
  });
});
