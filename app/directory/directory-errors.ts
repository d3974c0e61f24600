/**
 * Failures at the LDAP edge, each with a message an admin can act on (style.md point 1).
 * `classifyLdapError` is the one place that maps ldapts errors, socket errors and the errors of
 * the project's own LDAP wire code (listener/syncrepl) to them; `directoryErrorFromResult` maps
 * a raw result code from the wire.
 */
import { ResultCodeError } from 'ldapts';
import {
  LdapConnectionError,
  LdapTimeoutError,
  LdapTlsError,
  SyncProtocolError,
  SyncreplError,
} from '../../listener/syncrepl/errors.js';

export abstract class DirectoryError extends Error {
  abstract readonly kind: 'connection' | 'tls' | 'bind' | 'timeout' | 'access' | 'search' | 'sync-refresh';
  /** Worth trying again later (network, server busy) as opposed to a configuration problem. */
  abstract readonly retryable: boolean;
  /** The LDAP result code, when the server answered with one. */
  readonly code: number | undefined;

  constructor(message: string, code?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export class DirectoryConnectionError extends DirectoryError {
  override readonly name = 'DirectoryConnectionError';
  readonly kind = 'connection';
  readonly retryable = true;
}

export class DirectoryTlsError extends DirectoryError {
  override readonly name = 'DirectoryTlsError';
  readonly kind = 'tls';
  readonly retryable = false;
}

export class DirectoryBindError extends DirectoryError {
  override readonly name = 'DirectoryBindError';
  readonly kind = 'bind';
  readonly retryable = false;
}

export class DirectoryTimeoutError extends DirectoryError {
  override readonly name = 'DirectoryTimeoutError';
  readonly kind = 'timeout';
  readonly retryable = true;
}

export class DirectoryAccessError extends DirectoryError {
  override readonly name = 'DirectoryAccessError';
  readonly kind = 'access';
  readonly retryable = false;
}

export class DirectorySearchError extends DirectoryError {
  override readonly name = 'DirectorySearchError';
  readonly kind = 'search';
  readonly retryable: boolean;
  constructor(message: string, code: number | undefined, retryable: boolean, options?: { cause?: unknown }) {
    super(message, code, options);
    this.retryable = retryable;
  }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

export interface LdapErrorContext {
  readonly url: string;
  /** What was being done: `bind`, `search`, `starttls`. */
  readonly operation: string;
  readonly bindDn?: string | undefined;
}

/** Maps anything an LDAP operation threw to a DirectoryError with an actionable message. */
export function classifyLdapError(error: unknown, ctx: LdapErrorContext): DirectoryError {
  if (error instanceof DirectoryError) return error;
  if (error instanceof ResultCodeError) return directoryErrorFromResult(error.code, error.message, ctx, error);
  if (error instanceof SyncreplError) return fromWireError(error, ctx);
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  if (errno !== undefined && TLS_CODES.has(errno)) {
    return new DirectoryTlsError(
      `TLS to ${ctx.url} failed: ${text} (${errno}). Check ucs.caFile points to the UCS CA ` +
        `(/etc/univention/ssl/ucsCA/CAcert.pem) and the URL's host name matches the server certificate`,
      undefined,
      { cause: error },
    );
  }
  if (errno !== undefined && CONNECTION_CODES.has(errno)) {
    return new DirectoryConnectionError(
      `cannot reach the UCS LDAP server at ${ctx.url} (${errno}). Check ucs.url (host and port; ` +
        'UCS serves LDAP on 7389 when Samba AD holds 389) and that the server is running',
      undefined,
      { cause: error },
    );
  }
  if (/timeout|timed out/i.test(text)) {
    return new DirectoryTimeoutError(
      `the UCS LDAP server at ${ctx.url} did not answer the ${ctx.operation} in time`,
      undefined,
      { cause: error },
    );
  }
  if (/certificate|self[- ]signed|ssl|tls/i.test(text)) {
    return new DirectoryTlsError(`TLS to ${ctx.url} failed: ${text}. Check ucs.caFile and the server name`, undefined, {
      cause: error,
    });
  }
  return new DirectoryConnectionError(`LDAP ${ctx.operation} on ${ctx.url} failed: ${text}`, undefined, {
    cause: error,
  });
}

/** The wire client's errors (listener/syncrepl/errors.ts) already carry actionable messages. */
function fromWireError(error: SyncreplError, ctx: LdapErrorContext): DirectoryError {
  const options = { cause: error };
  if (error instanceof LdapTlsError)
    return new DirectoryTlsError(`TLS to ${ctx.url} failed: ${error.message}`, undefined, options);
  if (error instanceof LdapTimeoutError)
    return new DirectoryTimeoutError(`${ctx.operation} on ${ctx.url}: ${error.message}`, undefined, options);
  if (error instanceof LdapConnectionError) {
    return new DirectoryConnectionError(
      `${error.message} Check ucs.url (host and port; UCS serves LDAP on 7389 when Samba AD holds 389) and that the server is running`,
      undefined,
      options,
    );
  }
  if (error instanceof SyncProtocolError) {
    return new DirectoryConnectionError(
      `${ctx.url} answered the ${ctx.operation} with something that is not LDAPv3 (${error.message}); check that ucs.url names an LDAP port`,
      undefined,
      options,
    );
  }
  return directoryErrorFromResult(error.code, error.message, ctx, error);
}

/**
 * Maps a non-success LDAP result code to its DirectoryError. `diagnostic` is the server's
 * diagnosticMessage (or ldapts's text for it); `cause` the error that carried the code, if any.
 */
export function directoryErrorFromResult(
  code: number,
  diagnostic: string,
  ctx: LdapErrorContext,
  cause?: unknown,
): DirectoryError {
  const options = cause === undefined ? undefined : { cause };
  const detail = diagnostic === '' ? '' : `: ${diagnostic}`;
  switch (code) {
    case 48:
    case 49:
      return new DirectoryBindError(
        `the UCS LDAP server refused the credentials of ${ctx.bindDn ?? 'the bind DN'} (${code === 49 ? 'invalidCredentials' : 'inappropriateAuthentication'}, ${code}). ` +
          'Check ucs.bindDn and the password of the computer account',
        code,
        options,
      );
    case 50:
      return new DirectoryAccessError(
        `${ctx.bindDn ?? 'the bind DN'} may not read what the ${ctx.operation} asked for (insufficientAccess, 50)`,
        code,
        options,
      );
    case 32:
      return new DirectorySearchError(
        `the ${ctx.operation} base does not exist on ${ctx.url} (noSuchObject, 32). Check ucs.baseDn`,
        code,
        false,
        options,
      );
    case 3:
      return new DirectoryTimeoutError(`the ${ctx.operation} exceeded the server's time limit (3)`, code, options);
    case 4:
      return new DirectorySearchError(
        `the server's size limit cut the ${ctx.operation} short (sizeLimitExceeded, 4); ` +
          'paging should prevent this: check the server allows the paged results control',
        code,
        false,
        options,
      );
    case 13:
      return new DirectoryTlsError(
        `the UCS LDAP server requires TLS (confidentialityRequired, 13): use ldaps:// or set ucs.starttls: true`,
        code,
        options,
      );
    case 51:
    case 52:
      return new DirectoryConnectionError(
        `the UCS LDAP server is busy or unavailable (${code}${detail}); retrying`,
        code,
        options,
      );
    default:
      return new DirectorySearchError(
        `LDAP ${ctx.operation} on ${ctx.url} failed (result code ${code}${detail})`,
        code,
        false,
        options,
      );
  }
}
