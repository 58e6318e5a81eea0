import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCodec } from '@cachex/codecs';
import { type Cache, ConnectionError, createCache, isCachexError } from '@cachex/core';
import {
  getTestServers,
  makeTlsCertificates,
  randomPrefix,
  type TlsCertificates,
} from '@cachex/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStandaloneTransport, type StandaloneTransportOptions } from '../src/index.js';

// TLS verification is on unless turned off: a server whose certificate does not chain to a
// trusted CA (no CA given, or another CA) or does not name the host is refused with a typed
// ConnectionError that says why, and nothing is sent to it (no AUTH, no password).

const drivers = ['ioredis', 'iovalkey'] as const;
const password = `tls-${randomBytes(8).toString('hex')}-Pw`;

let other: TlsCertificates;
beforeAll(async () => {
  // A second CA of its own, unrelated to the one that signed the test server's certificate.
  other = await makeTlsCertificates(await mkdtemp(join(tmpdir(), 'cachex-other-ca-')));
});
afterAll(async () => {
  if (other !== undefined) await rm(other.dir, { recursive: true, force: true });
});

const opened: Cache[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((cache) => cache.close()));
});

function cacheWith(options: Partial<StandaloneTransportOptions>): Cache {
  const transport = createStandaloneTransport({
    location: getTestServers().tls.url,
    connectTimeoutMs: 2000,
    socketTimeoutMs: 2000,
    ...options,
  });
  const cache = createCache({ transport, codec: createCodec(), keyPrefix: randomPrefix() });
  opened.push(cache);
  return cache;
}

/** The call is refused with E_CONNECTION naming certificate verification, and no secret. */
async function expectVerificationFailure(cache: Cache, label: string): Promise<ConnectionError> {
  const error = await cache.get('k').catch((e: unknown) => e);
  expect(error, label).toBeInstanceOf(ConnectionError);
  expect(isCachexError(error, 'E_CONNECTION'), label).toBe(true);
  const { message, context } = error as ConnectionError;
  expect(message, label).toMatch(/TLS certificate verification failed/);
  expect(message, label).toContain(`${getTestServers().tls.host}:${getTestServers().tls.port}`);
  expect(String(context.socketError), label).toMatch(/CERT|ALTNAME|SIGNATURE|ISSUER/);
  expect(message, label).not.toContain(password);
  expect(message, label).not.toContain('BEGIN');
  return error as ConnectionError;
}

describe('TLS verification is on by default', () => {
  it('refuses the server without a CA (its CA is not a public one)', async () => {
    for (const driver of drivers) {
      const cache = cacheWith({ driver, password });
      await expectVerificationFailure(cache, driver);
    }
  });

  it('refuses the server with another CA, given as PEM or read from a file', async () => {
    for (const driver of drivers) {
      await expectVerificationFailure(cacheWith({ driver, tls: { ca: other.ca } }), driver);
      const location = `${getTestServers().tls.url}?ssl_ca_certs=${encodeURIComponent(other.caFile)}`;
      await expectVerificationFailure(cacheWith({ driver, location, password }), driver);
    }
  });

  it('refuses a certificate that does not name the host (servername)', async () => {
    const { ca } = getTestServers().tls;
    for (const driver of drivers) {
      const cache = cacheWith({ driver, tls: { ca, servername: 'cachex.invalid' } });
      const error = await expectVerificationFailure(cache, driver);
      expect(error.context.socketError).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    }
  });

  it('connects with the right CA, as PEM or as a file in the URL', async () => {
    const { url, ca, caFile } = getTestServers().tls;
    for (const driver of drivers) {
      const a = cacheWith({ driver, tls: { ca } });
      await a.set('k', driver);
      expect(await a.get('k')).toBe(driver);
      const b = cacheWith({
        driver,
        location: `${url}?ssl_ca_certs=${encodeURIComponent(caFile)}`,
      });
      await b.set('k', 1);
      expect(await b.get('k')).toBe(1);
    }
  });

  it('connects with verification turned off: rejectUnauthorized false, ?ssl_cert_reqs=none', async () => {
    const { url } = getTestServers().tls;
    for (const driver of drivers) {
      const a = cacheWith({ driver, tls: { rejectUnauthorized: false } });
      await a.set('k', 'off');
      expect(await a.get('k')).toBe('off');
      // With the wrong CA too: nothing is checked any more (which is why it is not the default).
      const b = cacheWith({ driver, tls: { ca: other.ca, rejectUnauthorized: false } });
      await b.set('k', 'off');
      const c = cacheWith({ driver, location: `${url}?ssl_cert_reqs=none` });
      await c.set('k', 2);
      expect(await c.get('k')).toBe(2);
    }
  });
});
