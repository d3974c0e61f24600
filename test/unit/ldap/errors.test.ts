import { InvalidCredentialsError } from 'ldapts';
import { describe, expect, it } from 'vitest';

import {
  LdapAccessError,
  LdapBindError,
  LdapConnectionError,
  LdapError,
  LdapProtocolError,
  LdapResultError,
  LdapTimeoutError,
  LdapTlsError,
  SyncRefreshRequiredError,
  SyncUnavailableError,
  classifyLdapError,
  errorFromResult,
  notLdapError,
  type LdapErrorContext,
} from '../../../app/ldap/errors.js';

const CTX = { url: 'ldap://ucs.example:7389', operation: 'search', bindDn: 'cn=pascom,cn=computers,dc=example' };
const SYNC: LdapErrorContext = { ...CTX, operation: 'sync search' };

describe('errorFromResult()', () => {
  it.each([
    [49, LdapBindError, false],
    [48, LdapBindError, false],
    [50, LdapAccessError, false],
    [32, LdapResultError, false],
    [4, LdapResultError, false],
    [13, LdapTlsError, false],
    [53, LdapResultError, false],
    [3, LdapTimeoutError, true],
    [51, LdapConnectionError, true],
    [52, LdapConnectionError, true],
    [80, LdapResultError, true],
    [4096, SyncRefreshRequiredError, true],
  ])('maps result code %i of a search to %o (retryable %s)', (code, kind, retryable) => {
    const error = errorFromResult(code, 'server words', CTX);
    expect(error).toBeInstanceOf(kind);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
  });

  it.each([
    [53, SyncRefreshRequiredError, true],
    [12, SyncUnavailableError, false],
    [49, LdapBindError, false],
    [50, LdapAccessError, false],
    [51, LdapConnectionError, true],
  ])('maps result code %i of the sync search to %o (retryable %s)', (code, kind, retryable) => {
    const error = errorFromResult(code, 'server words', SYNC);
    expect(error).toBeInstanceOf(kind);
    expect(error.retryable).toBe(retryable);
  });

  it('treats any refusal of StartTLS as a TLS error', () => {
    const error = errorFromResult(2, 'unsupported extended operation', { ...CTX, operation: 'StartTLS' });
    expect(error).toBeInstanceOf(LdapTlsError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('refused StartTLS');
  });

  it.each([
    [49, /ucs\.bindDn/],
    [32, /ucs\.baseDn/],
    [13, /ldaps:\/\/ or set ucs\.starttls/],
    [4, /paged results control/],
  ])('tells the admin what to check for result code %i', (code, advice) => {
    expect(errorFromResult(code, '', CTX).message).toMatch(advice);
  });

  it('names the bind DN whose credentials were refused', () => {
    expect(errorFromResult(49, '', SYNC).message).toContain(CTX.bindDn);
  });

  it('quotes the server diagnostic for codes without a dedicated message', () => {
    expect(errorFromResult(80, 'disk full', CTX).message).toContain('disk full');
  });

  it('keeps the server code and diagnostic of a refresh demand', () => {
    const error = errorFromResult(4096, 'sync cookie is stale', SYNC);
    expect(error.code).toBe(4096);
    expect(error.message).toContain('sync cookie is stale');
  });
});

describe('classifyLdapError()', () => {
  const withCode = (code: string): Error => Object.assign(new Error(`failure ${code}`), { code });

  it.each([
    ['SELF_SIGNED_CERT_IN_CHAIN', LdapTlsError],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', LdapTlsError],
    ['CERT_UNTRUSTED', LdapTlsError],
    ['ERR_TLS_CERT_ALTNAME_INVALID', LdapTlsError],
    ['CERT_HAS_EXPIRED', LdapTlsError],
    ['ERR_SSL_WRONG_VERSION_NUMBER', LdapTlsError],
    ['EPROTO', LdapTlsError],
    ['ETIMEDOUT', LdapTimeoutError],
    ['ECONNREFUSED', LdapConnectionError],
    ['ECONNRESET', LdapConnectionError],
    ['ENOTFOUND', LdapConnectionError],
  ])('maps the socket error %s to %o', (code, kind) => {
    const error = withCode(code);
    const mapped = classifyLdapError(error, CTX);
    expect(mapped).toBeInstanceOf(kind);
    expect(mapped.cause).toBe(error);
  });

  it.each<[string, RegExp]>([
    ['SELF_SIGNED_CERT_IN_CHAIN', /set ucs\.caFile to the UCS CA/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /connect by the name in the certificate/],
    ['CERT_HAS_EXPIRED', /renew it or check the clock/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', /Check ucs\.caFile and that the port speaks TLS/],
    ['ECONNREFUSED', /Check ucs\.url \(host and port; UCS serves LDAP on 7389/],
  ])('tells the admin what to do about %s', (code, advice) => {
    expect(classifyLdapError(withCode(code), CTX).message).toMatch(advice);
  });

  it("maps ldapts's result code errors by their code", () => {
    const error = new InvalidCredentialsError('bad');
    const mapped = classifyLdapError(error, CTX);
    expect(mapped).toBeInstanceOf(LdapBindError);
    expect(mapped.cause).toBe(error);
  });

  it('passes errors that are already classified through unchanged', () => {
    const error = new LdapTimeoutError('slow');
    expect(classifyLdapError(error, CTX)).toBe(error);
  });

  it('reads a timeout or TLS failure that ldapts reports by text only', () => {
    expect(classifyLdapError(new Error('Connection timeout'), CTX)).toBeInstanceOf(LdapTimeoutError);
    expect(classifyLdapError(new Error('self-signed certificate'), CTX)).toBeInstanceOf(LdapTlsError);
  });

  it('treats a thrown non-Error as a connection error', () => {
    expect(classifyLdapError('boom', CTX)).toBeInstanceOf(LdapConnectionError);
  });
});

describe('notLdapError()', () => {
  it('names the server and the likely cause, and is retried like a lost connection', () => {
    const cause = new LdapProtocolError('Truncated BER header');
    const error = notLdapError(cause, CTX);
    expect(error).toBeInstanceOf(LdapProtocolError);
    expect(error).toBeInstanceOf(LdapConnectionError);
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.message).toMatch(/^ldap:\/\/ucs\.example:7389 answered the search with something that is not LDAPv3/);
    expect(error.message).toContain('Truncated BER header');
  });
});

describe('LdapError', () => {
  it('gives failures without a server answer OpenLDAP client codes', () => {
    expect(new LdapConnectionError('x').code).toBe(81);
    expect(new LdapProtocolError('x').code).toBe(84);
    expect(new LdapTimeoutError('x').code).toBe(85);
    expect(new LdapTlsError('x').code).toBe(91);
    expect(new LdapConnectionError('x')).toBeInstanceOf(LdapError);
  });
});
