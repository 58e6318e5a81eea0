import { describe, expect, it } from 'vitest';
import { integerToText, parseIntegerText, TOO_MANY_DIGITS } from './integer-text.js';

describe('integer text', () => {
  it('writes decimal text like Python', () => {
    expect(integerToText(42)).toBe('42');
    expect(integerToText(-7)).toBe('-7');
    expect(integerToText(2n ** 70n)).toBe('1180591620717411303424');
  });

  it.each([
    ['42', 42],
    ['-7', -7],
    ['0', 0],
    ['-0', 0],
    ['007', 7],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    ['-9007199254740991', Number.MIN_SAFE_INTEGER],
    ['9007199254740992', 2n ** 53n],
    ['1180591620717411303424', 2n ** 70n],
    ['-1180591620717411303424', -(2n ** 70n)],
  ])('reads %s from strings and bytes', (text, expected) => {
    expect(parseIntegerText(text)).toBe(expected);
    expect(parseIntegerText(Buffer.from(text))).toBe(expected);
  });

  it.each(['', '-', '+5', ' 5', '5 ', '1_000', '1.0', '1e3', '"5"', '0x10', '٣'])(
    'leaves %j to the serializers',
    (text) => {
      expect(parseIntegerText(text)).toBeUndefined();
      expect(parseIntegerText(Buffer.from(text))).toBeUndefined();
    },
  );

  it('bounds the length like Python (4300 digits)', () => {
    expect(parseIntegerText(`-${'9'.repeat(4300)}`)).toBe(-(10n ** 4300n - 1n));
    expect(parseIntegerText('9'.repeat(4301))).toBe(TOO_MANY_DIGITS);
    expect(parseIntegerText(Buffer.from('9'.repeat(4301)))).toBe(TOO_MANY_DIGITS);
    expect(parseIntegerText(`${'9'.repeat(5000)}.5`)).toBeUndefined();
  });
});

describe('integer text too long for Python', () => {
  it.each([
    ['5000 digits', '1'.repeat(5000)],
    ['4301 digits', '9'.repeat(4301)],
    ['negative, 4301 digits', `-${'9'.repeat(4301)}`],
  ])('decode refuses %s with a DecodeError naming the key', async (_label, text) => {
    const { createCodec } = await import('./codec.js');
    const { DecodeError } = await import('@cachex/core');
    for (const codec of [
      createCodec(),
      createCodec({ serializer: 'msgpack', compressor: 'zlib' }),
    ]) {
      for (const stored of [text, Buffer.from(text)]) {
        let error: unknown;
        try {
          codec.decode(stored, 'counter');
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(DecodeError);
        expect((error as InstanceType<typeof DecodeError>).key).toBe('counter');
        expect((error as Error).message).toMatch(/4300 digits/);
      }
    }
  });

  it('encode refuses a BigInt whose integer text would be longer than 4300 digits', async () => {
    const { createCodec } = await import('./codec.js');
    const { EncodeError } = await import('@cachex/core');
    const codec = createCodec();
    expect(codec.encode(-(10n ** 4300n - 1n))).toBe(`-${'9'.repeat(4300)}`);
    expect(() => codec.encode(10n ** 4300n)).toThrow(EncodeError);
    expect(() => codec.encode(10n ** 4300n)).toThrow(/4300 digits/);
  });
});
