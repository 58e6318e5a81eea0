import { createCodec } from '@cachex/codecs';
import { createCache } from '@cachex/core';
import { describe, expect, it } from 'vitest';
import { createDummyTransport, createMemoryTransport } from '../src/index.js';

describe('health on in-process transports', () => {
  for (const [name, make] of [
    ['memory', () => createMemoryTransport()],
    ['dummy', () => createDummyTransport()],
  ] as const) {
    it(`${name}: ready at once, closed (with one close event) after close()`, async () => {
      const transport = make();
      const cache = createCache({ transport, codec: createCodec() });
      const events: string[] = [];
      cache.on('close', () => events.push('close'));
      // A listener that throws never breaks close().
      cache.on('close', () => {
        throw new Error('listener failure');
      });
      expect(transport.status).toBe('ready');
      expect(cache.status).toBe('ready');
      await cache.close();
      await cache.close();
      expect(cache.status).toBe('closed');
      expect(events).toEqual(['close']);
    });
  }
});
