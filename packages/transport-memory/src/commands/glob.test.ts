import { describe, expect, it } from 'vitest';
import { compileGlob, globMatch } from './glob.js';

describe('globMatch (Redis rules)', () => {
  const cases: [pattern: string, text: string, expected: boolean][] = [
    ['*', '', true],
    ['*', 'anything', true],
    ['a*', 'a', true],
    ['a*c', 'abbbc', true],
    ['a*c', 'abbbd', false],
    ['a**b', 'axyb', true],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true],
    ['h[a-b]llo', 'hcllo', false],
    ['h\\*llo', 'h*llo', true],
    ['h\\*llo', 'hello', false],
    ['h[\\]]llo', 'h]llo', true],
    ['h[\\^]llo', 'h^llo', true],
    ['a\\', 'a\\', true],
    // An unclosed class runs to the end of the pattern.
    ['h[ab', 'ha', true],
    ['h[ab', 'hc', false],
    ['prefix\\*:1:*', 'prefix*:1:key', true],
    ['prefix\\*:1:*', 'prefixx:1:key', false],
    ['', '', true],
    ['', 'a', false],
    // `?` is one byte: a two-byte character needs two.
    ['?', 'é', false],
    ['??', 'é', true],
    ['ключ:*', 'ключ:🔑', true],
  ];
  for (const [pattern, text, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(text)}`, () => {
      expect(globMatch(pattern, text)).toBe(expected);
      expect(compileGlob(pattern)(text)).toBe(expected);
    });
  }

  it('stays fast on patterns that would backtrack exponentially', () => {
    const started = performance.now();
    expect(globMatch('a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(60))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
