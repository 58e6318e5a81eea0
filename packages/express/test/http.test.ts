import { describe, expect, it } from 'vitest';
import { cacheControlDirectives, isNotModified, listMembers } from '../src/http.js';
import { clientAddressKey } from '../src/index.js';

describe('HTTP helpers', () => {
  it('splits list headers and reads Cache-Control directive names', () => {
    expect(listMembers(' a, b ,,c')).toEqual(['a', 'b', 'c']);
    expect(listMembers(['a, b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(listMembers(undefined)).toEqual([]);
    expect([...cacheControlDirectives('Max-Age=60, PRIVATE, no-cache="set-cookie"')]).toEqual([
      'max-age',
      'private',
      'no-cache',
    ]);
  });

  it('If-None-Match compares weakly; If-Modified-Since only without it', () => {
    expect(isNotModified({ ifNoneMatch: '"a"' }, '"a"', undefined)).toBe(true);
    expect(isNotModified({ ifNoneMatch: 'W/"a"' }, '"a"', undefined)).toBe(true);
    expect(isNotModified({ ifNoneMatch: '"b", W/"a"' }, 'W/"a"', undefined)).toBe(true);
    expect(isNotModified({ ifNoneMatch: '"b"' }, '"a"', undefined)).toBe(false);
    expect(isNotModified({ ifNoneMatch: '*' }, '"a"', undefined)).toBe(true);
    expect(isNotModified({ ifNoneMatch: '"a"' }, undefined, undefined)).toBe(false);
    const modified = 'Tue, 02 Jan 2024 03:04:05 GMT';
    expect(isNotModified({ ifModifiedSince: modified }, undefined, modified)).toBe(true);
    expect(
      isNotModified({ ifModifiedSince: 'Mon, 01 Jan 2024 00:00:00 GMT' }, undefined, modified),
    ).toBe(false);
    expect(isNotModified({ ifModifiedSince: 'garbage' }, undefined, modified)).toBe(false);
    expect(isNotModified({}, '"a"', modified)).toBe(false);
  });
});

describe('clientAddressKey (the rate limiter default key)', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6, groups IPv6 by /64', () => {
    expect(clientAddressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:0db8:0001:0002:ffff::1')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64');
    expect(clientAddressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientAddressKey('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });
});
