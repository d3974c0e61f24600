import { describe, expect, it } from 'vitest';

import {
  LdapBindError,
  LdapConnectionError,
  LdapResultError,
  LdapTimeoutError,
  LdapTlsError,
  SyncRefreshRequiredError,
  SyncUnavailableError,
  errorFromResult,
  errorFromSocket,
} from '../../../../listener/syncrepl/errors.js';

describe('errorFromResult()', () => {
  it.each([
    ['search', 4096, SyncRefreshRequiredError, true],
    ['search', 53, SyncRefreshRequiredError, true],
    ['search', 12, SyncUnavailableError, false],
    ['bind', 49, LdapBindError, false],
    ['bind', 48, LdapBindError, false],
    ['search', 50, LdapResultError, false],
    ['search', 51, LdapResultError, true],
    ['search', 52, LdapResultError, true],
    ['search', 32, LdapResultError, false],
    ['bind', 53, LdapResultError, false],
    ['startTls', 2, LdapTlsError, false],
  ] as const)('maps %s result %i to %o (retryable %s)', (operation, code, type, retryable) => {
    const error = errorFromResult(operation, code, 'diagnostic text');
    expect(error).toBeInstanceOf(type);
    expect(error.retryable).toBe(retryable);
  });

  it('keeps the server code and diagnostic', () => {
    const error = errorFromResult('search', 4096, 'sync cookie is stale');
    expect(error.code).toBe(4096);
    expect(error.message).toContain('sync cookie is stale');
  });
});

describe('errorFromSocket()', () => {
  const withCode = (code: string): Error => Object.assign(new Error(`failure ${code}`), { code });

  it.each([
    ['SELF_SIGNED_CERT_IN_CHAIN', LdapTlsError],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', LdapTlsError],
    ['ERR_TLS_CERT_ALTNAME_INVALID', LdapTlsError],
    ['CERT_HAS_EXPIRED', LdapTlsError],
    ['ERR_SSL_WRONG_VERSION_NUMBER', LdapTlsError],
    ['ETIMEDOUT', LdapTimeoutError],
    ['ECONNREFUSED', LdapConnectionError],
    ['ECONNRESET', LdapConnectionError],
  ])('maps %s to %o', (code, type) => {
    expect(errorFromSocket(withCode(code), 'ldap.example:636')).toBeInstanceOf(type);
  });

  it('tells the admin which setting fixes an untrusted certificate', () => {
    expect(errorFromSocket(withCode('SELF_SIGNED_CERT_IN_CHAIN'), 'ldap.example:636').message).toContain('ucs.caFile');
  });

  it('passes errors that are already classified through unchanged', () => {
    const error = new LdapTimeoutError('slow');
    expect(errorFromSocket(error, 'x')).toBe(error);
  });

  it('treats a thrown non-Error as a connection error', () => {
    expect(errorFromSocket('boom', 'x')).toBeInstanceOf(LdapConnectionError);
  });
});
