/**
 * Socket and TLS failures → PascomError. Certificate problems are permanent (the admin must
 * act); every other network failure is transient.
 */
import { CERTIFICATE_CODES, HANDSHAKE_CODES, errnoOf as errorCode } from '../net/error-codes.js';
import type { RequestContext } from './classify.js';
import { PascomError, PascomTlsError, PascomUnavailableError } from './errors.js';

const NETWORK_HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused: is pascom running and is the port in pascom.url right?',
  ECONNRESET: 'connection reset by pascom or a proxy',
  EPIPE: 'connection closed by pascom while sending',
  ETIMEDOUT: 'network timeout',
  ENOTFOUND: 'host name not found: check pascom.url and DNS',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNABORTED: 'connection aborted',
};

function tlsMessage(code: string, origin: string): string {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `TLS: the certificate of ${origin} does not name that host (${code}); use the host name the certificate was issued for in pascom.url`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `TLS: the certificate of ${origin} is not valid now (${code}); renew it on the pascom server or check the clock`;
  }
  if (HANDSHAKE_CODES.has(code)) {
    return `TLS handshake with ${origin} failed (${code}); does pascom.url say https:// for a plain HTTP port?`;
  }
  return `TLS: the certificate of ${origin} is not trusted (${code}); set pascom.caFile to the CA certificate that signed it`;
}

export function classifyNetworkError(error: unknown, context: RequestContext): PascomError {
  if (error instanceof PascomError) return error;
  const code = errorCode(error);
  const origin = context.origin ?? 'pascom';
  const details = { login: context.login, code, cause: error };
  if (
    code !== undefined &&
    (CERTIFICATE_CODES.has(code) || HANDSHAKE_CODES.has(code) || code === 'ERR_TLS_CERT_ALTNAME_INVALID')
  ) {
    return new PascomTlsError(tlsMessage(code, origin), details);
  }
  const hint =
    (code === undefined ? undefined : NETWORK_HINTS[code]) ?? (error instanceof Error ? error.message : String(error));
  return new PascomUnavailableError(
    `cannot reach pascom at ${origin} (${context.method} ${context.path}): ${hint}${code === undefined ? '' : ` [${code}]`}`,
    details,
  );
}
