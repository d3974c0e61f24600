import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING, DEFAULT_ROLES } from '../../../app/core/default-mapping.js';
import { evaluateRule, mapUser, type MappingResult } from '../../../app/core/mapping.js';
import type { ExtensionRule, MappingRule } from '../../../app/core/rules.js';
import type { Reason } from '../../../app/core/types.js';
import { user } from './builders.js';

const EXT: ExtensionRule = { pool: { from: 100, to: 199 } };

function rule(field: string, sources: string[], extra: Partial<MappingRule> = {}): MappingRule {
  return { field, sources, transforms: [], required: false, policy: 'force', ...extra };
}

function recordOf(result: MappingResult): Readonly<Record<string, string>> {
  if (!result.ok) throw new Error(`expected a record, got ${result.reasons.map((r) => r.message).join('; ')}`);
  return result.record;
}

function reasonsOf(result: MappingResult): readonly Reason[] {
  if (result.ok) throw new Error('expected a rejection');
  return result.reasons;
}

describe('the default mapping', () => {
  const full = user('J.Doe', {
    displayName: 'John Doe',
    givenName: 'John',
    sn: 'Doe',
    mailPrimaryAddress: 'John.Doe@Example.com',
    telephoneNumber: ['+49 441 12345-101', '+49 441 12345-999'],
    homePhone: '0441 / 55 66 77',
    mobile: '+49 (0)170 1234567',
  });

  it.each([
    ['003use_name', 'j.doe'],
    ['003use_bez', 'John Doe'],
    ['009ext_extension', '101'],
    ['016voi_email', 'john.doe@example.com'],
    ['028pho_bez', 'John Doe'],
    ['028pho_firstname', 'John'],
    ['028pho_lastname', 'Doe'],
    ['028pho_email', 'john.doe@example.com'],
    ['028pho_homephone', '0441556677'],
    ['028pho_mobile', '+491701234567'],
  ])('maps %s to %j', (field, expected) => {
    expect(recordOf(mapUser(full, DEFAULT_MAPPING, EXT))[field]).toBe(expected);
  });

  it('omits fields whose sources are empty', () => {
    const record = recordOf(mapUser(user('jdoe'), DEFAULT_MAPPING, EXT));
    expect(Object.keys(record).sort()).toEqual(['003use_bez', '003use_name', '028pho_bez']);
  });

  it('falls back to "givenName sn" when displayName is missing', () => {
    const u = user('jdoe', { displayName: [], givenName: 'John', sn: 'Doe' });
    expect(recordOf(mapUser(u, DEFAULT_MAPPING, EXT))['003use_bez']).toBe('John Doe');
  });

  it('rejects a user with no display name and no first/last name', () => {
    const reasons = reasonsOf(mapUser(user('jdoe', { displayName: [] }), DEFAULT_MAPPING, EXT));
    expect(reasons).toEqual([
      { code: 'no-display-name', field: '003use_bez', message: 'no display name and no first/last name' },
    ]);
  });
});

describe('sources', () => {
  it('tries sources in order and takes the first non-empty one', () => {
    const r = rule('x', ['a', 'b', 'c']);
    expect(evaluateRule(user('u', { a: '', b: 'second', c: 'third' }), r, EXT)).toBe('second');
  });

  it('uses the first value of a multi-valued attribute', () => {
    expect(evaluateRule(user('u', { a: ['one', 'two'] }), rule('x', ['a']), EXT)).toBe('one');
  });

  it('skips empty values of a multi-valued attribute', () => {
    expect(evaluateRule(user('u', { a: ['', 'two'] }), rule('x', ['a']), EXT)).toBe('two');
  });

  it('matches attribute names case-insensitively when the exact name is absent', () => {
    expect(evaluateRule(user('u', { telephonenumber: '101' }), rule('x', ['telephoneNumber']), EXT)).toBe('101');
  });

  it('moves to the next source when transforms leave the value empty', () => {
    const r = rule('x', ['telephoneNumber', 'mobile'], { transforms: ['phone'] });
    expect(evaluateRule(user('u', { telephoneNumber: 'n/a', mobile: '0170 1' }), r, EXT)).toBe('01701');
  });

  it('uses the default when no source yields a value', () => {
    expect(evaluateRule(user('u'), rule('x', ['missing'], { default: 'fallback' }), EXT)).toBe('fallback');
  });

  it('treats an empty default as no value', () => {
    expect(evaluateRule(user('u'), rule('x', ['missing'], { default: '' }), EXT)).toBe('');
  });
});

