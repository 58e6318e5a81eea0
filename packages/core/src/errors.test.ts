import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  CachexError,
  ConnectionError,
  CrossSlotError,
  DecodeError,
  isCachexError,
  KeyNotFoundError,
  NotIntegerError,
  TimeoutError,
  WrongTypeError,
} from './errors.js';
import { toCachexError } from './translate-error.js';

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
  it('passes cachex errors through and keeps the cause', () => {
    const original = new TimeoutError('t');
    expect(toCachexError(original)).toBe(original);
    const raw = replyError('WRONGTYPE x');
    expect(toCachexError(raw).cause).toBe(raw);
  });
});
