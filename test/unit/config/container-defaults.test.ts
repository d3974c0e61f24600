import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../app/config/validate.js';
import { context, rawWith } from './base-config.js';

const CONTAINER_ENV = {
  LDAP_SERVER_NAME: 'primary.example.intranet',
  LDAP_SERVER_PORT: '7389',
  LDAP_BASE: 'dc=example,dc=intranet',
  LDAP_HOSTDN: 'cn=pascom-connector,cn=memberserver,cn=computers,dc=example,dc=intranet',
};

const PASCOM_ONLY = 'ucs: null';

function ucsIn(snippet: string, env: Record<string, string>, caExists = false) {
  const result = validateConfig(rawWith(snippet), context(env, caExists));
  if (!result.ok) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return { ucs: result.value.ucs, taken: result.container };
}

describe('UCS container defaults', () => {
  it('builds ucs.url from LDAP_SERVER_NAME and LDAP_SERVER_PORT', () => {
    expect(ucsIn(PASCOM_ONLY, CONTAINER_ENV).ucs.url).toBe('ldap://primary.example.intranet:7389');
  });

  it('uses port 7389 when LDAP_SERVER_PORT is not set', () => {
    const { LDAP_SERVER_PORT: _port, ...env } = CONTAINER_ENV;
    expect(ucsIn(PASCOM_ONLY, env).ucs.url).toBe('ldap://primary.example.intranet:7389');
  });

  it('takes baseDn from LDAP_BASE and bindDn from LDAP_HOSTDN', () => {
    const { ucs } = ucsIn(PASCOM_ONLY, CONTAINER_ENV);
    expect([ucs.baseDn, ucs.bindDn]).toEqual([CONTAINER_ENV.LDAP_BASE, CONTAINER_ENV.LDAP_HOSTDN]);
  });

  it('reads the machine secret for the container account', () => {
    expect(ucsIn(PASCOM_ONLY, CONTAINER_ENV).ucs.passwordFile).toBe('/etc/machine.secret');
  });

  it('lists the keys it took from the container', () => {
    expect(ucsIn(PASCOM_ONLY, CONTAINER_ENV).taken).toEqual([
      'ucs.url',
      'ucs.baseDn',
      'ucs.bindDn',
      'ucs.passwordFile',
    ]);
  });

  it('uses the UCS CA as caFile only when the file exists', () => {
    expect(ucsIn(PASCOM_ONLY, CONTAINER_ENV, true).ucs.caFile).toBe('/etc/univention/ssl/ucsCA/CAcert.pem');
    expect(ucsIn(PASCOM_ONLY, CONTAINER_ENV, false).ucs.caFile).toBeUndefined();
  });

  it('uses StartTLS with the UCS CA when the url comes from the container and the CA exists', () => {
    const { ucs, taken } = ucsIn(PASCOM_ONLY, CONTAINER_ENV, true);
    expect([ucs.url, ucs.starttls, ucs.caFile]).toEqual([
      'ldap://primary.example.intranet:7389',
      true,
      '/etc/univention/ssl/ucsCA/CAcert.pem',
    ]);
    expect(taken).toEqual(['ucs.url', 'ucs.baseDn', 'ucs.bindDn', 'ucs.caFile', 'ucs.starttls', 'ucs.passwordFile']);
  });

  it('stays on plain LDAP when the UCS CA is missing (nothing to verify the server with)', () => {
    expect(ucsIn(PASCOM_ONLY, CONTAINER_ENV, false).ucs.starttls).toBe(false);
  });

  it('keeps an explicit starttls: false, and leaves a url the file sets alone', () => {
    expect(
      ucsIn('ucs: {url: null, baseDn: null, bindDn: null, password: null, starttls: false}', CONTAINER_ENV, true).ucs
        .starttls,
    ).toBe(false);
    expect(ucsIn('', CONTAINER_ENV, true).ucs.starttls).toBe(false);
  });

  it('keeps values the file sets', () => {
    const { ucs, taken } = ucsIn('', CONTAINER_ENV);
    expect(ucs.url).toBe('ldap://ucs.example.intranet:7389');
    expect(ucs.password).toBe('ucs-secret');
    expect(taken).toEqual([]);
  });

  it('does not pair the machine secret with another bind DN', () => {
    const result = validateConfig(rawWith('ucs: {password: null}'), context(CONTAINER_ENV));
    expect(result.ok ? [] : result.errors).toEqual([
      { path: 'ucs', message: expect.stringContaining('ucs: needs password or passwordFile') },
    ]);
  });

  it('reports a missing ucs section outside a container', () => {
    const result = validateConfig(rawWith(PASCOM_ONLY), context({}));
    expect(result.ok ? [] : result.errors).toEqual([{ path: 'ucs', message: 'ucs: is required (expected a mapping)' }]);
  });
});
