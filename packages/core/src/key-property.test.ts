import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCacheContext } from './cache-context.js';
import { InvalidKeyError } from './errors.js';
import { defaultKeyFunction, defaultReverseKey } from './key-function.js';
import { assertProperty } from './test-support/property.js';
import type { Codec } from './types/codec.js';
import type { Transport } from './types/transport.js';
import { DEFAULT_MAX_KEY_LENGTH } from './validate-key.js';

/**
 * Property tests of the key rules on random strings: the cache's `makeKey` gives the stored key
 * (`prefix:version:key`, read back by the reverse function) or throws an InvalidKeyError, never
 * another error. Seeds: see test-support/property.ts.
 */

const codec: Codec = { encode: (v) => JSON.stringify(v), decode: (d) => JSON.parse(String(d)) };

function context(prefix: string, maxKeyLength: number) {
  return createCacheContext({
    // makeKey never sends anything.
    transport: {} as Transport,
    codec,
    prefix,
    version: 3,
    defaultTimeout: 300,
    keyFunction: defaultKeyFunction,
    reverseKeyFunction: defaultReverseKey,
    maxKeyLength,
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Strings of every kind: control characters, lone surrogates, long ones, colons, globs. */
const keyText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.string({ unit: 'grapheme-ascii', maxLength: 6 }),
          fc.constantFrom(':', '*', '?', '[', '\\', '\n', '\u0000', '\u007f', '\ud800', 'é', '🔑'),
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join('')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x', 'é', '€', '🔑'), fc.integer({ min: 0, max: 1100 }))
      .map(([unit, n]) => unit.repeat(n)),
  },
);

describe('makeKey on random input', () => {
  it('gives prefix:version:key for a valid key and an InvalidKeyError for any other string', async () => {
    await assertProperty(
      fc.property(
        keyText,
        fc.oneof(fc.constant(DEFAULT_MAX_KEY_LENGTH), fc.integer({ min: 1, max: 80 })),
        fc.constantFrom('', 'app', 'a:b', 'we*ird[1]'),
        (key, maxKeyLength, prefix) => {
          const ctx = context(prefix, maxKeyLength);
          const valid =
            !CONTROL.test(key) && key.isWellFormed() && Buffer.byteLength(key) <= maxKeyLength;
          let stored: string | undefined;
          let error: unknown;
          try {
            stored = ctx.makeKey(key);
          } catch (caught) {
            error = caught;
          }
          if (valid) {
            expect(error).toBeUndefined();
            expect(stored).toBe(`${prefix}:3:${key}`);
            expect(ctx.reverseKey(stored as string)).toBe(key);
          } else {
            expect(error).toBeInstanceOf(InvalidKeyError);
            expect((error as InvalidKeyError).code).toBe('E_INVALID_KEY');
            // What the error carries can be logged: well-formed, and never the whole long key.
            const { message, context: details } = error as InvalidKeyError;
            expect(message.isWellFormed()).toBe(true);
            if (typeof details.key === 'string') {
              expect(details.key.isWellFormed()).toBe(true);
              expect(details.key.length).toBeLessThanOrEqual(Math.max(key.length, 65));
            }
          }
        },
      ),
    );
  });

  it('refuses anything that is not a string with an InvalidKeyError', async () => {
    const ctx = context('app', DEFAULT_MAX_KEY_LENGTH);
    await assertProperty(
      fc.property(
        fc
          .anything({ withBigInt: true, withDate: true, withMap: true, withSet: true })
          .filter((value) => typeof value !== 'string'),
        (value) => {
          expect(() => ctx.makeKey(value as string)).toThrow(InvalidKeyError);
        },
      ),
    );
  });

  it('puts only well-formed text in the error context (loggable), whatever the key', () => {
    const ctx = context('app', 10);
    for (const key of ['\ud800\n', 'a\u0000\udc00', `${'x'.repeat(63)}🔑🔑`]) {
      let error: unknown;
      try {
        ctx.makeKey(key);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidKeyError);
      expect((error as InvalidKeyError).key?.isWellFormed()).toBe(true);
    }
  });

  it('accepts the empty key, as Django does (stored as prefix:version:)', () => {
    expect(context('app', DEFAULT_MAX_KEY_LENGTH).makeKey('')).toBe('app:3:');
  });

  it('refuses a key one byte over the maximum, counted in UTF-8 bytes', () => {
    const ctx = context('app', DEFAULT_MAX_KEY_LENGTH);
    expect(ctx.makeKey('x'.repeat(1024))).toBe(`app:3:${'x'.repeat(1024)}`);
    expect(() => ctx.makeKey('x'.repeat(1025))).toThrow(/1025 bytes long; the limit is 1024/);
    expect(() => ctx.makeKey(`${'x'.repeat(1023)}é`)).toThrow(InvalidKeyError);
    expect(() => ctx.makeKey('🔑'.repeat(257))).toThrow(/1028 bytes/);
  });
});
