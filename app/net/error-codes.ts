/**
 * Node's socket and TLS error codes (`error.code` from node:net / node:tls; the certificate
 * codes are OpenSSL's X509_V_ERR_* names), classified once for every client of the connector:
 * the LDAP layer (app/ldap/errors.ts), the UCS connection test and the pascom classifier. Each
 * client writes its own advice (ucs.caFile vs pascom.caFile); which code means what lives here.
 *
 * Certificate and handshake problems need the admin (trust the CA, renew the certificate, fix
 * the URL); connection and timeout codes are transient.
 */

/** The configured CA does not vouch for the peer's certificate (or its chain is broken or revoked). */
export const UNTRUSTED_CERT_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
]);

/** The certificate is outside its validity period: renew it, or the clock is wrong. */
export const CERT_VALIDITY_CODES: ReadonlySet<string> = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** The certificate does not name the host the URL names. */
export const HOSTNAME_MISMATCH_CODE = 'ERR_TLS_CERT_ALTNAME_INVALID';

/** Every verdict on the certificate itself (trust and validity; the host name is separate). */
export const CERTIFICATE_CODES: ReadonlySet<string> = new Set([...UNTRUSTED_CERT_CODES, ...CERT_VALIDITY_CODES]);

/** The handshake itself failed: usually TLS spoken to a plain port, or plain text to a TLS port. */
export const HANDSHAKE_CODES: ReadonlySet<string> = new Set([
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
]);

/** No connection, or the connection was lost: worth trying again later. */
export const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

export const TIMEOUT_CODES: ReadonlySet<string> = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);

export type TlsFailure = 'untrusted' | 'not-valid-now' | 'hostname' | 'handshake';

/**
 * What a TLS error code says, or undefined for a code that is not about TLS. Any other
 * `ERR_SSL_*` / `ERR_TLS_*` code counts as a failed handshake.
 */
export function tlsFailureOf(code: string | undefined): TlsFailure | undefined {
  if (code === undefined) return undefined;
  if (UNTRUSTED_CERT_CODES.has(code)) return 'untrusted';
  if (CERT_VALIDITY_CODES.has(code)) return 'not-valid-now';
  if (code === HOSTNAME_MISMATCH_CODE) return 'hostname';
  if (HANDSHAKE_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return 'handshake';
  return undefined;
}

/** The string `code` of a Node error (`ECONNREFUSED`, `CERT_HAS_EXPIRED`, …), if it has one. */
export function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
