import { describe, expect, it } from 'vitest';

import {
  CERTIFICATE_CODES,
  HANDSHAKE_CODES,
  errnoOf,
  tlsFailureOf,
  type TlsFailure,
} from '../../../app/net/error-codes.js';

describe('tlsFailureOf()', () => {
  it.each<[string | undefined, TlsFailure | undefined]>([
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'untrusted'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'untrusted'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'untrusted'],
    ['CERT_UNTRUSTED', 'untrusted'],
    ['CERT_SIGNATURE_FAILURE', 'untrusted'],
    ['CERT_HAS_EXPIRED', 'not-valid-now'],
    ['CERT_NOT_YET_VALID', 'not-valid-now'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'hostname'],
    ['EPROTO', 'handshake'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'handshake'],
    ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'handshake'],
    ['ECONNREFUSED', undefined],
    [undefined, undefined],
  ])('classifies %s as %s', (code, failure) => {
    expect(tlsFailureOf(code)).toBe(failure);
  });
});

describe('the sets the pascom classifier uses', () => {
  it('hold every certificate verdict and no host name or handshake code', () => {
    for (const code of ['CERT_REVOKED', 'CERT_HAS_EXPIRED', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']) {
      expect(CERTIFICATE_CODES.has(code)).toBe(true);
    }
    expect(CERTIFICATE_CODES.has('ERR_TLS_CERT_ALTNAME_INVALID')).toBe(false);
    expect([...HANDSHAKE_CODES].every((code) => !CERTIFICATE_CODES.has(code))).toBe(true);
  });
});

describe('errnoOf()', () => {
  it('reads a string code and nothing else', () => {
    expect(errnoOf(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(errnoOf(Object.assign(new Error('x'), { code: 49 }))).toBeUndefined();
    expect(errnoOf('boom')).toBeUndefined();
    expect(errnoOf(null)).toBeUndefined();
  });
});
