import { describe, expect, it } from 'vitest';
import { lineAndColumn, locateJsonError } from './json-error-position.js';

describe('locateJsonError', () => {
  it.each([
    ['{"a": 1,}', 1, 9, 'trailing comma'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}'"],
    ["{\n 'a': 1}", 2, 2, 'expected a property name'],
    ['{"a": secret}', 1, 7, 'unexpected character'],
    ['{"a": "x', 1, 9, 'unexpected end of file'],
    ['{"a": "x\ny"}', 1, 9, 'control character'],
    ['{"a": "\\q"}', 1, 8, 'invalid escape'],
    ['{"a": 01}', 1, 8, "expected ',' or '}'"],
    ['[1, 2]]', 1, 7, 'unexpected content after the end'],
    ['', 1, 1, 'unexpected end of file'],
  ])('%j fails at line %i, column %i', (text, line, column, problem) => {
    expect(() => JSON.parse(text)).toThrow();
    const position = locateJsonError(text);
    expect(position).toMatchObject({ line, column });
    expect(position?.problem).toContain(problem);
  });

  it('finds nothing in valid JSON', () => {
    expect(
      locateJsonError('{"a": [1, -2.5e3, true, null, "\\u00e9\\n"], "b": {}}'),
    ).toBeUndefined();
  });

  it('never quotes the text', () => {
    const position = locateJsonError('{"password": hunter2}');
    expect(position?.problem).not.toContain('hunter2');
  });
});

describe('lineAndColumn', () => {
  it('counts lines and columns from 1', () => {
    expect(lineAndColumn('ab\ncd\nef', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\ncd\nef', 6)).toEqual({ line: 3, column: 1 });
  });
});