describe('templates', () => {
  const template = rule('x', ['{givenName} {sn}']);

  it.each([
    [{ givenName: 'John', sn: 'Doe' }, 'John Doe'],
    [{ givenName: 'John' }, 'John'],
    [{ sn: 'Doe' }, 'Doe'],
    [{ givenName: '  John ', sn: ' Doe' }, 'John Doe'],
    [{}, ''],
    [{ givenName: ' ', sn: '' }, ''],
  ])('fills %j as %j', (attrs, expected) => {
    expect(evaluateRule(user('u', attrs), template, EXT)).toBe(expected);
  });

  it('keeps literal text around placeholders', () => {
    expect(evaluateRule(user('u', { sn: 'Doe', givenName: 'John' }), rule('x', ['{sn}, {givenName}']), EXT)).toBe(
      'Doe, John',
    );
  });

  it('falls through to the next source when all placeholders are empty', () => {
    expect(evaluateRule(user('u', { cn: 'Common' }), rule('x', ['{givenName} {sn}', 'cn']), EXT)).toBe('Common');
  });
});

describe('required fields', () => {
  it('rejects a required field without value, naming the field and the sources tried', () => {
    const reasons = reasonsOf(
      mapUser(user('u'), [rule('016voi_email', ['mail', 'mailPrimaryAddress'], { required: true })], EXT),
    );
    expect(reasons).toHaveLength(1);
    expect(reasons[0]?.code).toBe('required-missing');
    expect(reasons[0]?.field).toBe('016voi_email');
    expect(reasons[0]?.message).toContain('016voi_email');
    expect(reasons[0]?.message).toContain('mail, mailPrimaryAddress');
  });

  it('accepts a required field filled by its default', () => {
    const result = mapUser(user('u'), [rule('x', ['missing'], { required: true, default: 'd' })], EXT);
    expect(recordOf(result)['x']).toBe('d');
  });

  it('always requires the login, even when its rule says optional', () => {
    const rules = [rule(DEFAULT_ROLES.login, ['missing'])];
    expect(reasonsOf(mapUser(user('u'), rules, EXT)).map((r) => r.code)).toEqual(['required-missing']);
  });

  it('collects every reason, not just the first', () => {
    const u = user('Jörg', { displayName: [] });
    const rules = [
      rule(DEFAULT_ROLES.login, ['uid']),
      DEFAULT_MAPPING[1] as MappingRule,
      rule('016voi_email', ['mailPrimaryAddress'], { required: true }),
    ];
    expect(reasonsOf(mapUser(u, rules, EXT)).map((r) => r.code)).toEqual([
      'invalid-login',
      'invalid-login',
      'no-display-name',
      'required-missing',
    ]);
  });
});

describe('login validation', () => {
  const loginRule = (transforms: MappingRule['transforms']): MappingRule[] => [
    rule(DEFAULT_ROLES.login, ['uid'], { transforms, required: true }),
  ];

  it('lets the lowercase transform fix J.Doe to j.doe', () => {
    expect(recordOf(mapUser(user('J.Doe'), loginRule(['trim', 'lowercase']), EXT))['003use_name']).toBe('j.doe');
  });

  it('rejects capitals the rule does not lowercase', () => {
    const reasons = reasonsOf(mapUser(user('J.Doe'), loginRule(['trim']), EXT));
    expect(reasons.map((r) => [r.code, r.message])).toEqual([
      ['invalid-login', expect.stringContaining('login "J.Doe" contains capitals')],
    ]);
  });

  it.each([
    ['jörg', 'ö'],
    ['john doe', ' '],
    ['a@b', '@'],
  ])('rejects %j, naming the character %j', (uid, bad) => {
    const reasons = reasonsOf(mapUser(user(uid), loginRule(['lowercase']), EXT));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]?.code).toBe('invalid-login');
    expect(reasons[0]?.message).toContain(`"${bad}"`);
  });

  it('accepts umlauts and spaces when the asciiLogin transform is configured', () => {
    const result = mapUser(user('Jörg Müller'), loginRule(['asciiLogin', 'lowercase']), EXT);
    expect(recordOf(result)['003use_name']).toBe('joerg.mueller');
  });

  it('rejects a login that starts with a dot', () => {
    const reasons = reasonsOf(mapUser(user('.hidden'), loginRule([]), EXT));
    expect(reasons.map((r) => r.params?.['problem'])).toEqual(['start']);
  });

  it.each(['jdoe', 'j.doe', 'j_doe-2', '0wl'])('accepts %j', (uid) => {
    expect(mapUser(user(uid), loginRule([]), EXT).ok).toBe(true);
  });
});

describe('the extension candidate', () => {
  it('is the internal part of the first telephone number', () => {
    const u = user('u', { telephoneNumber: ['0441 12345-205', '0441 12345-206'] });
    expect(recordOf(mapUser(u, DEFAULT_MAPPING, EXT))['009ext_extension']).toBe('205');
  });

  it('follows extensions.digits when a config sets it', () => {
    const u = user('u', { telephoneNumber: '0441 123456' });
    expect(recordOf(mapUser(u, DEFAULT_MAPPING, { digits: 4, pool: undefined }))['009ext_extension']).toBe('3456');
  });
});
