/**
 * Status: the first-run checklist (until live sync runs), listener, queue, full sync, dead
 * letters (retry/discard), recent audit entries in words, chart. No LDAP or pascom calls.
 */
import { Router, type Request } from 'express';
import { readFirstRun } from '../../sync/first-run.js';
import { listenerHealth, readStatus } from '../../sync/status.js';
import { auditRow } from '../audit-view.js';
import { deliveryChart } from '../chart.js';
import type { WebDeps } from '../deps.js';
import { addFlash } from '../middleware/flash.js';
import { HttpError } from '../types.js';

function deadLetterId(req: Request): number {
  const id = Number(req.params['id']);
  if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, 'error.notFound');
  return id;
}

export function statusRoutes(deps: WebDeps): Router {
  const router = Router();

  router.get('/status', (_req, res) => {
    const app = deps.current();
    const now = deps.clock.now().getTime();
    const status = readStatus(app.store, now, 50);
    const health = listenerHealth(status.listener);
    res.render('status', {
      status,
      health,
      now,
      firstRun: readFirstRun(app.store),
      audit: app.store.audit.recent(15).map((entry) => auditRow(res.locals.t, entry)),
      chart: deliveryChart(app.store.audit.recent(5000), now),
      nextRun: deps.nextScheduledRun()?.getTime(),
      scheduled: app.config.schedule !== '',
    });
  });

  router.post('/status/dead/:id/retry', (req, res) => {
    const app = deps.current();
    const id = deadLetterId(req);
    const revived = app.store.outbox.revive(id, deps.clock.now().getTime());
    if (revived) {
      app.store.audit.record(
        {
          actor: `admin:${res.locals.user ?? ''}`,
          action: 'retry-dead-letter',
          result: 'ok',
          detail: `outbox row ${id}`,
        },
        deps.clock.now().getTime(),
      );
      app.runner?.kick();
    }
    addFlash(req, revived ? { type: 'ok', key: 'status.retried' } : { type: 'error', key: 'status.deadGone' });
    res.redirect(303, `${res.locals.base}/status`);
  });

  router.post('/status/dead/:id/discard', (req, res) => {
    const app = deps.current();
    const id = deadLetterId(req);
    const discarded = app.store.outbox.discard(id);
    if (discarded)
      app.store.audit.record(
        {
          actor: `admin:${res.locals.user ?? ''}`,
          action: 'discard-dead-letter',
          result: 'ok',
          detail: `outbox row ${id}`,
        },
        deps.clock.now().getTime(),
      );
    addFlash(req, discarded ? { type: 'ok', key: 'status.discarded' } : { type: 'error', key: 'status.deadGone' });
    res.redirect(303, `${res.locals.base}/status`);
  });

  return router;
}
