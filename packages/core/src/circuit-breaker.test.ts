import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createCache } from './cache.js';
import type { CacheOptions } from './cache-options.js';
import type { CircuitOpenInfo } from './circuit-breaker.js';
import {
  type CachexError,
  CircuitOpenError,
  ConfigError,
  ConnectionError,
  TimeoutError,
  WrongTypeError,
} from './errors.js';
import type { Codec } from './types/codec.js';
import type { BatchResult, CommandGroup, Reply, Transport } from './types/transport.js';

// The breaker's state machine, on a transport whose server can be switched off (every call
// fails as a dead connection's do) and on again; the breaker under real faults (SIGSTOP,
// SIGKILL of a redis-server) is tested in transport-standalone/test/circuit-breaker.int.test.ts.

/** A stand-in server: a map, reachable or not, counting the commands that reached it. */
function switchableTransport() {
  const data = new Map<string, Reply>();
  const state = {
    failure: undefined as (() => CachexError) | undefined,
    sent: 0,
    wrongType: false,
  };
  const run = (name: string, args: readonly unknown[]): Reply => {
    if (state.wrongType) throw new WrongTypeError('WRONGTYPE Operation against a key');
    if (name === 'SET') {
      data.set(String(args[0]), args[1] as Reply);
      return 'OK';
    }
    if (name === 'GET') return data.get(String(args[0])) ?? null;
    return null;
  };
  const transport: Transport & { hello(): string } = {
    name: 'switchable',
    capabilities: { scripts: false, transactions: true, cluster: false, replicas: false },
    status: 'ready',
    command: async (name, args) => {
      if (state.failure !== undefined) throw state.failure();
      state.sent++;
      return run(name, args);
    },
    batch: async (groups: readonly CommandGroup[]): Promise<BatchResult[]> =>
      groups.flatMap((g) =>
        g.commands.map((c): BatchResult => {
          if (state.failure !== undefined) return { ok: false, error: state.failure() };
          state.sent++;
          try {
            return { ok: true, value: run(c.name, c.args) };
          } catch (error) {
            return { ok: false, error: error as CachexError };
          }
        }),
      ),
    partitionKeys: (keys) => [keys.map((_, i) => i)],
    scan: async function* () {
      if (state.failure !== undefined) throw state.failure();
      state.sent++;
      yield [Buffer.from('p:1:a')];
      yield [Buffer.from('p:1:b')];
    },
    broadcast: async () => {
      if (state.failure !== undefined) throw state.failure();
      state.sent++;
      return ['OK'];
    },
    getClient: () => 'the client',
    close: async () => undefined,
    hello: () => 'extra method',
  };
  return { transport, state };
}

const codec: Codec = { encode: (v) => JSON.stringify(v), decode: (d) => JSON.parse(String(d)) };
const down = () => new ConnectionError('connect ECONNREFUSED 127.0.0.1:1');

function breakerCache(options: Partial<CacheOptions> = {}) {
  const { transport, state } = switchableTransport();
  const cache = createCache({
    transport,
    codec,
    keyPrefix: 'p',
    circuitBreaker: { failureThreshold: 3, openMs: 60 },
    ...options,
  });
  const events: string[] = [];
  const opened: CircuitOpenInfo[] = [];
  cache.on('circuitOpen', (info) => {
    events.push('open');
    opened.push(info);
  });
  cache.on('circuitClose', () => events.push('close'));
  return { cache, state, events, opened, transport };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error as CachexError).code,
  );
}

