import { describe, expect, it } from 'vitest';
import { integerToText, parseIntegerText } from './integer-text.js';

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
    expect(parseIntegerText('9'.repeat(4301))).toBeUndefined();
  });
});
