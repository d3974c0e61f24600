/**
 * Rate limits: failed logins per user name (whatever the address: an address
 * taken from X-Forwarded-For can be forged by a client behind a trusted proxy) and per address
 * (guessing across many names), SSO per address, the authentication test per session. A tripped
 * limit answers 429 through the error handler.
 */
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { HttpError } from '../types.js';

function ipOf(req: Request): string {
  return ipKeyGenerator(req.ip ?? 'unknown');
}

function bodyField(req: Request, name: string): string {
  const body: unknown = req.body;
  const value = typeof body === 'object' && body !== null ? Reflect.get(body, name) : undefined;
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

function limiter(windowMs: number, limit: number, key: (req: Request) => string, onlyFailures = false): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    // Logins count failures only: an admin who signs in often is not an attacker.
    skipSuccessfulRequests: onlyFailures,
    keyGenerator: key,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new HttpError(429, 'error.rateLimited')),
  });
}

export interface RateLimits {
  /** Both login limits, in order. */
  readonly login: RequestHandler[];
  readonly sso: RequestHandler;
  readonly authTest: RequestHandler;
}

/** Fresh counters per app instance (tests build many). */
export function rateLimits(): RateLimits {
  return {
    login: [
      limiter(15 * 60_000, 10, (req) => `user|${bodyField(req, 'username')}`, true),
      limiter(15 * 60_000, 50, (req) => `ip|${ipOf(req)}`, true),
    ],
    sso: limiter(60_000, 30, ipOf),
    authTest: limiter(60_000, 10, (req) => req.sessionID),
  };
}
