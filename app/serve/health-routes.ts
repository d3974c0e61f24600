/** `/healthz` and `/metrics` under the base path, served without a session (design: issue 4). */
import { Router } from 'express';
import type { Store } from '../store/index.js';
import { readStatus } from '../sync/status.js';
import type { ConnectorMetrics } from './metrics.js';

export function healthRoutes(store: () => Store, metrics: ConnectorMetrics, now: () => number): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    try {
      const status = readStatus(store(), now(), 0);
      res.json({ status: 'ok', listener: status.listener.mode ?? null, queue: status.queue });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', error: error instanceof Error ? error.message : String(error) });
    }
  });
  router.get('/metrics', async (_req, res, next) => {
    try {
      const { contentType, body } = await metrics.render();
      res.type(contentType).send(body);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
