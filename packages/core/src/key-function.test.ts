import { describe, expect, it } from 'vitest';
import { defaultKeyFunction, defaultReverseKey, globEscape } from './key-function.js';

describe('defaultKeyFunction', () => {
  it('builds Django keys', () => {
    expect(defaultKeyFunction('user:42', '', 1)).toBe(':1:user:42');
    expect(defaultKeyFunction('user:42', 'myapp', 1)).toBe('myapp:1:user:42');
    expect(defaultKeyFunction('user:42', 'myapp', 2)).toBe('myapp:2:user:42');
  });
});

describe('defaultReverseKey', () => {
  it('strips prefix and version', () => {
    expect(defaultReverseKey('myapp:1:user:42', 'myapp')).toBe('user:42');
    expect(defaultReverseKey(':1:k', '')).toBe('k');
  });
  it('handles colons in the prefix', () => {
    expect(defaultReverseKey('app:v2:1:foo', 'app:v2')).toBe('foo');
  });
  it('leaves foreign keys unchanged', () => {
    expect(defaultReverseKey('otherprefix:1:k', 'myapp')).toBe('otherprefix:1:k');
    expect(defaultReverseKey('myapp:notaversion:k', 'myapp')).toBe('myapp:notaversion:k');
    expect(defaultReverseKey('myapp:1', 'myapp')).toBe('myapp:1');
  });
});

describe('globEscape', () => {
  it('escapes glob metacharacters only', () => {
    expect(globEscape('*')).toBe('[*]');
    expect(globEscape('a?b[c]')).toBe('a[?]b[[]c[]]');
    expect(globEscape('back\\slash')).toBe('back\\\\slash');
    expect(globEscape('plain:prefix')).toBe('plain:prefix');
  });
});
