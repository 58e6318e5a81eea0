import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  CachexError,
  CommandError,
  ConnectionError,
  CrossSlotError,
  DecodeError,
  isCachexError,
  KeyNotFoundError,
  NoPermissionError,
  NotIntegerError,
  TimeoutError,
  WrongTypeError,
  withErrorContext,
} from './errors.js';
import { isCertificateFailure, toCachexError } from './translate-error.js';

function replyError(message: string): Error {
  const err = new Error(message);
  err.name = 'ReplyError';
  return err;
}

describe('CachexError', () => {
  it('has a stable code, a name, the key and the cause', () => {
    const cause = new Error('boom');
    const err = new DecodeError('cannot decode', { cause, context: { key: 'k' } });
    expect(err).toBeInstanceOf(CachexError);
    expect(err.code).toBe('E_DECODE');
    expect(err.name).toBe('DecodeError');
    expect(err.key).toBe('k');
    expect(err.cause).toBe(cause);
    expect(inspect(err)).toContain('DecodeError');
  });
  it('isCachexError works across copies by brand, not by prototype', () => {
    const err = new ConnectionError('down');
    const foreign = Object.create(Object.getPrototypeOf(err)) as object;
    expect(isCachexError(err)).toBe(true);
    expect(isCachexError(new Error('x'))).toBe(false);
    expect(isCachexError(foreign)).toBe(false);
    expect(isCachexError({ [Symbol.for('cachex.error')]: true })).toBe(true);
  });
});

describe('toCachexError', () => {
  it('classifies server replies', () => {
    expect(
      toCachexError(
        replyError('WRONGTYPE Operation against a key holding the wrong kind of value'),
      ),
    ).toBeInstanceOf(WrongTypeError);
    expect(
      toCachexError(replyError("CROSSSLOT Keys in request don't hash to the same slot")),
    ).toBeInstanceOf(CrossSlotError);
    expect(toCachexError(replyError('ERR value is not an integer or out of range'))).toBeInstanceOf(
      NotIntegerError,
    );
    const nf = toCachexError(replyError('ERR no such key'), { key: 'user:1' });
    expect(nf).toBeInstanceOf(KeyNotFoundError);
    expect(nf.message).toContain('user:1');
    expect(toCachexError(replyError('ERR unknown command')).code).toBe('E_COMMAND');
  });
  it('classifies network failures and timeouts', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    expect(toCachexError(refused)).toBeInstanceOf(ConnectionError);
    expect(toCachexError(new Error('Command timed out'))).toBeInstanceOf(TimeoutError);
  });
  it('classifies NOPERM (an ACL refusal) as a NoPermissionError, a CommandError', () => {
    for (const message of [
      "NOPERM this user has no permissions to run the 'flushdb' command",
      "NOPERM User myapp has no permissions to run the 'flushdb' command",
      'NOPERM this user has no permissions to access one of the keys used as arguments',
      'NOPERM No permissions to access a key',
    ]) {
      const error = toCachexError(replyError(message), { command: 'FLUSHDB' });
      expect(error, message).toBeInstanceOf(NoPermissionError);
      expect(error, message).toBeInstanceOf(CommandError);
      expect(error.code).toBe('E_NO_PERMISSION');
      expect(error.name).toBe('NoPermissionError');
      expect(error.message).toBe(message);
      expect(error.context.command).toBe('FLUSHDB');
    }
    expect(isCachexError(new NoPermissionError('NOPERM x'), 'E_NO_PERMISSION')).toBe(true);
  });
  it('classifies an ACL refusal inside a transaction or a script as a NoPermissionError', () => {
    for (const message of [
      "EXECABORT Transaction discarded because of: NOPERM this user has no permissions to run the 'exec' command",
      "ERR The user executing the script can't run this command or subcommand script: 9035d886b6d517a3734c91341c1f91251ab7eed4, on @user_script:8.",
      "ERR The user executing the script can't access at least one of the keys mentioned in the command script: 9035d886b6d517a3734c91341c1f91251ab7eed4, on @user_script:1.",
      "NOPERM User myapp has no permissions to run the 'incr' command script: 9035d886b6d517a3734c91341c1f91251ab7eed4, on @user_script:8.",
    ]) {
      const error = toCachexError(replyError(message));
      expect(error, message).toBeInstanceOf(NoPermissionError);
      expect(error.message).toBe(message);
    }
    expect(
      toCachexError(replyError('EXECABORT Transaction discarded because of previous errors.')),
    ).not.toBeInstanceOf(NoPermissionError);
    expect(
      toCachexError(replyError('ERR Error running script (call to f_x): oops')),
    ).not.toBeInstanceOf(NoPermissionError);
  });
  it('says "TLS certificate verification failed" for a certificate the client refused', () => {
    for (const code of [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ]) {
      expect(isCertificateFailure(code), code).toBe(true);
      const raw = Object.assign(new Error('unable to verify the first certificate'), { code });
      const error = toCachexError(raw);
      expect(error, code).toBeInstanceOf(ConnectionError);
      expect(error.message).toBe(
        `TLS certificate verification failed (${code}): unable to verify the first certificate`,
      );
      expect(error.cause).toBe(raw);
    }
    for (const code of ['ECONNREFUSED', 'ERR_SSL_WRONG_VERSION_NUMBER', undefined, 42]) {
      expect(isCertificateFailure(code), String(code)).toBe(false);
    }
  });
  it('passes cachex errors through and keeps the cause', () => {
    const original = new TimeoutError('t');
    expect(toCachexError(original)).toBe(original);
    const raw = replyError('WRONGTYPE x');
    expect(toCachexError(raw).cause).toBe(raw);
  });
});

