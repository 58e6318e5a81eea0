import {
  CachexError,
  CommandError,
  ConnectionError,
  CrossSlotError,
  type ErrorContext,
  isCachexError,
  KeyNotFoundError,
  NoPermissionError,
  NoScriptError,
  NotIntegerError,
  TimeoutError,
  WrongTypeError,
} from './errors.js';
import { redactCredentials } from './redact.js';

// Server replies are errors whose message starts with the Redis error prefix (ioredis and
// iovalkey name them `ReplyError`); network failures carry a Node `code`. Classifying here,
// once, keeps every transport identical. A driver's own messages for a lost connection are the
// driver layer's to recognise (transport-standalone's `translateDriverError`).
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOENT', // unix socket path missing
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

// Node's codes for a server certificate the client refused (OpenSSL's verification results,
// and Node's own host name check): the chain does not lead to a trusted CA, the certificate is
// expired or not yet valid, or it does not name the host.
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * True when `code` (a Node error code) means the client refused the server's TLS certificate:
 * verification failed (no trusted CA, expired, wrong host name). Connection errors caused by
 * one say `TLS certificate verification failed`.
 */
export function isCertificateFailure(code: unknown): boolean {
  return typeof code === 'string' && CERTIFICATE_CODES.has(code);
}

/**
 * True for the server's ACL refusals: `NOPERM …` (a command, or a key or channel out of the
 * user's patterns), and the same inside a transaction (`EXECABORT … because of: NOPERM …`) or
 * a script (Redis 7.0 says `ERR The user executing the script can't …` there).
 */
function isPermissionRefusal(message: string): boolean {
  return (
    message.startsWith('NOPERM') ||
    (message.startsWith('EXECABORT') && message.includes('NOPERM')) ||
    message.startsWith("ERR The user executing the script can't")
  );
}

/**
 * Turns an error from a driver (or anything else) into a {@link CachexError}, keeping the
 * original as `cause`. Cachex errors pass through unchanged, unless they hold credentials.
 *
 * Credentials never come along: a driver error whose command carries a password (the `AUTH` or
 * `HELLO … AUTH` of a failed handshake), directly or through a nested error, is kept as a
 * redacted copy (see {@link redactCredentials}); a cachex error holding one is copied the same
 * way. The original objects are never modified.
 */
export function toCachexError(error: unknown, context: ErrorContext = {}): CachexError {
  if (isCachexError(error)) return redactCredentials(error);
  const err = error instanceof Error ? error : new Error(String(error));
  const message = err.message;
  const options = { cause: redactCredentials(err), context };
  const code = (err as { code?: unknown }).code;

  if (
    err.name === 'ReplyError' ||
    (/^[A-Z][A-Z_-]+ /.test(message) && !message.startsWith('ERR_'))
  ) {
    if (message.startsWith('WRONGTYPE')) return new WrongTypeError(message, options);
    if (message.startsWith('CROSSSLOT')) return new CrossSlotError(message, options);
    if (message.startsWith('NOSCRIPT')) return new NoScriptError(message, options);
    if (isPermissionRefusal(message)) return new NoPermissionError(message, options);
    if (message.startsWith('ERR no such key')) {
      return new KeyNotFoundError(
        context.key === undefined
          ? 'Key not found'
          : `Key ${JSON.stringify(context.key)} not found`,
        options,
      );
    }
    if (/not an integer|not a valid float|increment or decrement would overflow/.test(message)) {
      return new NotIntegerError(message, options);
    }
    if (message.startsWith('NOAUTH') || message.startsWith('WRONGPASS')) {
      return new ConnectionError(`Authentication failed: ${message}`, options);
    }
    if (
      message.startsWith('LOADING') ||
      message.startsWith('MASTERDOWN') ||
      message.startsWith('CLUSTERDOWN')
    ) {
      return new ConnectionError(message, options);
    }
    if (err.name === 'ReplyError') return new CommandError(message, options);
  }
  if (/timed? ?out/i.test(message) || code === 'ETIMEDOUT') {
    return new TimeoutError(message, options);
  }
  if (isCertificateFailure(code)) {
    return new ConnectionError(
      `TLS certificate verification failed (${String(code)}): ${message}`,
      options,
    );
  }
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
    return new ConnectionError(message, options);
  }
  return new CachexError('E_COMMAND', message, options);
}
