import {
  type BatchResult,
  type Command,
  createScript,
  FIRST_KEY,
  NoScriptError,
  type Script,
} from '@cachex/core';
import { scriptCommand } from '@cachex/core/internal';
import {
  closeAfterEach,
  commandShapes,
  commandsWith,
  getTestServers,
  monitorNodes,
  randomPrefix,
  until,
} from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import { createStandaloneTransport, type StandaloneTransport } from '../src/index.js';

// A script runs by SHA (EVALSHA). When the server answers NOSCRIPT, a single command loads the
// script (SCRIPT LOAD of its source) and runs once more; a batch loads its scripts first, in the
// same pipeline. Only when that does not help (here: a source whose SHA is not the one sent) is
// the NOSCRIPT the caller's, as a NoScriptError (E_NO_SCRIPT), and nothing is retried again.

const closers = closeAfterEach();

/** A script of its own for each test (its source names `tag`), so no other test loads it. */
function incrBy(tag: string): Script {
  return createScript(`-- ${tag}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`);
}

/** A script whose source does not hash to its SHA: SCRIPT LOAD never makes the SHA known. */
function broken(tag: string): Script {
  return { sha: incrBy(`${tag}-other`).sha, lua: incrBy(tag).lua };
}

function run(transport: StandaloneTransport, command: Command) {
  return transport.command(command.name, command.args, command);
}

const get = (key: string): Command => ({ name: 'GET', args: [key], keys: FIRST_KEY });

const values = (results: readonly BatchResult[]) =>
  results.map((r) => (r.ok ? (Buffer.isBuffer(r.value) ? r.value.toString() : r.value) : r.error));

/**
 * Records what the server receives naming `prefix`. `settle()` sends a last GET of its own and
 * waits until the server has reported it: everything sent before it has been reported too.
 */
async function record(transport: StandaloneTransport, prefix: string) {
  const server = getTestServers().standalone;
  const monitor = await monitorNodes([server]);
  closers.add(monitor.stop);
  const ours = () => commandsWith(monitor.seen.get(server.port) ?? [], prefix);
  return {
    async settle(): Promise<string[]> {
      const marker = `${prefix}:settled`;
      await run(transport, get(marker));
      await until(() => ours().some((c) => c[0] === 'get' && c[1] === marker), 10_000);
      return commandShapes(ours().filter((c) => c[1] !== marker));
    },
  };
}

describe.each(['ioredis', 'iovalkey'] as const)(
  'NOSCRIPT on a standalone server (%s)',
  (driver) => {
    const open = () => {
      const prefix = randomPrefix();
      const transport = createStandaloneTransport({
        location: getTestServers().standalone.url,
        driver,
      });
      closers.add(() => transport.close());
      return { transport, prefix, key: (name: string) => `${prefix}:${name}` };
    };

    it('a script the server does not have yet: NOSCRIPT, SCRIPT LOAD, and the retry runs it', async () => {
      const { transport, prefix, key } = open();
      const script = incrBy(prefix);
      const monitor = await record(transport, prefix);
      expect(await run(transport, scriptCommand(script, [key('n')], [5]))).toBe(5);
      expect(await monitor.settle()).toEqual([
        `evalsha ${script.sha}`,
        'script LOAD',
        `evalsha ${script.sha}`,
        `incrby ${key('n')}`,
      ]);
    });

    it('retries once only: a single command whose retry gets NOSCRIPT again fails with a NoScriptError (E_NO_SCRIPT)', async () => {
      const { transport, prefix, key } = open();
      const script = broken(prefix);
      const monitor = await record(transport, prefix);
      const error = await run(transport, scriptCommand(script, [key('n')], [1])).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(NoScriptError);
      expect(error).toMatchObject({ code: 'E_NO_SCRIPT' });
      expect((error as Error).message).toMatch(/^NOSCRIPT/);
      // The first EVALSHA, the load, one retry; the script never ran.
      expect(await monitor.settle()).toEqual([
        `evalsha ${script.sha}`,
        'script LOAD',
        `evalsha ${script.sha}`,
      ]);
      expect(await run(transport, get(key('n')))).toBeNull();
    });

    it('a batch: the script loaded first does not help, its slot is a NoScriptError and the others run', async () => {
      const { transport, prefix, key } = open();
      const script = broken(prefix);
      const monitor = await record(transport, prefix);
      const results = await transport.batch([
        { commands: [get(key('n'))] },
        { commands: [scriptCommand(script, [key('n')], [1])] },
        { commands: [get(key('n'))] },
      ]);
      const failed = results[1]!;
      expect(failed.ok ? failed.value : failed.error).toBeInstanceOf(NoScriptError);
      expect(failed).toMatchObject({ ok: false, error: { code: 'E_NO_SCRIPT' } });
      expect(values([results[0]!, results[2]!])).toEqual([null, null]);
      // One pipeline: the load first, then the commands in order; the EVALSHA is not retried.
      expect(await monitor.settle()).toEqual([
        'script LOAD',
        `get ${key('n')}`,
        `evalsha ${script.sha}`,
        `get ${key('n')}`,
      ]);
    });
  },
);
