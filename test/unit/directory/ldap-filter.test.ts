import { describe, expect, it } from 'vitest';

import { andFilter, equalityFilter, escapeFilterValue } from '../../../app/directory/ldap-filter.js';

describe('escapeFilterValue', () => {
  // RFC 4515 §4 examples (the RFC writes some hex digits in upper case; both are valid).
  it.each([
    ['Parens R Us (for all your parenthetical needs)', 'Parens R Us \\28for all your parenthetical needs\\29'],
    ['*', '\\2a'],
    ['C:\\MyFile', 'C:\\5cMyFile'],
    ['\u0000\u0000\u0000\u0004', '\\00\\00\\00\u0004'],
  ])('escapes %j as RFC 4515 requires', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });

  it.each([
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['x\\', 'x\\5c'],
  ])('escapes the injection-prone value %j', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });

  // RFC 4515 allows escaping any octet but requires only these; ldapts' filter parser turns each
  // \XX into one UTF-16 unit, so escaped UTF-8 bytes would reach slapd as other characters.
  it.each(['Lučić', 'Groß', 'jürgen', 'zoë', '日本'])('sends %j as UTF-8 as it is', (value) => {
    expect(escapeFilterValue(value)).toBe(value);
  });

  it('escapes a special character next to non-ASCII ones', () => {
    expect(escapeFilterValue('Müller*(ü)')).toBe('Müller\\2a\\28ü\\29');
  });

  it('leaves plain printable ASCII and control characters other than NUL as they are', () => {
    expect(escapeFilterValue('tab\there')).toBe('tab\there');
    expect(escapeFilterValue('john.doe-42@example.org')).toBe('john.doe-42@example.org');
  });
});

describe('equalityFilter', () => {
  it('escapes the value', () => {
    expect(equalityFilter('uid', 'a*b')).toBe('(uid=a\\2ab)');
  });

  it.each(['uid)(x', 'ui d', '', '1uid'])('refuses %j as an attribute name', (name) => {
    expect(() => equalityFilter(name, 'x')).toThrow(/not an LDAP attribute name/);
  });
});

describe('andFilter', () => {
  it('returns a single filter unchanged', () => {
    expect(andFilter('(uid=a)')).toBe('(uid=a)');
  });

  it('joins several filters under &', () => {
    expect(andFilter('(uid=a)', '(sn=b)')).toBe('(&(uid=a)(sn=b))');
  });
});
