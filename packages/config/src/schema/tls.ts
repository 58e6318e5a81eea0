import * as v from 'valibot';
import type { TlsConfig } from '../cache-config-types.js';
import { type IssueList, joinPath } from './issues.js';
import { describeType } from './suggest.js';
import { unknownKeyMessage } from './unknown-keys.js';
import { type AnySchema, fromSchema, INVALID, isRecord } from './validator.js';

const got = (issue: v.BaseIssue<unknown>): string => describeType(issue.input);

const PEM = v.union(
  [v.string(), v.instance(Buffer)],
  (issue) => `must be PEM text (a string or a Buffer), got ${got(issue)}`,
);

const FILE = v.pipe(
  v.string((issue) => `must be a file path (a string), got ${got(issue)}`),
  v.nonEmpty('must be a non-empty file path'),
);

const FLAG = v.boolean((issue) => `must be true or false, got ${got(issue)}`);

const TLS_ENTRIES = {
  ca: v.optional(
    v.union(
      [v.string(), v.instance(Buffer), v.array(v.union([v.string(), v.instance(Buffer)]))],
      (issue) => `must be PEM text (a string or a Buffer) or a list of them, got ${got(issue)}`,
    ),
  ),
  cert: v.optional(PEM),
  key: v.optional(PEM),
  caFile: v.optional(FILE),
  certFile: v.optional(FILE),
  keyFile: v.optional(FILE),
  rejectUnauthorized: v.optional(FLAG),
  servername: v.optional(
    v.pipe(
      v.string((issue) => `must be a host name, got ${got(issue)}`),
      v.nonEmpty('must be a non-empty host name'),
    ),
  ),
  checkServerIdentity: v.optional(FLAG),
} satisfies Record<keyof TlsConfig, AnySchema>;

const TLS_KEYS: readonly string[] = Object.keys(TLS_ENTRIES);

// What the redis-py/django-cachex TLS settings are called here.
const TLS_HINTS: Readonly<Record<string, string>> = {
  ssl_cert_reqs:
    "use rejectUnauthorized: false for ssl_cert_reqs='none' (verification is on by default)",
  ssl_ca_certs: "use 'caFile'",
  ssl_certfile: "use 'certFile'",
  ssl_keyfile: "use 'keyFile'",
  ssl_check_hostname: "use 'checkServerIdentity'",
};

const TLS_OBJECT = fromSchema(v.object(TLS_ENTRIES));

/**
 * Checks `tls` or `sentinelTls`: `true`/`false`, or an object of {@link TlsConfig} settings
 * whose unknown keys get a suggestion. PEM contents (`key`) are never quoted.
 */
export function checkTls(value: unknown, path: string, issues: IssueList): unknown {
  if (typeof value === 'boolean') return value;
  if (!isRecord(value)) {
    issues.add(
      path,
      `must be true, false or an object of TLS settings (${TLS_KEYS.join(', ')}), got ${describeType(value)}`,
    );
    return INVALID;
  }
  const before = issues.size;
  for (const key of Object.keys(value)) {
    if (!TLS_KEYS.includes(key)) {
      issues.add(
        joinPath(path, key),
        unknownKeyMessage(key, TLS_KEYS, { what: 'TLS setting', hints: TLS_HINTS }),
      );
    }
  }
  const checked = TLS_OBJECT(value, path, issues);
  // The user's object is returned as it is (the TLS layer reads it), not valibot's copy.
  return issues.size > before || checked === INVALID ? INVALID : value;
}