describe('circuitBreaker', () => {
  it('is off by default: every call is sent, however many failed before', async () => {
    const { cache, state } = breakerCache({ circuitBreaker: undefined });
    state.failure = down;
    for (let i = 0; i < 10; i++) expect(await codeOf(cache.get('k'))).toBe('E_CONNECTION');
    state.failure = undefined;
    await cache.set('k', 1);
    expect(state.sent).toBe(1);
  });

  it('opens after failureThreshold failures in a row: calls then fail at once, unsent, with the last failure as cause', async () => {
    const { cache, state, events, opened } = breakerCache();
    state.failure = down;
    for (let i = 0; i < 3; i++) expect(await codeOf(cache.get('k'))).toBe('E_CONNECTION');
    expect(events).toEqual(['open']);
    expect(opened[0]).toMatchObject({ failures: 3, openMs: 60 });
    expect(opened[0]?.error.code).toBe('E_CONNECTION');
    // Back up, but the circuit is open: nothing is sent until openMs has passed.
    state.failure = undefined;
    const error = await cache.set('k', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).code).toBe('E_CIRCUIT_OPEN');
    expect((error as CircuitOpenError).message).toMatch(/3 calls in a row could not reach/);
    expect((error as CircuitOpenError).cause).toBeInstanceOf(ConnectionError);
    expect(await codeOf(cache.getMany(['a', 'b']))).toBe('E_CIRCUIT_OPEN');
    expect(await codeOf(cache.pipeline().set('a', 1).get('a').exec())).toBe('E_CIRCUIT_OPEN');
    expect(await codeOf(cache.keys('*'))).toBe('E_CIRCUIT_OPEN');
    expect(await codeOf(cache.clear())).toBe('E_CIRCUIT_OPEN');
    expect(state.sent).toBe(0);
  });

  it('timeouts count as failures; a reply, even an error reply, resets the count', async () => {
    const { cache, state, events } = breakerCache();
    state.failure = () => new TimeoutError('Command timed out');
    expect(await codeOf(cache.get('k'))).toBe('E_TIMEOUT');
    expect(await codeOf(cache.get('k'))).toBe('E_TIMEOUT');
    // The server answers with an error reply: it is reachable, the count starts again.
    state.failure = undefined;
    state.wrongType = true;
    expect(await codeOf(cache.get('k'))).toBe('E_WRONGTYPE');
    state.wrongType = false;
    state.failure = down;
    expect(await codeOf(cache.get('k'))).toBe('E_CONNECTION');
    expect(await codeOf(cache.get('k'))).toBe('E_CONNECTION');
    expect(events).toEqual([]);
    expect(await codeOf(cache.get('k'))).toBe('E_CONNECTION');
    expect(events).toEqual(['open']);
  });

  it('after openMs one call probes: its failure opens the circuit again, its success closes it', async () => {
    const { cache, state, events, opened } = breakerCache();
    state.failure = down;
    for (let i = 0; i < 3; i++) await cache.get('k').catch(() => undefined);
    await delay(70);
    // The probe goes out and fails: open again, for another openMs.
    expect(await codeOf(cache.get('k'))).toBe('E_CONNECTION');
    expect(events).toEqual(['open', 'open']);
    expect(opened[1]?.failures).toBe(1);
    expect(await codeOf(cache.get('k'))).toBe('E_CIRCUIT_OPEN');
    state.failure = undefined;
    expect(await codeOf(cache.get('k'))).toBe('E_CIRCUIT_OPEN');
    await delay(70);
    // The probe succeeds: the circuit closes and every call is sent again.
    await cache.set('k', 1);
    expect(events).toEqual(['open', 'open', 'close']);
    expect(await cache.get('k')).toBe(1);
    expect(state.sent).toBe(2);
  });

  it('while a probe is under way, the other calls still fail fast', async () => {
    const { cache, state, transport } = breakerCache();
    state.failure = down;
    for (let i = 0; i < 3; i++) await cache.get('k').catch(() => undefined);
    await delay(70);
    state.failure = undefined;
    // A slow server: the probe takes 30 ms.
    const command = transport.command;
    transport.command = async (name, args, options) => {
      await delay(30);
      return command(name, args, options);
    };
    const probe = cache.set('k', 1);
    expect(await codeOf(cache.get('k'))).toBe('E_CIRCUIT_OPEN');
    await probe;
    expect(await cache.get('k')).toBe(1);
  });

  it('a batch with a connection failure among its results counts as a failure', async () => {
    const { cache, state, events } = breakerCache();
    state.failure = down;
    for (let i = 0; i < 3; i++) {
      expect(await codeOf(cache.setMany({ a: 1, b: 2 }))).toBe('E_CONNECTION');
    }
    expect(events).toEqual(['open']);
  });

  it('a key scan stopped early still settles its probe', async () => {
    const { cache, state, events } = breakerCache();
    state.failure = down;
    for (let i = 0; i < 3; i++) await cache.get('k').catch(() => undefined);
    await delay(70);
    state.failure = undefined;
    for await (const key of cache.iterKeys('*')) {
      expect(key).toBe('a');
      break;
    }
    expect(events).toEqual(['open', 'close']);
    await cache.set('k', 1);
  });

  it('with ignoreExceptions, calls refused by the open circuit resolve their neutral result', async () => {
    const ignored: string[] = [];
    const { cache, state } = breakerCache({
      ignoreExceptions: true,
      onIgnoredError: (error) => ignored.push(error.code),
    });
    state.failure = down;
    for (let i = 0; i < 3; i++) expect(await cache.get('k', { default: 'd' })).toBe('d');
    expect(await cache.get('k', { default: 'd' })).toBe('d');
    expect(await cache.set('k', 1)).toBe(false);
    expect(ignored).toEqual([
      'E_CONNECTION',
      'E_CONNECTION',
      'E_CONNECTION',
      'E_CIRCUIT_OPEN',
      'E_CIRCUIT_OPEN',
    ]);
  });

  it('the wrapped transport stays reachable: status, getClient, its own methods', () => {
    const { cache } = breakerCache();
    expect(cache.status).toBe('ready');
    expect(cache.getClient()).toBe('the client');
    expect((cache.context.transport as unknown as { hello(): string }).hello()).toBe(
      'extra method',
    );
  });

  it('checks its options, naming the field', () => {
    const { transport } = switchableTransport();
    const make = (circuitBreaker: unknown) => () =>
      createCache({ transport, codec, circuitBreaker: circuitBreaker as never });
    expect(make(true)).not.toThrow();
    expect(make(false)).not.toThrow();
    expect(make({})).not.toThrow();
    for (const [value, field] of [
      [{ failureThreshold: 0 }, 'circuitBreaker.failureThreshold'],
      [{ failureThreshold: 1.5 }, 'circuitBreaker.failureThreshold'],
      [{ openMs: -1 }, 'circuitBreaker.openMs'],
      [{ openMs: '1000' }, 'circuitBreaker.openMs'],
      [{ resetMs: 10 }, 'circuitBreaker.resetMs'],
      ['yes', 'circuitBreaker'],
    ] as const) {
      const error = (() => {
        try {
          make(value)();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error, JSON.stringify(value)).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).context.field).toBe(field);
    }
  });
});
