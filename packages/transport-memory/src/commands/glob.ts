// Redis glob matching (`stringmatchlen` in util.c, 7.0), ported as is so that MATCH patterns
// select exactly the keys a server would: `*`, `?`, `[abc]`, `[^a]`, `[a-z]` (reversed ranges
// allowed), `\` escapes inside and outside brackets, and an unclosed `[` running to the end.
// Both sides are compared byte by byte (latin1 strings of the UTF-8 bytes), as Redis does.

import { byteString as bytes } from './args.js';

function match(
  p: string,
  pi: number,
  s: string,
  si: number,
  skipLonger: { value: boolean },
): boolean {
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    const c = p[pi];
    if (c === '*') {
      while (pi + 1 < plen && p[pi + 1] === '*') pi++;
      if (pi + 1 === plen) return true;
      while (si < slen) {
        if (match(p, pi + 1, s, si, skipLonger)) return true;
        if (skipLonger.value) return false;
        si++;
      }
      // No match of the rest from anywhere: a longer match of an earlier `*` cannot help.
      skipLonger.value = true;
      return false;
    }
    if (c === '?') {
      si++;
    } else if (c === '[') {
      pi++;
      const not = p[pi] === '^';
      if (not) pi++;
      let matched = false;
      for (;;) {
        if (p[pi] === '\\' && plen - pi >= 2) {
          pi++;
          if (p[pi] === s[si]) matched = true;
        } else if (p[pi] === ']') {
          break;
        } else if (pi >= plen) {
          pi--;
          break;
        } else if (plen - pi >= 3 && p[pi + 1] === '-') {
          let start = p.charCodeAt(pi);
          let end = p.charCodeAt(pi + 2);
          if (start > end) [start, end] = [end, start];
          const code = s.charCodeAt(si);
          pi += 2;
          if (code >= start && code <= end) matched = true;
        } else if (p[pi] === s[si]) {
          matched = true;
        }
        pi++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++;
    } else {
      if (c === '\\' && plen - pi >= 2) pi++;
      if (p[pi] !== s[si]) return false;
      si++;
    }
    pi++;
    if (si === slen) {
      while (p[pi] === '*') pi++;
      break;
    }
  }
  return pi >= plen && si === slen;
}

/**
 * Whether `text` matches the Redis glob `pattern`. Like every Redis MATCH, the pattern `*`
 * alone matches everything (the empty key included, which `stringmatchlen` itself refuses).
 */
export function globMatch(pattern: string, text: string): boolean {
  return compileGlob(pattern)(text);
}

/** Compiles a pattern for matching many keys: its byte form is computed once. */
export function compileGlob(pattern: string): (text: string) => boolean {
  if (pattern === '*') return () => true;
  const p = bytes(pattern);
  return (text) => match(p, 0, bytes(text), 0, { value: false });
}
