import { randomBytes } from 'node:crypto';
import { FIRST_KEY, isCachexError } from '@cachex/core';
import { getTestServers, infoField, runAdminCommand } from '@cachex/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSentinelTransport,
  type SentinelTransport,
  type SentinelTransportOptions,
} from '../src/index.js';

// Routing on the shared sentinel topology (never faulted here: see failover.int.test.ts).
const opened: SentinelTransport[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((transport) => transport.close()));
});

function open(options: Partial<SentinelTransportOptions> = {}): SentinelTransport {
  const { url, sentinels } = getTestServers().sentinel;
  const transport = createSentinelTransport({ location: `${url}/0`, sentinels, ...options });
  opened.push(transport);
  return transport;
}

/** The port of the server a client is connected to. */
async function portOf(transport: SentinelTransport, write: boolean): Promise<number> {
  const client = transport.getClient({ write });
  const info = await client.callBuffer('INFO', 'server');
  return Number(infoField(String(info), 'tcp_port'));
}

const key = (): string => `cx-sentinel-${randomBytes(6).toString('hex')}`;

describe('sentinel transport on the shared topology', () => {
  for (const driver of ['ioredis', 'iovalkey'] as const) {
    it(`${driver}: writes go to the primary, reads to the primary by default`, async () => {
      const { primary } = getTestServers().sentinel;
      const transport = open({ driver });
      const k = key();
      expect(String(await transport.command('SET', [k, 'v']))).toBe('OK');
      expect(String(await transport.command('GET', [k], { read: true }))).toBe('v');
      expect(await runAdminCommand(primary, 'GET', k)).toBe('v');
      expect(await portOf(transport, true)).toBe(primary.port);
      expect(await portOf(transport, false)).toBe(primary.port);
      await transport.command('UNLINK', [k]);
    });

    it(`${driver}: readFrom replica and preferReplica read from the replica`, async () => {
      const { primary, replica } = getTestServers().sentinel;
      for (const readFrom of ['replica', 'preferReplica'] as const) {
        const transport = open({ driver, readFrom });
        expect(transport.capabilities.replicas).toBe(true);
        const k = key();
        await transport.command('SET', [k, readFrom]);
        await transport.command('WAIT', [1, 2000]);
        expect(String(await transport.command('GET', [k], { read: true }))).toBe(readFrom);
        expect(await portOf(transport, false)).toBe(replica.port);
        expect(await portOf(transport, true)).toBe(primary.port);
        // A write sent to the read client would be refused: reads really are on the replica.
        await expect(
          transport.getClient({ write: false }).callBuffer('SET', k, 'x'),
        ).rejects.toThrow(/READONLY/);
        await transport.command('UNLINK', [k]);
      }
    });
  }

  it('blocking commands run on connections that follow the primary', async () => {
    const transport = open({ driver: 'iovalkey' });
    const k = key();
    const popped = transport.command('BLPOP', [k, 5], { blocking: true });
    await transport.command('RPUSH', [k, 'x']);
    expect(((await popped) as Buffer[]).map(String)).toEqual([k, 'x']);
  });

  it('batches and MULTI/EXEC groups go to the primary', async () => {
    const transport = open({ driver: 'ioredis', readFrom: 'preferReplica' });
    const k = key();
    const results = await transport.batch([
      {
        atomic: true,
        commands: [
          { name: 'SET', args: [k, '1'], keys: FIRST_KEY },
          { name: 'INCR', args: [k], keys: FIRST_KEY },
        ],
      },
    ]);
    expect(results.map((r) => (r.ok ? String(r.value) : r.error))).toEqual(['OK', '2']);
    expect(await runAdminCommand(getTestServers().sentinel.primary, 'GET', k)).toBe('2');
    await transport.command('UNLINK', [k]);
  });

  it('an unknown master name fails fast with a ConnectionError, and onError says why', async () => {
    const errors: Error[] = [];
    const { sentinels } = getTestServers().sentinel;
    const transport = createSentinelTransport({
      location: 'redis://no-such-master/0',
      sentinels,
      onError: (error) => errors.push(error),
    });
    opened.push(transport);
    const began = performance.now();
    const error = await transport.command('GET', ['k']).catch((e: unknown) => e);
    expect(isCachexError(error) && error.code).toBe('E_CONNECTION');
    expect((error as Error).message).toMatch(/No such master with that name/);
    expect(performance.now() - began).toBeLessThan(2000);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/sentinel .* No such master/);
  });
});
