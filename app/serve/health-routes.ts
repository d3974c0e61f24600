/**
 * `/healthz` and `/metrics` under the base path. The UCS Apache forwards the whole base path, so
 * both are reachable by anyone who can reach UCS:
 * - `/healthz` (the image's HEALTHCHECK) says only whether the connector can read its state:
 *   200 `{"status":"ok"}` or 503 `{"status":"unavailable"}`, nothing about queue or listener.
 * - `/metrics` (Prometheus) answers a signed-in administrator's session, or a request with
 *   `Authorization: Bearer <token>` when `http.metricsTokenFile` holds a token; else 401.
 * Mounted after the session middleware and before the sign-in check (app/web/index.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Router, type Request } from 'express';
import type { Store } from '../store/index.js';
import type { ConnectorMetrics } from './metrics.js';

export interface HealthRouteOptions {
  /** The current `http.metricsTokenFile` (the config may be reloaded). */
  readonly metricsTokenFile?: (() => string | undefined) | undefined;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function bearerOf(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/** The token in the file (one trailing newline ignored), or undefined when there is none to compare with. */
async function configuredToken(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const text = await readFile(file, 'utf8').catch(() => '');
  const token = text.replace(/\r?\n$/, '');
  return token === '' ? undefined : token;
}

async function mayScrape(req: Request, options: HealthRouteOptions): Promise<boolean> {
  if ((req.session as { user?: string } | undefined)?.user !== undefined) return true;
  const given = bearerOf(req);
  if (given === undefined) return false;
  const expected = await configuredToken(options.metricsTokenFile?.());
  // Equal-length digests: the comparison takes the same time whatever the token's length.
  return expected !== undefined && timingSafeEqual(digest(given), digest(expected));
}

export function healthRoutes(store: () => Store, metrics: ConnectorMetrics, options: HealthRouteOptions = {}): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    try {
      store().outbox.stats();
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  router.get('/metrics', async (req, res, next) => {
    try {
      if (!(await mayScrape(req, options))) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="pascom-connector metrics"');
        res.status(401).type('text/plain').send('401: sign in as an administrator or send the metrics bearer token\n');
        return;
      }
      const { contentType, body } = await metrics.render();
      res.setHeader('Cache-Control', 'no-store');
      res.type(contentType).send(body);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
