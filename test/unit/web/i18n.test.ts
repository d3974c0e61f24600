import { describe, expect, it } from 'vitest';
import { de } from '../../../app/i18n/de.js';
import { en } from '../../../app/i18n/en.js';
import { fromAcceptLanguage, negotiate, reasonText, translate } from '../../../app/i18n/index.js';

describe('language negotiation', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['de-DE,de;q=0.9,en;q=0.8', 'de'],
    ['fr-FR,de;q=0.5,en;q=0.7', 'en'],
    ['fr,de;q=0.3', 'de'],
    ['de;q=0,en', 'en'],
  ])('picks %j → %s', (header, lang) => {
    expect(fromAcceptLanguage(header)).toBe(lang);
  });

  it('prefers the cookie over the header', () => {
    expect(negotiate('de', 'en')).toBe('de');
    expect(negotiate('xx', 'de')).toBe('de');
  });
});

describe('catalogues', () => {
  it('have the same keys and parameters in English and German', () => {
    const params = (text: string): string[] => [...text.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1] ?? '').sort();
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as Array<keyof typeof en>) expect(params(de[key]), key).toEqual(params(en[key]));
  });

  it('fills parameters and marks unknown keys', () => {
    expect(translate('de', 'nav.signedInAs', { user: 'anna' })).toBe('Angemeldet als anna');
    expect(translate('en', 'no.such.key' as keyof typeof en)).toBe('⟦no.such.key⟧');
  });

  it('translates reasons by code and problem', () => {
    const reason = {
      code: 'invalid-login' as const,
      field: '003use_name',
      message: 'english',
      params: { login: 'Jdoe', problem: 'capitals' },
    };
    expect(reasonText('de', reason)).toContain('enthält Großbuchstaben');
    expect(reasonText('en', { code: 'pascom-rejected', message: 'extension taken' })).toContain(
      'pascom reported: extension taken',
    );
  });
});
