/**
 * The one proxy hop the page believes. In UCS the App Center's Apache proxies the page's path to
 * `http://127.0.0.1:<published port>` on the Docker host (univention-appcenter's apache
 * templates `000-default.d` and `ssl.d/10univention-appcenter`), so the request reaches the
 * container from the host's side of the Docker bridge: the container's default gateway. Only
 * that hop (and loopback) may name the client's address in X-Forwarded-For; a client that
 * reaches the published port directly from the LAN cannot, whatever header it sends.
 *
 * The App Center proxies the same container port (plain http) for the browser's http and https.
 * mod_proxy adds X-Forwarded-For (the client's address appended last), -Host and -Server; UCS's
 * own vhosts also set `X-Forwarded-Proto` to the browser's scheme (seen in a UCS 5 host's Apache
 * configuration, not in the template source). That header, from the trusted hop, is believed.
 * Where a proxy sends none, whether the browser used https is read from its own Origin (or
 * Referer) header: that can only ever make a cookie stricter (Secure), never looser.
 */
import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';

export const ROUTE_TABLE = '/proc/net/route';
/** The name in `http.trustProxy` that stands for the container's default gateway. */
const GATEWAY = 'gateway';

type TrustProxy = boolean | number | string;

/** The IPv4 default gateway in Linux's /proc/net/route (hex, little-endian), if any. */
export function defaultGateway(routeTable: string): string | undefined {
  for (const line of routeTable.split('\n').slice(1)) {
    const [, destination, gateway] = line.trim().split(/\s+/);
    if (destination !== '00000000' || gateway === undefined || !/^[0-9A-Fa-f]{8}$/.test(gateway)) continue;
    const value = parseInt(gateway, 16);
    if (value === 0) continue;
    return [0, 8, 16, 24].map((shift) => (value >>> shift) & 0xff).join('.');
  }
  return undefined;
}

/** The container's default gateway, read once at start; undefined outside Linux or without a route. */
export function readDefaultGateway(path = ROUTE_TABLE): string | undefined {
  try {
    return defaultGateway(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** `http.trustProxy` as express takes it: the name `gateway` replaced by that address (or dropped when unknown). */
export function trustProxySetting(value: TrustProxy, gateway: string | undefined): TrustProxy {
  if (typeof value !== 'string') return value;
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const resolved = names.flatMap((name) => (name === GATEWAY ? (gateway === undefined ? [] : [gateway]) : [name]));
  return resolved.length === 0 ? false : resolved.join(', ');
}

/** Whether the browser says it is on an https page (Origin, else Referer). */
function browserUsedHttps(origin: string | undefined, referer: string | undefined): boolean {
  if (origin !== undefined && origin !== 'null') return origin.startsWith('https://');
  return referer?.startsWith('https://') ?? false;
}

/**
 * Behind the trusted hop without X-Forwarded-Proto, takes https from the browser's headers, so
 * that `req.secure` — and with it the Secure flag of the session and CSRF cookies — follows the
 * scheme the browser used.
 */
export function originalScheme(): RequestHandler {
  return (req, _res, next) => {
    if (req.secure || req.get('x-forwarded-proto') !== undefined) return next();
    const trust = req.app.get('trust proxy fn') as ((address: string, hop: number) => boolean) | undefined;
    const peer = req.socket.remoteAddress;
    if (trust === undefined || peer === undefined || !trust(peer, 0)) return next();
    if (browserUsedHttps(req.get('origin'), req.get('referer'))) req.headers['x-forwarded-proto'] = 'https';
    next();
  };
}
