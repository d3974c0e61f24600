/**
 * Security headers: helmet with a strict CSP. No inline script or style
 * anywhere in the page, so none is allowed. The page may be framed by itself and by the UCS
 * host (the UMC module embeds it); frame-ancestors replaces X-Frame-Options, which cannot
 * name another origin, so helmet's frameguard is off rather than contradicting it.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

type Env = Readonly<Record<string, string | undefined>>;

/** `https://<host>.<domain>` of the UCS host, from the App Center container's environment. */
export function ucsOrigins(env: Env): string[] {
  const host = env['DOCKER_HOST_NAME']?.trim();
  const domain = env['DOMAINNAME']?.trim();
  if (host === undefined || host === '') return [];
  const fqdn = host.includes('.') || domain === undefined || domain === '' ? host : `${host}.${domain}`;
  return /^[A-Za-z0-9.-]+$/.test(fqdn) ? [`https://${fqdn}`] : [];
}

export function securityHeaders(frameAncestors: readonly string[]): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'", ...frameAncestors],
      },
    },
    frameguard: false,
    // HSTS belongs to the UCS Apache that terminates TLS, not to a container behind it.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'same-origin' },
  });
}
