import { InvalidCredentialsError } from 'ldapts';
import { describe, expect, it } from 'vitest';

import {
  DirectoryAccessError,
  DirectoryBindError,
  DirectoryConnectionError,
  DirectorySearchError,
  DirectoryTimeoutError,
  DirectoryTlsError,
  classifyLdapError,
  directoryErrorFromResult,
} from '../../../app/directory/directory-errors.js';
import {
  LdapBindError,
  LdapConnectionError,
  LdapTimeoutError,
  LdapTlsError,
  SyncProtocolError,
} from '../../../listener/syncrepl/errors.js';

const CTX = { url: 'ldap://ucs.example:7389', operation: 'search', bindDn: 'cn=pascom,cn=computers,dc=example' };

describe('directoryErrorFromResult', () => {
  it.each([
    [49, DirectoryBindError, false],
    [48, DirectoryBindError, false],
    [50, DirectoryAccessError, false],
    [32, DirectorySearchError, false],
    [4, DirectorySearchError, false],
    [13, DirectoryTlsError, false],
    [3, DirectoryTimeoutError, true],
    [51, DirectoryConnectionError, true],
    [52, DirectoryConnectionError, true],
    [80, DirectorySearchError, false],
  ])('maps result code %i to %o (retryable %s)', (code, kind, retryable) => {
    const error = directoryErrorFromResult(code, 'server words', CTX);
    expect(error).toBeInstanceOf(kind);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
  });

  it.each([
    [49, /ucs\.bindDn/],
    [32, /ucs\.baseDn/],
    [13, /ldaps:\/\/ or set ucs\.starttls/],
    [4, /paged results control/],
  ])('tells the admin what to check for result code %i', (code, advice) => {
    expect(directoryErrorFromResult(code, '', CTX).message).toMatch(advice);
  });

  it('quotes the server diagnostic for codes without a dedicated message', () => {
    expect(directoryErrorFromResult(80, 'disk full', CTX).message).toContain('disk full');
  });
});

describe('classifyLdapError', () => {
  it.each([
    ['LdapTlsError', new LdapTlsError('not signed by the configured CA'), DirectoryTlsError],
    [
      'LdapConnectionError',
      new LdapConnectionError('Cannot reach 127.0.0.1:1 (ECONNREFUSED).'),
      DirectoryConnectionError,
    ],
    ['LdapTimeoutError', new LdapTimeoutError('No connection within 10 ms.'), DirectoryTimeoutError],
    ['SyncProtocolError', new SyncProtocolError('Truncated BER header'), DirectoryConnectionError],
    ['LdapBindError', new LdapBindError('LDAP bind failed', 49), DirectoryBindError],
    ["ldapts's InvalidCredentialsError", new InvalidCredentialsError('bad'), DirectoryBindError],
  ])('maps the wire client error %s', (_name, error, kind) => {
    const mapped = classifyLdapError(error, CTX);
    expect(mapped).toBeInstanceOf(kind);
    expect(mapped.cause).toBe(error);
  });

  it('keeps the wire client message of a TLS failure', () => {
    const error = new LdapTlsError('set ucs.caFile to the UCS CA');
    expect(classifyLdapError(error, CTX).message).toContain('set ucs.caFile to the UCS CA');
  });
});
