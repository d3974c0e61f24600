import { describe, expect, it } from 'vitest';

import { andFilter, equalityFilter, escapeFilterValue } from '../../../app/directory/ldap-filter.js';

describe('escapeFilterValue', () => {
  // RFC 4515 §4 examples (the RFC writes some hex digits in upper case; both are valid).
  it.each([
    ['Parens R Us (for all your parenthetical needs)', 'Parens R Us \\28for all your parenthetical needs\\29'],
    ['*', '\\2a'],
    ['C:\\MyFile', 'C:\\5cMyFile'],
    ['\u0000\u0000\u0000\u0004', '\\00\\00\\00\\04'],
    ['Lučić', 'Lu\\c4\\8di\\c4\\87'],
  ])('escapes %j as RFC 4515 shows', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });

  it.each([
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['x\\', 'x\\5c'],
    ['Groß', 'Gro\\c3\\9f'],
  ])('escapes the injection-prone value %j', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });

  it('leaves plain printable ASCII as it is', () => {
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
