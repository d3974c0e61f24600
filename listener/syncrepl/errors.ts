/**
 * Failures of the syncrepl listener, one class per failure (style.md point 1). Every class
 * carries the LDAP result code (`code`) and whether trying again later can help (`retryable`).
 * Client-side failures use OpenLDAP's client result codes (81 server down, 84 decoding error,
 * 85 timeout, 91 connect error) so `code` is always a number.
 *
 * `errorFromResult` is the one place that maps a result code from the wire to a class;
 * `errorFromSocket` does the same for Node socket and TLS errors.
 */

export abstract class SyncreplError extends Error {
  abstract readonly retryable: boolean;
  /** LDAP result code: the server's, or OpenLDAP's client code for local failures. */
  readonly code: number;

  constructor(message: string, code: number, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Bytes on the wire that do not follow LDAPv3 / RFC 4533. */
export class SyncProtocolError extends SyncreplError {
  override readonly name = 'SyncProtocolError';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, CLIENT_CODES.decodingError, options);
  }
}

/** The server cannot continue from the cookie (4096 e-syncRefreshRequired, or 53 for a stale cookie): drop state, refresh fully. */
export class SyncRefreshRequiredError extends SyncreplError {
  override readonly name = 'SyncRefreshRequiredError';
  readonly retryable = true;
}

/** 12 unavailableCriticalExtension: the server has no syncprov overlay on this database. */
export class SyncUnavailableError extends SyncreplError {
  override readonly name = 'SyncUnavailableError';
  readonly retryable = false;
}

/** 49 invalidCredentials (or 48 inappropriateAuthentication): wrong bind DN or password. */
export class LdapBindError extends SyncreplError {
  override readonly name = 'LdapBindError';
  readonly retryable = false;
}

/** The TCP connection could not be opened or was lost. */
export class LdapConnectionError extends SyncreplError {
  override readonly name = 'LdapConnectionError';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, CLIENT_CODES.serverDown, options);
  }
}

/** TLS could not be established: certificate not trusted, name mismatch, StartTLS refused. */
export class LdapTlsError extends SyncreplError {
  override readonly name = 'LdapTlsError';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, CLIENT_CODES.connectError, options);
  }
}

/** The server did not answer in time (connect, TLS handshake, bind). */
export class LdapTimeoutError extends SyncreplError {
  override readonly name = 'LdapTimeoutError';
  readonly retryable = true;
  constructor(message: string) {
    super(message, CLIENT_CODES.timeout);
  }
}

/** The injected sink failed to make a batch durable; the source reconnects from the stored cookie. */
export class SyncSinkError extends SyncreplError {
  override readonly name = 'SyncSinkError';
  readonly retryable = true;
  constructor(cause: unknown) {
    super(`Storing sync events failed: ${cause instanceof Error ? cause.message : String(cause)}`, RESULT_CODES.other, {
      cause,
    });
  }
}

/** Any other non-success result code. */
export class LdapResultError extends SyncreplError {
  override readonly name = 'LdapResultError';
  readonly retryable: boolean;
  constructor(message: string, code: number, retryable: boolean) {
    super(message, code);
    this.retryable = retryable;
  }
}

export const CLIENT_CODES = { serverDown: 81, decodingError: 84, timeout: 85, connectError: 91 } as const;

export const RESULT_CODES = {
  success: 0,
  timeLimitExceeded: 3,
  unavailableCriticalExtension: 12,
  inappropriateAuthentication: 48,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
  other: 80,
  syncRefreshRequired: 4096,
} as const;

/** Codes after which the same request may succeed later without any change of configuration. */
const TRANSIENT_CODES = new Set<number>([
  RESULT_CODES.timeLimitExceeded,
  RESULT_CODES.busy,
  RESULT_CODES.unavailable,
  RESULT_CODES.other,
]);

export type LdapOperation = 'bind' | 'startTls' | 'search';

/** Maps a non-success LDAP result to its error class. `diagnostic` is the server's message. */
export function errorFromResult(operation: LdapOperation, code: number, diagnostic: string): SyncreplError {
  const detail = diagnostic === '' ? `result code ${code}` : `result code ${code}: ${diagnostic}`;
  if (operation === 'startTls') {
    return new LdapTlsError(
      `The LDAP server refused StartTLS (${detail}); check that it has a certificate, or use ldaps://.`,
    );
  }
  if (code === RESULT_CODES.invalidCredentials || code === RESULT_CODES.inappropriateAuthentication) {
    return new LdapBindError(`LDAP bind failed (${detail}): check the bind DN and password.`, code);
  }
  if (
    code === RESULT_CODES.syncRefreshRequired ||
    (operation === 'search' && code === RESULT_CODES.unwillingToPerform)
  ) {
    return new SyncRefreshRequiredError(`The LDAP server requires a full refresh (${detail}).`, code);
  }
  if (operation === 'search' && code === RESULT_CODES.unavailableCriticalExtension) {
    return new SyncUnavailableError(
      `The LDAP server does not offer content synchronisation (RFC 4533) on this database (${detail}); the syncprov overlay is missing.`,
      code,
    );
  }
  if (code === RESULT_CODES.insufficientAccessRights) {
    return new LdapResultError(`The bind account may not read this part of the directory (${detail}).`, code, false);
  }
  return new LdapResultError(`LDAP ${operation} failed (${detail}).`, code, TRANSIENT_CODES.has(code));
}

/** Node's codes for a certificate the configured CA does not vouch for. */
const UNTRUSTED_CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** Maps an error from node:net / node:tls to its class, with a message an admin can act on. */
export function errorFromSocket(error: unknown, target: string): SyncreplError {
  if (error instanceof SyncreplError) return error;
  const code = errorCode(error);
  const text = error instanceof Error ? error.message : String(error);
  if (UNTRUSTED_CERT_CODES.has(code)) {
    return new LdapTlsError(
      `The certificate of ${target} is not signed by the configured CA (${code}); set ucs.caFile to the UCS CA (/etc/univention/ssl/ucsCA/CAcert.pem).`,
      { cause: error },
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new LdapTlsError(
      `The certificate of ${target} does not name this host (${text}); connect by the name in the certificate (the UCS server's FQDN).`,
      {
        cause: error,
      },
    );
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new LdapTlsError(`The certificate of ${target} is not valid now (${code}); renew it or check the clock.`, {
      cause: error,
    });
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return new LdapTlsError(
      `TLS with ${target} failed (${code}: ${text}); check that the port speaks TLS (ldaps) or use StartTLS.`,
      {
        cause: error,
      },
    );
  }
  if (TIMEOUT_CODES.has(code)) return new LdapTimeoutError(`Connecting to ${target} timed out.`);
  return new LdapConnectionError(`Cannot reach the LDAP server ${target} (${code === '' ? text : code}).`, {
    cause: error,
  });
}

function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('code' in error)) return '';
  return typeof error.code === 'string' ? error.code : '';
}
