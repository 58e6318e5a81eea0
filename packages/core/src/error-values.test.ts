import { describe, expect, it } from 'vitest';
import { createCache } from './cache.js';
import { ConnectionError, EncodeError, isCachexError, withErrorContext } from './errors.js';
import type { Codec } from './types/codec.js';
import type { BatchResult, CommandGroup, Transport } from './types/transport.js';

// Errors are values: once handed out, nothing writes into them. Whoever knows more (the key a
// command was for) makes a copy, so two callers never see each other's context.

describe('withErrorContext', () => {
  it('copies: the original keeps its context and message, the copy keeps class and brand', () => {
    const original = new ConnectionError('down', {
      cause: new Error('x'),
      context: { command: 'GET' },
    });
    const copy = withErrorContext(original, { key: 'a' }, 'down (key a)');
    expect(original.context).toEqual({ command: 'GET' });
    expect(original.message).toBe('down');
    expect(copy).toBeInstanceOf(ConnectionError);
    expect(isCachexError(copy)).toBe(true);
    expect(copy.code).toBe('E_CONNECTION');
    expect(copy.context).toEqual({ command: 'GET', key: 'a' });
    expect(copy.key).toBe('a');
    expect(copy.message).toBe('down (key a)');
    expect(copy.cause).toBe(original.cause);
    expect(copy.stack).toBe(original.stack);
  });
});

/** A transport whose batches all fail with one shared error object, as a broken connection does. */
function failingTransport(shared: ConnectionError): Transport {
  return {
    name: 'failing',
    capabilities: { scripts: false, transactions: true, cluster: false, replicas: false },
    command: () => Promise.reject(shared),
    batch: async (groups: readonly CommandGroup[]): Promise<BatchResult[]> =>
      groups.flatMap((g) => g.commands.map(() => ({ ok: false as const, error: shared }))),
    partitionKeys: (keys) => [keys.map((_, i) => i)],
    scan: async function* () {},
    broadcast: () => Promise.reject(shared),
    getClient: () => undefined,
    close: async () => undefined,
  };
}

const codec: Codec = { encode: (v) => JSON.stringify(v), decode: (d) => JSON.parse(String(d)) };

describe('errors in pipeline slots', () => {
  it('each slot gets its own error with its own key; the shared one is untouched', async () => {
    // E_COMMAND-like failure that is not "nothing was sent", so slots are filled, not thrown.
    const shared = new ConnectionError('server said no');
    Object.defineProperty(shared, 'code', { value: 'E_COMMAND' });
    const cache = createCache({ transport: failingTransport(shared), codec });
    const [a, b] = await cache.pipeline().get('a').get('b').exec();
    expect(isCachexError(a) && a.key).toBe('a');
    expect(isCachexError(b) && b.key).toBe('b');
    expect(a).not.toBe(b);
    expect(shared.context.key).toBeUndefined();
  });

  it('an encode error keeps the codec error and gets the key on a copy', async () => {
    const thrown = new EncodeError('nope');
    const cache = createCache({
      transport: failingTransport(new ConnectionError('unused')),
      codec: {
        ...codec,
        encode: () => {
          throw thrown;
        },
      },
    });
    const error = await cache.set('k', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).key).toBe('k');
    expect(thrown.context.key).toBeUndefined();
  });
});
