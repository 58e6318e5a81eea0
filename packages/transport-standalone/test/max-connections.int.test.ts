import { randomBytes } from 'node:crypto';
import { ConfigError, NotSupportedError } from '@cachex/core';
import { closeAfterEach, getTestServers, runAdminCommand, until } from '@cachex/testing';
import { describe, expect, it } from 'vitest';
import { createStandaloneTransport, type StandaloneTransportOptions } from '../src/index.js';

// On the shared server: every transport here names its connections with a prefix of its own,
// and only connections carrying it are counted.
const closers = closeAfterEach();

interface Counts {
  /** Connections named `<prefix>` or `<prefix>:…`. */
  total: number;
  /** Those of them blocked in a command. */
  blocked: number;
  /** Those of them named `<prefix>:blocking`. */
  blocking: number;
}

async function countOnServer(prefix: string): Promise<Counts> {
  const list = String(await runAdminCommand(getTestServers().standalone, 'CLIENT', 'LIST'));
  const ours = list
    .split('\n')
    .map(
      (line) =>
        new Map(
          line
            .trim()
            .split(' ')
            .map((pair) => pair.split('=', 2) as [string, string]),
        ),
    )
    .filter((fields) => {
      const name = fields.get('name') ?? '';
      return name === prefix || name.startsWith(`${prefix}:`);
    });
  return {
    total: ours.length,
    blocked: ours.filter((f) => (f.get('flags') ?? '').includes('b')).length,
    blocking: ours.filter((f) => f.get('name') === `${prefix}:blocking`).length,
  };
}

function open(options: Partial<StandaloneTransportOptions> = {}) {
  const name = `cx-maxconn-${randomBytes(6).toString('hex')}`;
  const transport = createStandaloneTransport({
    location: getTestServers().standalone.url,
    ...options,
    clientOptions: { connectionName: name },
  });
  return { name, ...closers.cache(transport) };
}

/**
 * Starts `n` pops on one list, waits until `blocked` of them wait on the server, pushes `n`
 * elements and waits for every pop; returns the most connections seen at once meanwhile.
 */
async function popMany(
  opened: ReturnType<typeof open>,
  n: number,
  blocked: number,
): Promise<number> {
  const { cache, name } = opened;
  // The shared connection is open before the pops start.
  await cache.set('ready', 1);
  const pops = Array.from({ length: n }, () => cache.blpop<string>('jobs', { timeout: 30 }));
  // Should an assertion fail, close() rejects the pops: not an unhandled rejection.
  for (const pop of pops) pop.catch(() => undefined);
  let peak = 0;
  await until(async () => {
    const counts = await countOnServer(name);
    peak = Math.max(peak, counts.total);
    return counts.blocked >= blocked;
  });
  const elements = Array.from({ length: n }, (_, i) => `e${i}`);
  let done = false;
  const all = Promise.all(pops).finally(() => {
    done = true;
  });
  await cache.rpush('jobs', elements);
  // Sample while the queued pops take their turns on the pool's connections.
  while (!done) peak = Math.max(peak, (await countOnServer(name)).total);
  const popped = await all;
  expect(popped.map((p) => p?.[1]).sort()).toEqual([...elements].sort());
  expect(popped.every((p) => p?.[0] === 'jobs')).toBe(true);
  return peak;
}

describe('maxConnections (standalone)', () => {
  it('bounds the connections to the server: 1 shared + maxConnections - 1 blocking', async () => {
    const opened = open({ maxConnections: 4 });
    const peak = await popMany(opened, 10, 3);
    expect(peak).toBeLessThanOrEqual(4);
    // The bound was reached: three pops waited on connections of their own at once.
    expect(peak).toBe(4);
  });

  it('by default, ten waiting pops hold ten connections of their own', async () => {
    const opened = open();
    const peak = await popMany(opened, 10, 10);
    expect(peak).toBe(11);
  });

  it('?max_connections= in the URL wins over the option', async () => {
    for (const param of ['max_connections', 'maxConnections']) {
      const opened = open({
        location: `${getTestServers().standalone.url}?${param}=3`,
        maxConnections: 20,
      });
      const peak = await popMany(opened, 10, 2);
      expect(peak, param).toBe(3);
      expect((await countOnServer(opened.name)).blocking, param).toBeLessThanOrEqual(2);
    }
  });

  it('maxBlockingConnections lowers the blocking bound within maxConnections', async () => {
    const opened = open({ maxConnections: 10, maxBlockingConnections: 2 });
    expect(await popMany(opened, 6, 2)).toBe(3);
  });

  it('maxConnections: 1 leaves no connection for blocking commands: they reject, others work', async () => {
    const { cache, name } = open({ maxConnections: 1 });
    await cache.set('k', 'v');
    expect(await cache.get('k')).toBe('v');
    const error = await cache.blpop('jobs', { timeout: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotSupportedError);
    expect((error as NotSupportedError).message).toContain('maxConnections');
    expect((error as NotSupportedError).context.field).toBe('maxConnections');
    expect(await countOnServer(name)).toEqual({ total: 1, blocked: 0, blocking: 0 });
  });

  it('rejects invalid values with ConfigErrors naming the field', () => {
    const { url } = getTestServers().standalone;
    const configError = (options: Partial<StandaloneTransportOptions>): ConfigError => {
      try {
        createStandaloneTransport({ location: url, ...options });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return error as ConfigError;
      }
      throw new Error(`accepted ${JSON.stringify(options)}`);
    };
    for (const maxConnections of [0, 1.5, -1, Number.NaN, 'x', '4']) {
      const error = configError({ maxConnections: maxConnections as number });
      expect(error.context.field, String(maxConnections)).toBe('maxConnections');
      expect(error.message).toContain('maxConnections');
    }
    for (const value of ['0', '1.5', 'x']) {
      const error = configError({ location: `${url}?max_connections=${value}` });
      expect(error.message, value).toContain('max_connections');
    }
    const both = configError({ maxConnections: 4, maxBlockingConnections: 4 });
    expect(both.context.field).toBe('maxBlockingConnections');
    expect(both.message).toContain('maxConnections');
    expect(both.message).toContain('maxBlockingConnections');
    // The URL's bound counts as given.
    expect(
      configError({ location: `${url}?max_connections=2`, maxBlockingConnections: 2 }).message,
    ).toContain('maxConnections');
    // Fitting, or alone (back-compatible): accepted.
    for (const options of [
      { maxConnections: 4, maxBlockingConnections: 3 },
      { maxBlockingConnections: 100 },
      { maxConnections: 1 },
    ]) {
      closers.add(() => createStandaloneTransport({ location: url, ...options }).close());
    }
  });
});
