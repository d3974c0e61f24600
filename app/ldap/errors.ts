/**
 * Failures at the LDAP edge, one hierarchy for the directory reader and the listener. Every
 * error carries the LDAP result code (`code`), whether trying again later can help
 * (`retryable`: the network or the server, as opposed to a setting the admin must change), and
 * a message that says what to check. Client-side failures use OpenLDAP's client result codes
 * (81 server down, 84 decoding error, 85 timeout, 91 connect error) so `code` is always a number.
 *
 * `errorFromResult` is the one place that maps a result code from the wire to a class;
 * `classifyLdapError` maps anything else an LDAP operation threw (Node socket and TLS errors,
 * ldapts errors) to one. Which Node code means what comes from app/net/error-codes.ts.
 */
import { ResultCodeError } from 'ldapts';

import { CONNECTION_CODES, TIMEOUT_CODES, errnoOf, tlsFailureOf } from '../net/error-codes.js';

interface ErrorOptions {
  /** The LDAP result code; each class has a default for failures without a server answer. */
  readonly code?: number | undefined;
  readonly cause?: unknown;
}

export abstract class LdapError extends Error {
  abstract readonly retryable: boolean;
  /** LDAP result code: the server's, or OpenLDAP's client code for local failures. */
  readonly code: number;

  constructor(message: string, code: number, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** The TCP connection could not be opened or was lost, or the server is busy: try again later. */
export class LdapConnectionError extends LdapError {
  override readonly name: string = 'LdapConnectionError';
  readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options?.code ?? CLIENT_CODES.serverDown, options);
  }
}

/**
 * Bytes on the wire that do not follow LDAPv3 / RFC 4533. To the caller this is a broken
 * connection (most often `ucs.url` names another service's port), retried like one.
 */
export class LdapProtocolError extends LdapConnectionError {
  override readonly name = 'LdapProtocolError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, { code: CLIENT_CODES.decodingError, ...options });
  }
}

/** TLS could not be established: certificate not trusted, name mismatch, StartTLS refused, TLS required. */
export class LdapTlsError extends LdapError {
  override readonly name = 'LdapTlsError';
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options?.code ?? CLIENT_CODES.connectError, options);
  }
}

/** 49 invalidCredentials (or 48 inappropriateAuthentication): wrong bind DN or password. */
export class LdapBindError extends LdapError {
  override readonly name = 'LdapBindError';
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options?.code ?? RESULT_CODES.invalidCredentials, options);
  }
}

/** The server did not answer in time (connect, TLS handshake, an operation), or hit its time limit. */
export class LdapTimeoutError extends LdapError {
  override readonly name = 'LdapTimeoutError';
  readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options?.code ?? CLIENT_CODES.timeout, options);
  }
}

/** 50 insufficientAccessRights: the bind account may not read what was asked for. */
export class LdapAccessError extends LdapError {
  override readonly name = 'LdapAccessError';
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options?.code ?? RESULT_CODES.insufficientAccessRights, options);
  }
}

/** Any other non-success result code. */
export class LdapResultError extends LdapError {
  override readonly name = 'LdapResultError';
  readonly retryable: boolean;
  constructor(message: string, code: number, retryable: boolean, options?: ErrorOptions) {
    super(message, code, options);
    this.retryable = retryable;
  }
}

/** The server cannot continue from the sync cookie (4096 e-syncRefreshRequired, or 53 for a stale cookie): drop state, refresh fully. */
export class SyncRefreshRequiredError extends LdapError {
  override readonly name = 'SyncRefreshRequiredError';
  readonly retryable = true;
}

/** 12 unavailableCriticalExtension on the sync search: the server has no syncprov overlay on this database. */
export class SyncUnavailableError extends LdapError {
  override readonly name = 'SyncUnavailableError';
  readonly retryable = false;
}

export const CLIENT_CODES = { serverDown: 81, decodingError: 84, timeout: 85, connectError: 91 } as const;

export const RESULT_CODES = {
  success: 0,
  timeLimitExceeded: 3,
  sizeLimitExceeded: 4,
  unavailableCriticalExtension: 12,
  confidentialityRequired: 13,
  noSuchObject: 32,
  inappropriateAuthentication: 48,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
  other: 80,
  syncRefreshRequired: 4096,
} as const;

/** `StartTLS` and `sync search` have codes of their own; any other word only names the operation in messages. */
export type LdapOperation = 'connect' | 'StartTLS' | 'bind' | 'search' | 'sync search' | (string & {});

export interface LdapErrorContext {
  /** The server as configured: `ldap://host:port` or `ldaps://host:port`. */
  readonly url: string;
  /** What was being done when it failed. */
  readonly operation: LdapOperation;
  readonly bindDn?: string | undefined;
}

/**
 * Maps a non-success LDAP result to its error class. `diagnostic` is the server's
 * diagnosticMessage (or ldapts's text for it); `cause` the error that carried the code, if any.
 */
