import { type BatchResult, type Command, createScript, FIRST_KEY, type Script } from '@cachex/core';
import { scriptCommand } from '@cachex/core/internal';
import {
  infoField,
  randomPrefix,
  type SentinelTopologyHandle,
  startSentinelTopology,
  until,
} from '@cachex/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSentinelTransport, type SentinelTransport } from '../src/index.js';

// Scripts run by SHA (EVALSHA). A replica promoted by Sentinel has none of the scripts the old
// primary had (SCRIPT LOAD is not replicated, and the replica's script cache is flushed here
// besides): the transport follows the sentinels to the new primary, which answers NOSCRIPT, and
// loads the script there, for a single command and in a pipeline. Each driver gets a private
// topology of its own (the shared one is never faulted).

/** A script of its own for each test (its source names `tag`), so no other test loads it. */
function incrBy(tag: string): Script {
  return createScript(`-- ${tag}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`);
}

function run(transport: SentinelTransport, command: Command) {
  return transport.command(command.name, command.args, command);
}

const get = (key: string): Command => ({ name: 'GET', args: [key], keys: FIRST_KEY });

const values = (results: readonly BatchResult[]) =>
  results.map((r) => (r.ok ? (Buffer.isBuffer(r.value) ? r.value.toString() : r.value) : r.error));

/** The port of the server the transport's write client is connected to (undefined: none now). */
async function writePort(transport: SentinelTransport): Promise<number | undefined> {
  try {
    const info = await transport.getClient({ write: true }).callBuffer('INFO', 'server');
    return Number(infoField(String(info), 'tcp_port'));
  } catch {
    return undefined;
  }
}

describe.each(['ioredis', 'iovalkey'] as const)(
  'a script across a Sentinel failover (%s)',
  (driver) => {
    let topology: SentinelTopologyHandle;
    const opened: SentinelTransport[] = [];
    beforeAll(async () => {
      topology = await startSentinelTopology({
        name: `cx-sentinel-script-failover-${driver}`,
        masterName: 'cx-script-failover',
      });
    }, 60_000);
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((transport) => transport.close()));
    });
    afterAll(async () => {
      await topology?.stop();
    });

    it('runs on the new primary, which lacks it, alone and in a pipeline: the transport loads it there', async () => {
      const { endpoints, primary, replica } = topology;
      const transport = createSentinelTransport({
        location: `${endpoints.url}/0`,
        sentinels: endpoints.sentinels,
        driver,
      });
      opened.push(transport);
      const prefix = randomPrefix();
      const alone = incrBy(`${prefix}-alone`);
      const batched = incrBy(`${prefix}-batched`);
      const key = `${prefix}:n`;
      const exists = async (server: typeof primary, script: Script) =>
        ((await server.command('SCRIPT', 'EXISTS', script.sha)) as number[])[0] === 1;

      expect(await writePort(transport)).toBe(primary.port);
      expect(await run(transport, scriptCommand(alone, [key], [1]))).toBe(1);
      expect(await run(transport, scriptCommand(batched, [key], [1]))).toBe(2);
      expect(await exists(primary, alone)).toBe(true);
      expect(await exists(primary, batched)).toBe(true);
      // The replica about to take over has the data (replication is asynchronous: wait for it),
      // and none of the scripts.
      await until(async () => String(await replica.command('GET', key)) === '2', 10_000);
      await replica.command('SCRIPT', 'FLUSH');
      expect(await exists(replica, alone)).toBe(false);
      expect(await exists(replica, batched)).toBe(false);

      const promoted = await topology.failover();
      expect(promoted.server).toBe(replica);
      // The transport follows the sentinels (it drops its connection on +switch-master, or on the
      // READONLY of the demoted primary) to the new primary.
      await until(async () => (await writePort(transport)) === replica.port, 30_000);

      expect(await run(transport, scriptCommand(alone, [key], [1]))).toBe(3);
      expect(await exists(replica, alone)).toBe(true);
      const results = await transport.batch([
        { commands: [scriptCommand(batched, [key], [1])] },
        { commands: [get(key)] },
      ]);
      expect(values(results)).toEqual([4, '4']);
      expect(await exists(replica, batched)).toBe(true);
      // Both ran on the new primary.
      expect(String(await replica.command('GET', key))).toBe('4');
    }, 60_000);
  },
);
