import { readFileSync } from 'node:fs';
import type { TlsConfig } from '@cachex/config';
import { ConfigError } from '@cachex/core';
import type { TlsOptions } from '@cachex/transport-standalone';

// Which PEM field each file path fills.
const FILE_FIELDS = [
  ['caFile', 'ca'],
  ['certFile', 'cert'],
  ['keyFile', 'key'],
] as const;

function readPem(path: string, field: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    // The path is the user's own setting and holds no secret; the file's contents never appear.
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${field}: cannot read ${JSON.stringify(path)} (${reason})`, {
      context: { field, path, reason },
    });
  }
}

/**
 * The transports' TLS options from a configuration's `tls`/`sentinelTls`: file paths
 * (`caFile`, `certFile`, `keyFile`) are read now, so that a missing certificate is a
 * `ConfigError` naming the field when the cache is created, not a connection failure later. A
 * file given next to PEM contents for the same slot wins over them.
 *
 * @param field `tls` or `sentinelTls`, for the error messages.
 */
export function toTlsOptions(
  tls: boolean | TlsConfig | undefined,
  field: 'tls' | 'sentinelTls',
): boolean | TlsOptions | undefined {
  if (tls === undefined || typeof tls === 'boolean') return tls;
  const { caFile: _ca, certFile: _cert, keyFile: _key, ca, ...rest } = tls;
  const options: TlsOptions = { ...rest };
  if (ca !== undefined) options.ca = typeof ca === 'string' || Buffer.isBuffer(ca) ? ca : [...ca];
  for (const [fileField, pemField] of FILE_FIELDS) {
    const path = tls[fileField];
    if (path !== undefined) options[pemField] = readPem(path, `${field}.${fileField}`);
  }
  return options;
}