describe('instanceof', () => {
  it('follows the class hierarchy, nothing more', () => {
    const connection = new ConnectionError('down');
    const wrongType = new WrongTypeError('WRONGTYPE x');
    expect(connection instanceof CachexError).toBe(true);
    expect(connection instanceof Error).toBe(true);
    expect(connection instanceof TimeoutError).toBe(false);
    expect(wrongType instanceof CommandError).toBe(true);
    expect(wrongType instanceof NotIntegerError).toBe(false);
    expect(new Error('x') instanceof CachexError).toBe(false);
    expect({ [Symbol.for('cachex.error')]: true } instanceof CachexError).toBe(false);
    const copy = withErrorContext(connection, { key: 'k' });
    expect(copy instanceof ConnectionError).toBe(true);
    expect(copy instanceof TimeoutError).toBe(false);
  });

  it('holds across copies of the classes (the CJS and ESM builds), by class lineage', async () => {
    // A second instance of this module, with classes of its own, as another build would have.
    const path = './errors.js?another-copy';
    const other = (await import(/* @vite-ignore */ path)) as typeof import('./errors.js');
    expect(other.ConnectionError).not.toBe(ConnectionError);
    const foreign = new other.ConnectionError('down');
    expect(foreign instanceof CachexError).toBe(true);
    expect(foreign instanceof ConnectionError).toBe(true);
    expect(foreign instanceof TimeoutError).toBe(false);
    expect(foreign instanceof CommandError).toBe(false);
    const foreignWrongType = new other.WrongTypeError('WRONGTYPE x');
    expect(foreignWrongType instanceof CommandError).toBe(true);
    expect(foreignWrongType instanceof WrongTypeError).toBe(true);
    expect(foreignWrongType instanceof NotIntegerError).toBe(false);
    expect(new TimeoutError('slow') instanceof other.TimeoutError).toBe(true);
    expect(new TimeoutError('slow') instanceof other.ConnectionError).toBe(false);
    // A subclass of another copy's base class is a CachexError, and none of core's subclasses.
    class AppError extends other.CachexError {}
    expect(new AppError('E_APP', 'app') instanceof CachexError).toBe(true);
    expect(new AppError('E_APP', 'app') instanceof ConnectionError).toBe(false);
    // A class that only borrows the name and the brand, outside the hierarchy, is not one.
    class Impostor extends Error {
      constructor() {
        super('x');
        Object.defineProperty(this, Symbol.for('cachex.error'), { value: true });
      }
    }
    Object.defineProperty(Impostor, 'name', { value: 'ConnectionError' });
    expect(new Impostor() instanceof ConnectionError).toBe(false);
  });

  it('isCachexError tests the code too, when given one', () => {
    const err = new ConnectionError('down');
    expect(isCachexError(err, 'E_CONNECTION')).toBe(true);
    expect(isCachexError(err, 'E_TIMEOUT')).toBe(false);
    expect(isCachexError(new Error('x'), 'E_CONNECTION')).toBe(false);
    // As a callback, the second argument is an index, not a code.
    const mixed = [err, new Error('x'), new TimeoutError('slow')];
    expect(mixed.filter(isCachexError)).toEqual([mixed[0], mixed[2]]);
    expect([new Error('x'), err].some(isCachexError)).toBe(true);
  });
});
