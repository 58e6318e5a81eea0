/** Where a JSON text first breaks the grammar, and what is wrong there. */
export interface JsonErrorPosition {
  /** 0-based offset in the text. */
  readonly offset: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** What is wrong, in words that quote nothing of the text. */
  readonly problem: string;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
const SIMPLE_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * Finds the first syntax error of a JSON text that `JSON.parse` rejected. `JSON.parse`'s own
 * message is not usable in an error: depending on the Node version it lacks the position, and
 * it may quote a piece of the text, which for a config file can be a password. This scanner
 * reports the line and column and a description that quotes nothing.
 *
 * Returns `undefined` when it finds no error (or the nesting is too deep to scan).
 */
export function locateJsonError(text: string): JsonErrorPosition | undefined {
  let i = 0;
  const fail = (problem: string): never => {
    throw new Stop(i, i >= text.length ? 'unexpected end of file' : problem);
  };
  // The end offset of a sticky pattern's match at `at`, if it matches there.
  const matchAt = (pattern: RegExp, at: number): number | undefined => {
    pattern.lastIndex = at;
    return pattern.test(text) ? pattern.lastIndex : undefined;
  };
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const expect = (char: string, problem: string): void => {
    if (text[i] !== char) fail(problem);
    i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      const char = text[i];
      if (char === undefined) fail('unterminated string');
      else if (char === '"') {
        i++;
        return;
      } else if (char === '\\') {
        const next = text[i + 1];
        if (next !== undefined && SIMPLE_ESCAPES.has(next)) i += 2;
        else if (next === 'u' && matchAt(HEX4, i + 2) !== undefined) i += 6;
        else fail('invalid escape sequence in a string');
      } else if (char.charCodeAt(0) < 0x20)
        fail('control character (such as a raw line break) in a string');
      else i++;
    }
  };
  const value = (): void => {
    const char = text[i];
    if (char === '{') object();
    else if (char === '[') array();
    else if (char === '"') string();
    else literalOrNumber(char);
  };
  const literalOrNumber = (char: string | undefined): void => {
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    const end = matchAt(NUMBER, i);
    if (end === undefined) {
      fail(char === "'" ? 'single quotes (JSON needs double quotes)' : 'unexpected character');
    } else i = end;
  };
  const members = (close: string, member: () => void, what: string): void => {
    i++;
    skipSpace();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      member();
      skipSpace();
      if (text[i] === close) {
        i++;
        return;
      }
      expect(',', `expected ',' or '${close}' after ${what}`);
      skipSpace();
      if (text[i] === close) fail(`trailing comma before '${close}'`);
    }
  };
  const object = (): void =>
    members(
      '}',
      () => {
        if (text[i] !== '"') fail('expected a property name in double quotes');
        string();
        skipSpace();
        expect(':', "expected ':' after a property name");
        skipSpace();
        value();
      },
      'a property value',
    );
  const array = (): void => members(']', value, 'an array element');

  try {
    skipSpace();
    value();
    skipSpace();
    if (i < text.length) fail('unexpected content after the end of the document');
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) return undefined;
    return { ...lineAndColumn(text, error.offset), offset: error.offset, problem: error.problem };
  }
}

/** 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
