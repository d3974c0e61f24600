/**
 * CSRF protection for every request that changes state (not GET/HEAD/OPTIONS): the form's hidden
 * `_csrf` or a JSON request's `X-CSRF-Token` header must carry the right token, compared in
 * constant time; otherwise 403.
 *
 * - A signed-in session holds a random synchronizer token (issued anew at sign-in).
 * - An anonymous visitor (the login form) gets no stored session at all — a stored session per
 *   anonymous request would let anyone fill the session store — but a signed double-submit
 *   token: `<nonce>.<HMAC of the nonce>` in an HttpOnly, SameSite=Strict cookie, sent back in the
 *   form. The server accepts it when the form's copy equals the cookie and the HMAC is its own.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { HttpError } from '../types.js';
import { readCookie } from './i18n.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_COOKIE = 'pascom_connector_csrf';

export interface CsrfOptions {
  /** HMAC key of the anonymous tokens; random per process (a restart invalidates open login forms). */
  readonly secret: Buffer;
  /** Cookie path: the page's base path. */
  readonly path: string;
}

export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

function givenToken(req: Request): unknown {
  const header = req.get('x-csrf-token');
  if (header !== undefined) return header;
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null ? Reflect.get(body, '_csrf') : undefined;
}

function signature(secret: Buffer, nonce: string): string {
  return createHmac('sha256', secret).update(`csrf:${nonce}`).digest('base64url');
}

/** `<nonce>.<signature>`: valid only with this process's secret. */
export function signedToken(secret: Buffer, nonce = newCsrfToken()): string {
  return `${nonce}.${signature(secret, nonce)}`;
}

export function isSignedToken(secret: Buffer, token: string): boolean {
  const [nonce, sig, ...rest] = token.split('.');
  if (nonce === undefined || sig === undefined || rest.length > 0 || nonce === '') return false;
  return sameToken(sig, signature(secret, nonce));
}

/** The anonymous token of this request's cookie, when it is one of ours. */
function cookieToken(req: Request, secret: Buffer): string | undefined {
  const token = readCookie(req.headers.cookie, CSRF_COOKIE);
  return token !== undefined && isSignedToken(secret, token) ? token : undefined;
}

function setCookie(req: Request, res: Response, options: CsrfOptions, token: string): void {
  res.cookie(CSRF_COOKIE, token, {
    path: options.path,
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    encode: String, // base64url and "." need no encoding
  });
}

/** The token for this request's forms: the session's, or for an anonymous visitor the signed cookie's. */
export function csrfToken(options: CsrfOptions): RequestHandler {
  return (req, res, next) => {
    const sessionToken = req.session.csrf;
    if (sessionToken !== undefined) {
      res.locals.csrfToken = sessionToken;
      return next();
    }
    let token = cookieToken(req, options.secret);
    if (token === undefined) {
      token = signedToken(options.secret);
      setCookie(req, res, options, token);
    }
    res.locals.csrfToken = token;
    next();
  };
}

/** Refuses a state-changing request whose token is missing or wrong. */
export function csrfCheck(options: CsrfOptions): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const expected = req.session.csrf ?? cookieToken(req, options.secret);
    if (expected === undefined || !sameToken(givenToken(req), expected)) return next(new HttpError(403, 'error.csrf'));
    next();
  };
}
