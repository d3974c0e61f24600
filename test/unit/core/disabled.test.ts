import { describe, expect, it } from 'vitest';
import { daysSinceEpoch, isDisabled, isLocked } from '../../../app/core/disabled.js';
import { TODAY, user } from './builders.js';

describe('isDisabled', () => {
  it.each([
    ['no flags at all', {}, false],
    ['sambaAcctFlags [U          ]', { sambaAcctFlags: '[U          ]' }, false],
    ['sambaAcctFlags [UD         ]', { sambaAcctFlags: '[UD         ]' }, true],
    ['sambaAcctFlags [DU]', { sambaAcctFlags: '[DU]' }, true],
    ['krb5KDCFlags 126 (enabled)', { krb5KDCFlags: '126' }, false],
    ['krb5KDCFlags 254 (disabled)', { krb5KDCFlags: '254' }, true],
    ['krb5KDCFlags 128 alone', { krb5KDCFlags: '128' }, true],
    ['krb5KDCFlags not a number', { krb5KDCFlags: 'x' }, false],
    ['shadowExpire 1 (UDM disabled)', { shadowExpire: '1' }, true],
    ['shadowExpire yesterday', { shadowExpire: String(TODAY - 1) }, true],
    ['shadowExpire today', { shadowExpire: String(TODAY) }, true],
    ['shadowExpire tomorrow', { shadowExpire: String(TODAY + 1) }, false],
    ['shadowExpire 0 (no expiry per shadow(5))', { shadowExpire: '0' }, false],
    ['shadowExpire -1', { shadowExpire: '-1' }, false],
    ['shadowExpire empty', { shadowExpire: '' }, false],
    [
      'all three flags as UDM writes them',
      { sambaAcctFlags: '[UD         ]', krb5KDCFlags: '254', shadowExpire: '1' },
      true,
    ],
    [
      'only samba disabled, others enabled',
      { sambaAcctFlags: '[UD]', krb5KDCFlags: '126', shadowExpire: String(TODAY + 9) },
      true,
    ],
    [
      'only expiry in the past, others enabled',
      { sambaAcctFlags: '[U]', krb5KDCFlags: '126', shadowExpire: '5' },
      true,
    ],
    ['locked but not disabled', { sambaAcctFlags: '[UL         ]' }, false],
  ])('%s → %s', (_label, attrs, expected) => {
    expect(isDisabled(user('u', attrs), TODAY)).toBe(expected);
  });
});

describe('isLocked', () => {
  it.each([
    [{ sambaAcctFlags: '[UL         ]' }, true],
    [{ sambaAcctFlags: '[U          ]' }, false],
    [{ sambaAcctFlags: '[UDL]' }, true],
    [{}, false],
  ])('%j → %s', (attrs, expected) => {
    expect(isLocked(user('u', attrs))).toBe(expected);
  });
});

describe('daysSinceEpoch', () => {
  it.each([
    [0, 0],
    [86_400_000 - 1, 0],
    [86_400_000, 1],
    [Date.UTC(2024, 0, 1), 19_723],
  ])('%i ms is day %i', (ms, days) => {
    expect(daysSinceEpoch(ms)).toBe(days);
  });
});