export function errorFromResult(code: number, diagnostic: string, ctx: LdapErrorContext, cause?: unknown): LdapError {
  const options = { code, cause };
  const said = diagnostic === '' ? '' : `: ${diagnostic}`;
  const detail = `result code ${code}${said}`;
  const bindDn = ctx.bindDn ?? 'the bind DN';
  if (ctx.operation === 'StartTLS') {
    return new LdapTlsError(
      `The LDAP server refused StartTLS (${detail}); check that it has a certificate, or use ldaps://.`,
      options,
    );
  }
  if (
    code === RESULT_CODES.syncRefreshRequired ||
    (ctx.operation === 'sync search' && code === RESULT_CODES.unwillingToPerform)
  ) {
    return new SyncRefreshRequiredError(`The LDAP server requires a full refresh (${detail}).`, code, options);
  }
  if (ctx.operation === 'sync search' && code === RESULT_CODES.unavailableCriticalExtension) {
    return new SyncUnavailableError(
      `The LDAP server does not offer content synchronisation (RFC 4533) on this database (${detail}); the syncprov overlay is missing.`,
      code,
      options,
    );
  }
  switch (code) {
    case RESULT_CODES.inappropriateAuthentication:
    case RESULT_CODES.invalidCredentials:
      return new LdapBindError(
        `the UCS LDAP server refused the credentials of ${bindDn} (${code === 49 ? 'invalidCredentials' : 'inappropriateAuthentication'}, ${code}). ` +
          'Check ucs.bindDn and the password of the computer account',
        options,
      );
    case RESULT_CODES.insufficientAccessRights:
      return new LdapAccessError(
        `${bindDn} may not read what the ${ctx.operation} asked for (insufficientAccess, 50)`,
        options,
      );
    case RESULT_CODES.noSuchObject:
      return new LdapResultError(
        `the ${ctx.operation} base does not exist on ${ctx.url} (noSuchObject, 32). Check ucs.baseDn`,
        code,
        false,
        options,
      );
    case RESULT_CODES.timeLimitExceeded:
      return new LdapTimeoutError(`the ${ctx.operation} exceeded the server's time limit (3)`, options);
    case RESULT_CODES.sizeLimitExceeded:
      return new LdapResultError(
        `the server's size limit cut the ${ctx.operation} short (sizeLimitExceeded, 4); ` +
          'paging should prevent this: check the server allows the paged results control',
        code,
        false,
        options,
      );
    case RESULT_CODES.confidentialityRequired:
      return new LdapTlsError(
        `the UCS LDAP server requires TLS (confidentialityRequired, 13): use ldaps:// or set ucs.starttls: true`,
        options,
      );
    case RESULT_CODES.busy:
    case RESULT_CODES.unavailable:
      return new LdapConnectionError(`the UCS LDAP server is busy or unavailable (${code}${said}); retrying`, options);
    default:
      return new LdapResultError(
        `LDAP ${ctx.operation} on ${ctx.url} failed (${detail})`,
        code,
        isTransientResult(code),
        options,
      );
  }
}

/**
 * Result codes without a class of their own after which the same request may succeed later
 * without any change of configuration. Only `other` (80): RFC 4511 defines it as "the server has
 * encountered an internal error", and slapd's back-mdb sends it with "internal error" when it
 * cannot get a read transaction or cursor (for instance with its reader table full under load)
 * and LDAP_BUSY separately. Such a fault is the server's, not a setting of ours, and often passes;
 * retrying with capped backoff recovers by itself, while a fault that persists stays visible in
 * the status and the log. Treating it as final would stop the listener until a manual reload.
 */
function isTransientResult(code: number): boolean {
  return code === RESULT_CODES.other;
}

/** Maps anything an LDAP operation threw to an LdapError with a message an admin can act on. */
export function classifyLdapError(error: unknown, ctx: LdapErrorContext): LdapError {
  if (error instanceof LdapError) return error;
  if (error instanceof ResultCodeError) return errorFromResult(error.code, error.message, ctx, error);
  const errno = errnoOf(error);
  const text = messageOf(error);
  const options = { cause: error };
  const url = ctx.url;
  switch (tlsFailureOf(errno)) {
    case 'untrusted':
      return new LdapTlsError(
        `The certificate of ${url} is not signed by the configured CA (${errno}); set ucs.caFile to the UCS CA (/etc/univention/ssl/ucsCA/CAcert.pem).`,
        options,
      );
    case 'hostname':
      return new LdapTlsError(
        `The certificate of ${url} does not name this host (${text}); connect by the name in the certificate (the UCS server's FQDN).`,
        options,
      );
    case 'not-valid-now':
      return new LdapTlsError(
        `The certificate of ${url} is not valid now (${errno}); renew it or check the clock.`,
        options,
      );
    case 'handshake':
      return new LdapTlsError(
        `TLS to ${url} failed: ${text} (${errno}). Check ucs.caFile and that the port speaks TLS (ldaps://, 7636 on UCS), or use StartTLS`,
        options,
      );
    case undefined:
      break;
  }
  if (errno !== undefined && TIMEOUT_CODES.has(errno)) {
    return new LdapTimeoutError(
      `the UCS LDAP server at ${url} did not answer the ${ctx.operation} in time (${errno})`,
      options,
    );
  }
  if (errno !== undefined && CONNECTION_CODES.has(errno)) {
    return new LdapConnectionError(
      `cannot reach the UCS LDAP server at ${url} (${errno}). Check ucs.url (host and port; ` +
        'UCS serves LDAP on 7389 when Samba AD holds 389) and that the server is running',
      options,
    );
  }
  // ldapts reports some failures by text only.
  if (/timeout|timed out/i.test(text)) {
    return new LdapTimeoutError(`the UCS LDAP server at ${url} did not answer the ${ctx.operation} in time`, options);
  }
  if (/certificate|self[- ]signed|ssl|tls/i.test(text)) {
    return new LdapTlsError(`TLS to ${url} failed: ${text}. Check ucs.caFile and the server name`, options);
  }
  return new LdapConnectionError(`LDAP ${ctx.operation} on ${url} failed: ${text}`, options);
}

/**
 * The error for bytes that are not LDAPv3 arriving during `ctx.operation`: names the server and
 * the likely cause; the decoder's own words (`error`) stay in brackets.
 */
export function notLdapError(error: unknown, ctx: LdapErrorContext): LdapProtocolError {
  return new LdapProtocolError(
    `${ctx.url} answered the ${ctx.operation} with something that is not LDAPv3 (${messageOf(error)}); check that ucs.url names an LDAP port`,
    { cause: error },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
