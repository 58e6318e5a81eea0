import { CommandError, FIRST_KEY, NotSupportedError } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createMemoryTransport } from './memory-transport.js';
import { scriptSha1 } from './scripts.js';

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

describe('scripts', () => {
  it('EVAL, EVALSHA and SCRIPT LOAD run a registered implementation', async () => {
    const t = createMemoryTransport();
    const sha = t.defineScript(RELEASE, ({ keys, args, call }) => {
      const current = call('GET', keys[0]!) as Buffer | null;
      return current?.equals(args[0]!) ? call('DEL', keys[0]!) : 0;
    });
    expect(sha).toBe(scriptSha1(RELEASE));
    await t.command('SET', ['lock', 'token-1']);
    expect(await t.command('EVAL', [RELEASE, 1, 'lock', 'token-2'])).toBe(0);
    expect(await t.command('EVALSHA', [sha, 1, 'lock', 'token-1'])).toBe(1);
    expect(await t.command('EXISTS', ['lock'])).toBe(0);
    expect(String(await t.command('SCRIPT', ['LOAD', RELEASE]))).toBe(sha);
    expect(await t.command('SCRIPT', ['EXISTS', sha, 'f'.repeat(40)])).toEqual([1, 0]);
    await t.close();
  });

  it('a script runs atomically, and its error replies surface as cachex errors', async () => {
    const t = createMemoryTransport();
    t.defineScript('bump', ({ keys, call }) => {
      call('INCR', keys[0]!);
      return call('INCR', keys[0]!);
    });
    const [a, b] = await Promise.all([
      t.command('EVAL', ['bump', 1, 'n']),
      t.command('EVAL', ['bump', 1, 'n']),
    ]);
    expect([a, b]).toEqual([2, 4]);
    await t.command('SET', ['s', 'text']);
    await expect(t.command('EVAL', ['bump', 1, 's'])).rejects.toBeInstanceOf(CommandError);
    await t.close();
  });

  it('unknown Lua is a NotSupportedError that says what to do', async () => {
    const t = createMemoryTransport();
    const error = await t.command('EVAL', ['return 1', 0]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSupportedError);
    expect((error as NotSupportedError).code).toBe('E_NOT_SUPPORTED');
    expect((error as Error).message).toMatch(/cannot run Lua.*defineScript/);
    await expect(t.command('EVALSHA', [scriptSha1('x'), 0])).rejects.toBeInstanceOf(
      NotSupportedError,
    );
    await expect(t.command('SCRIPT', ['LOAD', 'return 2'])).rejects.toBeInstanceOf(
      NotSupportedError,
    );
    // In a batch the error fills its own slot.
    const [result] = await t.batch([
      { commands: [{ name: 'EVAL', keys: FIRST_KEY, args: ['return 1', 0] }] },
    ]);
    expect(result?.ok === false && result.error).toBeInstanceOf(NotSupportedError);
    expect(t.capabilities.scripts).toBe(false);
    await t.close();
  });

  it('checks numkeys like Redis', async () => {
    const t = createMemoryTransport();
    await expect(t.command('EVAL', ['return 1', -1])).rejects.toThrow(
      "ERR Number of keys can't be negative",
    );
    await expect(t.command('EVAL', ['return 1', 2, 'a'])).rejects.toThrow(
      "ERR Number of keys can't be greater than number of args",
    );
    await t.close();
  });
});
