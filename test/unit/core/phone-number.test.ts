/** Phone numbers in every notation UCS directories hold, and the extension taken from them. */
import { describe, expect, it } from 'vitest';
import {
  dialForm,
  extractExtension,
  parsePhonePrefix,
  type ExtensionSource,
  type PhonePrefix,
} from '../../../app/core/phone-number.js';
import { internalExtension } from '../../../app/core/transforms.js';

function prefix(text: string): PhonePrefix {
  const parsed = parsePhonePrefix(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.problem}`);
  return parsed.prefix;
}

const COMPANY = [prefix('+49 441 12345')];

describe('dialForm', () => {
  it.each([
    ['+49 441 12345-10006', true, '494411234510006'],
    ['+49 (0)441 12345-10041', true, '494411234510041'],
    ['+49 (0) 441 12345 10167', true, '494411234510167'],
    ['+49-441-12345-10006', true, '494411234510006'],
    ['0049 441 12345-10006', true, '494411234510006'],
    ['0441 12345-101', false, '044112345101'],
    ['(0441) 12345/101', false, '044112345101'],
    ['101', false, '101'],
    ['007', false, '007'],
  ])('%j dials as international=%s %s', (value, international, digits) => {
    expect(dialForm(value)).toEqual({ international, digits });
  });

  it('has no form for a value without digits', () => {
    expect(dialForm('n/a')).toBeUndefined();
  });
});

describe('parsePhonePrefix', () => {
  it.each([
    ['+49 441 12345', '4944112345', '044112345'],
    ['+49 (0)441 12345', '4944112345', '044112345'],
    ['+49 (0) 441 / 12345', '4944112345', '044112345'],
    ['0049 441 12345', '4944112345', '044112345'],
    ['+49-441-12345', '4944112345', '044112345'],
    ['+1 212 555', '1212555', '0212555'],
  ])('%j matches international %s and national %s', (text, international, national) => {
    expect(prefix(text)).toEqual({ text, international, national });
  });

  it('takes a nationally written prefix as it is (it cannot know the country code)', () => {
    expect(prefix('0441 12345')).toEqual({ text: '0441 12345', international: undefined, national: '044112345' });
  });

  it.each([
    ['+4944112345', 'country code as its own group'],
    ['+49', 'country code as its own group'],
    ['ext. 12345', 'only digits'],
    ['12', 'at least 3 digits'],
  ])('refuses %j (%s)', (text, problem) => {
    const parsed = parsePhonePrefix(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(problem);
  });
});

describe('extractExtension with extensions.phonePrefix "+49 441 12345"', () => {
  it.each<[string, ExtensionSource]>([
    ['+49 441 12345-10006', { kind: 'prefix', extension: '10006' }],
    ['+49 (0)441 12345-10041', { kind: 'prefix', extension: '10041' }],
    ['+49 441 12345 10167', { kind: 'prefix', extension: '10167' }],
    ['+49 441 1234510167', { kind: 'prefix', extension: '10167' }],
    ['0049 441 12345 10167', { kind: 'prefix', extension: '10167' }],
    ['0441 12345-101', { kind: 'prefix', extension: '101' }],
    ['0441 / 12345 - 2041', { kind: 'prefix', extension: '2041' }],
    ['+49 441 12345', { kind: 'unrecognised' }],
    // Another company's number: no prefix match, the usual rules apply.
    ['+49 30 98765-222', { kind: 'suffix', extension: '222' }],
    ['101', { kind: 'short', extension: '101' }],
  ])('%j → %j', (value, expected) => {
    expect(extractExtension(value, { prefixes: COMPANY, digits: undefined })).toEqual(expected);
  });

  it('prefers the longest matching prefix', () => {
    const prefixes = [prefix('+49 441 12345'), prefix('+49 441 12345 9')];
    expect(extractExtension('+49 441 12345 9123', { prefixes, digits: undefined })).toEqual({
      kind: 'prefix',
      extension: '123',
    });
  });

  it('matches a nationally written prefix only in national numbers', () => {
    const prefixes = [prefix('0441 12345')];
    expect(extractExtension('0441 12345 10167', { prefixes, digits: undefined })).toEqual({
      kind: 'prefix',
      extension: '10167',
    });
    expect(extractExtension('+49 441 12345 10167', { prefixes, digits: undefined })).toEqual({ kind: 'unrecognised' });
  });
});

describe('extractExtension without a prefix (the defaults)', () => {
  it.each<[string, ExtensionSource]>([
    ['+49 441 12345-10006', { kind: 'suffix', extension: '10006' }],
    ['+49 (0)441 12345-10041', { kind: 'suffix', extension: '10041' }],
    ['0441 12345-101', { kind: 'suffix', extension: '101' }],
    ['0441 12345 - 2041', { kind: 'suffix', extension: '2041' }],
    ['+49 441 12345-12345678', { kind: 'suffix', extension: '12345678' }],
    ['101', { kind: 'short', extension: '101' }],
    ['10006', { kind: 'short', extension: '10006' }],
    ['100 06', { kind: 'short', extension: '10006' }],
    ['123456', { kind: 'short', extension: '123456' }],
    // Never cut: no dash and longer than a short number → no extension at all.
    ['+49 441 12345 10167', { kind: 'unrecognised' }],
    ['0441 1234510167', { kind: 'unrecognised' }],
    ['1234567', { kind: 'unrecognised' }],
    ['+49 441 12345-123456789', { kind: 'unrecognised' }],
    ['+101', { kind: 'unrecognised' }],
    ['n/a', { kind: 'empty' }],
  ])('%j → %j', (value, expected) => {
    expect(extractExtension(value, { prefixes: [], digits: undefined })).toEqual(expected);
  });
});

describe('extensions.digits, kept for configs that set it', () => {
  it.each<[string, number, string]>([
    ['+49 441 12345-10006', 3, '006'],
    ['0441 123456', 4, '3456'],
    ['0441 12345-101', 3, '101'],
  ])('%j with %i digits → %j (the old rule)', (value, digits, extension) => {
    expect(extractExtension(value, { prefixes: [], digits })).toEqual({ kind: 'digits', extension });
  });

  it('still lets a configured prefix win', () => {
    expect(extractExtension('+49 441 12345-10006', { prefixes: COMPANY, digits: 3 })).toEqual({
      kind: 'prefix',
      extension: '10006',
    });
  });
});

describe('the internalExtension transform', () => {
  it('gives the extension, or nothing when none is recognisable', () => {
    expect(internalExtension('+49 441 12345 10167', { pool: undefined, prefixes: COMPANY })).toBe('10167');
    expect(internalExtension('+49 441 12345 10167', { pool: undefined })).toBe('');
  });
});
