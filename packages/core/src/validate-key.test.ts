import { describe, expect, it } from 'vitest';
import { InvalidKeyError } from './errors.js';
import { validateKey } from './validate-key.js';

describe('validateKey', () => {
  it('accepts ordinary, unicode and spaced keys', () => {
    expect(() => validateKey('user:42')).not.toThrow();
    expect(() => validateKey('ключ 🔑 鍵')).not.toThrow();
    expect(() => validateKey('')).not.toThrow();
  });
  it('rejects non-strings and control characters', () => {
    expect(() => validateKey(42)).toThrow(InvalidKeyError);
    expect(() => validateKey('a\nb')).toThrow(/control character/);
    expect(() => validateKey('a\u0000b')).toThrow(InvalidKeyError);
  });
  it('limits the length in UTF-8 bytes', () => {
    expect(() => validateKey('x'.repeat(1024))).not.toThrow();
    expect(() => validateKey('x'.repeat(1025))).toThrow(/1025 bytes/);
    expect(() => validateKey('é'.repeat(513))).toThrow(InvalidKeyError); // 1026 bytes
    expect(() => validateKey('x'.repeat(11), 10)).toThrow(InvalidKeyError);
  });
});
