/**
 * Synchronizer-token CSRF protection: one random token per session, sent back by every form
 * (hidden `_csrf`) and every JSON POST (header `X-CSRF-Token`), compared in constant time.
 * Any request that changes state (not GET/HEAD/OPTIONS) without the right token gets 403.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { HttpError } from '../types.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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

/** Makes sure the session has a token and exposes it to the templates. */
export function csrfToken(): RequestHandler {
  return (req, res, next) => {
    req.session.csrf ??= newCsrfToken();
    res.locals.csrfToken = req.session.csrf;
    next();
  };
}

/** Refuses a state-changing request whose token is missing or wrong. */
export function csrfCheck(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const expected = req.session.csrf;
    if (expected === undefined || !sameToken(givenToken(req), expected)) return next(new HttpError(403, 'error.csrf'));
    next();
  };
}
