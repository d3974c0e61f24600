import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING } from '../../../app/core/default-mapping.js';
import { translator } from '../../../app/i18n/index.js';
import { actorText, auditRow } from '../../../app/web/audit-view.js';
import {
  attributeLabel,
  attributesOfSource,
  pascomFieldLabel,
  sourceAttributes,
} from '../../../app/web/field-labels.js';

const en = translator('en');
const de = translator('de');

describe('pascom field labels (words first, codes second)', () => {
  const fields = [...DEFAULT_MAPPING.map((rule) => rule.field), '003use_auth_method', '028pho_bez'];

  it.each(fields)('%s has a label and a one-line description in English and German', (code) => {
    for (const t of [en, de]) {
      const label = pascomFieldLabel(t, code);
      expect(label.known).toBe(true);
      expect(label.code).toBe(code);
      expect(label.label).not.toBe(code);
      expect(label.description.length).toBeGreaterThan(10);
      expect(label.description).not.toContain('\n');
    }
  });

  it('uses the seed table’s words', () => {
    expect(
      ['003use_name', '003use_bez', '028pho_firstname', '028pho_lastname', '016voi_email', '009ext_extension'].map(
        (code) => pascomFieldLabel(en, code).label,
      ),
    ).toEqual(['Login name', 'Display name', 'Forename', 'Surname', 'E-mail', 'Extension']);
    expect(pascomFieldLabel(en, '028pho_homephone').label).toBe('Private home telephone');
    expect(pascomFieldLabel(en, '028pho_mobile').label).toBe('Mobile');
    expect(pascomFieldLabel(de, '003use_name').label).toBe('Anmeldename');
  });

  it('keeps an unknown field working under its code', () => {
    const label = pascomFieldLabel(en, '042xyz_custom');
    expect(label).toEqual({
      code: '042xyz_custom',
      label: '042xyz_custom',
      known: false,
      description: expect.stringContaining('exactly this name'),
    });
  });
});

describe('LDAP attribute labels (UDM tab and property)', () => {
  it.each([
    ['telephoneNumber', 'Telephone number (Contact)', 'Telefonnummer (Kontakt)'],
    ['uid', 'User name (General)', 'Benutzername (Allgemein)'],
    ['mobile', 'Mobile phone number (Contact)', 'Telefonnummer Mobil (Kontakt)'],
    ['homePhone', 'Home telephone number (Contact)', 'Telefonnummer Festnetz (Kontakt)'],
    ['mailPrimaryAddress', 'Primary e-mail address (General)', 'Primäre E-Mail-Adresse (Allgemein)'],
  ])('%s → %s / %s', (name, english, german) => {
    expect(attributeLabel(en, name).label).toBe(english);
    expect(attributeLabel(de, name).label).toBe(german);
  });

  it('matches attribute names case-insensitively, as LDAP does, and leaves unknown ones unlabelled', () => {
    expect(attributeLabel(en, 'TELEPHONENUMBER')).toEqual({
      name: 'TELEPHONENUMBER',
      label: 'Telephone number (Contact)',
    });
    expect(attributeLabel(en, 'employeeType').label).toBeUndefined();
  });

  it('reads the attributes of plain sources and templates, once each', () => {
    expect(attributesOfSource('{givenName} {sn}')).toEqual(['givenName', 'sn']);
    expect(attributesOfSource(' displayName ')).toEqual(['displayName']);
    expect(sourceAttributes(en, ['displayName', '{givenName} {sn}', 'displayname']).map((a) => a.name)).toEqual([
      'displayName',
      'givenName',
      'sn',
    ]);
  });
});

describe('the audit trail in words', () => {
  const entry = {
    id: 1,
    at: 0,
    runId: 3,
    uuid: 'u',
    login: 'jdoe',
    result: 'ok' as const,
  };

  it('names the changed fields with their labels and keeps the codes', () => {
    const row = auditRow(en, { ...entry, actor: 'full-sync:3', action: 'update', detail: '003use_bez, 042xyz_custom' });
    expect(row.action).toBe('updated');
    expect(row.code).toBe('update');
    expect(row.actor).toBe('Import (run 3)');
    expect(row.fields.map((field) => [field.label, field.code])).toEqual([
      ['Display name', '003use_bez'],
      ['042xyz_custom', '042xyz_custom'],
    ]);
    expect(row.detail).toBe('');
  });

  it('keeps a detail that is not a field list as it is', () => {
    const row = auditRow(de, { ...entry, actor: 'listener:syncrepl', action: 'delete', detail: 'left-filter' });
    expect(row.action).toBe('gelöscht');
    expect(row.fields).toEqual([]);
    expect(row.detail).toBe('left-filter');
    expect(row.actor).toBe('Live-Abgleich (syncrepl)');
  });

  it('says who acted', () => {
    expect(actorText(en, 'admin:anna')).toBe('Administrator anna');
    expect(actorText(en, 'cli')).toBe('Command line');
    expect(actorText(en, 'something-else')).toBe('something-else');
  });
});
