import { inspect } from 'node:util';
import { ConnectionError, isCachexError } from '@cachex/core';
import { toCachexError } from '@cachex/core/internal';
import { describe, expect, it } from 'vitest';

// Driver errors as ioredis and iovalkey shape them, without a server: a reply error keeps the
// command it answered as `command: { name, args }`, and errors nest through `cause`, `errors`,
// `previousErrors` (EXECABORT) and `lastNodeError` (cluster).
class ReplyError extends Error {
  override get name(): string {
    return 'ReplyError';
  }
}

const PASSWORD = 'Hunter2-d1stinct1ve-PW';

function replyError(
  message: string,
  name: string,
  args: unknown[],
): ReplyError & { command: { name: string; args: unknown[] } } {
  return Object.assign(new ReplyError(message), { command: { name, args } });
}

function dump(value: unknown): string {
  return inspect(value, { depth: Infinity, showHidden: true });
}

const wrongPass = 'WRONGPASS invalid username-password pair or user is disabled.';

describe('toCachexError redacts credentials from the errors it keeps', () => {
  it('AUTH, HELLO AUTH, MIGRATE AUTH/AUTH2, ACL SETUSER and CONFIG SET arguments', () => {
    const commands: [string, unknown[]][] = [
      ['auth', [PASSWORD]],
      ['auth', ['cachex', PASSWORD]],
      ['AUTH', ['cachex', Buffer.from(PASSWORD)]],
      ['hello', ['3', 'AUTH', 'cachex', PASSWORD, 'SETNAME', 'app']],
      ['migrate', ['h', '1', '', '0', '5000', 'AUTH', PASSWORD, 'KEYS', 'a']],
      ['migrate', ['h', '1', '', '0', '5000', 'AUTH2', 'cachex', PASSWORD, 'KEYS', 'a']],
      ['acl', ['SETUSER', 'u', 'on', `>${PASSWORD}`, '~*']],
      ['config', ['SET', 'requirepass', PASSWORD]],
    ];
    for (const [name, args] of commands) {
      const original = replyError(wrongPass, name, args);
      const error = toCachexError(original, { command: name.toUpperCase() });
      expect(dump(error), name).not.toContain(PASSWORD);
      // User names and the rest stay, for debugging.
      if (args.includes('cachex')) expect(dump(error), name).toContain('cachex');
    }
  });

  it('keeps the error codes and classes, and the cause its class and message', () => {
    const original = replyError(wrongPass, 'auth', ['cachex', PASSWORD]);
    const error = toCachexError(original);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('E_CONNECTION');
    expect(error.cause).toBeInstanceOf(ReplyError);
    expect((error.cause as Error).message).toBe(wrongPass);
    expect((error.cause as Error).stack).toBe(original.stack);
    expect((error.cause as { command: unknown }).command).toEqual({
      name: 'auth',
      args: ['cachex', '[redacted]'],
    });
  });

  it('never modifies the original error (others may hold it), and leaves harmless errors as they are', () => {
    const original = replyError(wrongPass, 'auth', ['cachex', PASSWORD]);
    const a = toCachexError(original);
    const b = toCachexError(original);
    expect(original.command.args).toEqual(['cachex', PASSWORD]);
    expect(a).not.toBe(b);
    expect(a.cause).not.toBe(original);
    const harmless = replyError('WRONGTYPE Operation against a key', 'get', ['k']);
    expect(toCachexError(harmless).cause).toBe(harmless);
  });

  it('redacts nested causes, previousErrors, lastNodeError and AggregateError errors', () => {
    const auth = () => replyError(wrongPass, 'auth', ['cachex', PASSWORD]);
    const nested = [
      new Error('Connection failed', { cause: auth() }),
      Object.assign(new Error('EXECABORT Transaction discarded'), { previousErrors: [auth()] }),
      Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: auth() }),
      new AggregateError([auth()], 'All failed'),
      new Error('outer', { cause: new Error('middle', { cause: auth() }) }),
    ];
    for (const original of nested) {
      const error = toCachexError(original);
      expect(dump(error), original.message).not.toContain(PASSWORD);
      expect(dump(original), original.message).toContain(PASSWORD);
    }
  });

  it('copies a cachex error that holds credentials instead of passing it through', () => {
    const holding = new ConnectionError('Authentication failed', {
      cause: replyError(wrongPass, 'auth', ['cachex', PASSWORD]),
      context: { command: 'AUTH' },
    });
    const error = toCachexError(holding);
    expect(isCachexError(error)).toBe(true);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('E_CONNECTION');
    expect(error.context).toEqual({ command: 'AUTH' });
    expect(dump(error)).not.toContain(PASSWORD);
    const clean = new ConnectionError('Connection is closed.');
    expect(toCachexError(clean)).toBe(clean);
  });

  it('terminates on cyclic causes', () => {
    const a = replyError(wrongPass, 'auth', [PASSWORD]) as ReplyError & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    const error = toCachexError(b);
    expect(dump(error)).not.toContain(PASSWORD);
  });
});
