import { describe, expect, it } from 'vitest';
import { REDACTED_MARK, redactUrl } from './redact.js';

describe('redactUrl', () => {
  it.each([
    ['redis://user:s3cret@host:6390/0', 'redis://user:***@host:6390/0'],
    ['rediss://:s3cret@host', 'rediss://:***@host'],
    ['REDIS://U:s3cret@[::1]:6390', 'REDIS://U:***@[::1]:6390'],
    ['redis://user@host/1', 'redis://user@host/1'],
    ['redis://host:6390/1?db=2', 'redis://host:6390/1?db=2'],
    ['unix://:s3cret@/run/r.sock?db=1', 'unix://:***@/run/r.sock?db=1'],
  ])('redacts %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each([
    'redis://u:p@ss@host:6390',
    'redis://u:pa/ss@host:6390/0',
    'redis://u:pa?ss@host',
    'redis://u:pa#ss@host',
    'redis://u:pa:ss@host',
    'redis://u:p%ss@host',
  ])('hides every piece of a password with raw special characters: %s', (url) => {
    const redacted = redactUrl(url);
    expect(redacted).toBe(
      `${url.slice(0, url.indexOf(':', 8))}:${REDACTED_MARK}@host${url.slice(url.lastIndexOf('@host') + 5)}`,
    );
    expect(redacted).not.toMatch(/pa|ss/);
  });

  it('hides ?password= and ?pass= values', () => {
    expect(redactUrl('redis://h?db=1&password=abc&x=1')).toBe('redis://h?db=1&password=***&x=1');
    expect(redactUrl('unix:///s?PASS=abc')).toBe('unix:///s?PASS=***');
  });

  it('hides all of the user info when there is no scheme', () => {
    expect(redactUrl('s3cret@host:6390')).toBe('***@host:6390');
    expect(redactUrl('just-a-host')).toBe('just-a-host');
  });

  it('redacts each URL of a list and keeps the separators', () => {
    expect(redactUrl('redis://:a1@p:6390/1 , valkey://u:b2@r;unix://:c3@/s')).toBe(
      'redis://:***@p:6390/1 , valkey://u:***@r;unix://:***@/s',
    );
  });
});
