/**
 * Verifies the single sign-on token the UMC module mints (umc/python/pascomconnector): a compact
 * JWT, HS256 only, keyed with the bytes of the trimmed secret file the join script writes
 * (`http.ssoSecretFile`). A token is accepted once, for the audience `pascom-connector`, inside
 * its short lifetime. Who may then use the page (group membership) is checked by the caller.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SsoRejectReason =
  | 'malformed'
  | 'bad-signature'
  | 'wrong-audience'
  | 'expired'
  | 'not-yet-valid'
  | 'lifetime-too-long'
  | 'replayed'
  | 'missing-claim';

export type SsoVerifyResult = { ok: true; username: string } | { ok: false; reason: SsoRejectReason };

export interface SsoVerifyOptions {
  /** HMAC key: the trimmed content of the SSO secret file (a string is used as UTF-8 bytes). */
  secret: Buffer | string;
  /** Expected `aud` claim: `pascom-connector`. */
  audience: string;
  /** The current time, in seconds since 1970. */
  nowSec: number;
  /** Longest accepted `exp - iat`, in seconds (the UMC module mints 60). */
  maxLifetimeSec: number;
  /** Records a token id until `expSec`; returns false when it was seen before (a replay). */
  seenJti: (jti: string, expSec: number) => boolean;
}

/** The UMC module runs on the same host as the container; allow for a little clock drift only. */
const CLOCK_SKEW_SEC = 5;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 4096;

interface Claims {
  sub: string;
  aud: unknown;
  iat: number;
  exp: number;
  jti: string;
  nbf?: number | undefined;
}

function reject(reason: SsoRejectReason): SsoVerifyResult {
  return { ok: false, reason };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeJson(segment: string): unknown {
  if (!BASE64URL.test(segment)) return undefined;
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined; // not JSON: the caller reports "malformed"
  }
}

function signatureMatches(signingInput: string, signature: string, secret: Buffer | string): boolean {
  if (!BASE64URL.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(signingInput, 'ascii').digest();
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function readClaims(payload: Record<string, unknown>): Claims | undefined {
  const { sub, aud, iat, exp, jti, nbf } = payload;
  if (typeof sub !== 'string' || sub === '' || typeof jti !== 'string' || jti === '') return undefined;
  if (aud === undefined || !isSeconds(iat) || !isSeconds(exp)) return undefined;
  if (nbf !== undefined && !isSeconds(nbf)) return undefined;
  return { sub, aud, iat, exp, jti, nbf };
}

function audienceMatches(aud: unknown, audience: string): boolean {
  if (typeof aud === 'string') return aud === audience;
  return Array.isArray(aud) && aud.includes(audience);
}

function checkTimes(claims: Claims, opts: SsoVerifyOptions): SsoRejectReason | undefined {
  if (claims.exp <= opts.nowSec) return 'expired';
  if (claims.iat > opts.nowSec + CLOCK_SKEW_SEC) return 'not-yet-valid';
  if (claims.nbf !== undefined && claims.nbf > opts.nowSec + CLOCK_SKEW_SEC) return 'not-yet-valid';
  if (claims.exp - claims.iat > opts.maxLifetimeSec) return 'lifetime-too-long';
  return undefined;
}

/**
 * Checks structure, algorithm (HS256 only: `none` and every other algorithm count as a bad
 * signature), signature (constant time), audience, times, and finally one-time use. Only a
 * token that passed every other check is recorded as used.
 */
export function verifySsoToken(token: string, opts: SsoVerifyOptions): SsoVerifyResult {
  if (token.length > MAX_TOKEN_LENGTH) return reject('malformed');
  const parts = token.split('.');
  if (parts.length !== 3) return reject('malformed');
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJson(headerPart);
  const payload = decodeJson(payloadPart);
  if (!isRecord(header) || !isRecord(payload)) return reject('malformed');
  if (header['alg'] !== 'HS256') return reject('bad-signature');
  if (!signatureMatches(`${headerPart}.${payloadPart}`, signaturePart, opts.secret)) return reject('bad-signature');
  const claims = readClaims(payload);
  if (claims === undefined) return reject('missing-claim');
  if (!audienceMatches(claims.aud, opts.audience)) return reject('wrong-audience');
  const timeProblem = checkTimes(claims, opts);
  if (timeProblem !== undefined) return reject(timeProblem);
  if (!opts.seenJti(claims.jti, claims.exp)) return reject('replayed');
  return { ok: true, username: claims.sub };
}
