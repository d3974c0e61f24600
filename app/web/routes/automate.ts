/** Automate: the full-sync schedule (cron), its meaning in words and the next five runs; empty = off. */
import { Router, type Response } from 'express';
import { saveConfig } from '../config-edit.js';
import { describeSchedule, isValidSchedule, nextRuns } from '../cron-next.js';
import type { WebDeps } from '../deps.js';
import { bodyOf, checked, text } from '../form.js';

export function automateRoutes(deps: WebDeps): Router {
  const router = Router();
  const page = (res: Response, enabled: boolean, schedule: string, error?: string, status = 200): void => {
    const valid = enabled && isValidSchedule(schedule);
    res.status(status).render('automate', {
      enabled,
      schedule,
      error,
      description: valid ? describeSchedule(schedule, res.locals.lang) : undefined,
      next: valid ? nextRuns(schedule, 5).map((date) => date.getTime()) : [],
    });
  };

  router.get('/automate', (_req, res) => {
    const schedule = deps.current().config.schedule;
    page(res, schedule !== '', schedule);
  });

  router.post('/automate', async (req, res) => {
    const body = bodyOf(req);
    const enabled = checked(body, 'enabled');
    const schedule = text(body, 'schedule').trim().replace(/\s+/g, ' ');
    if (enabled && !isValidSchedule(schedule))
      return page(res, enabled, schedule, res.locals.t('val.cron', { value: schedule }), 422);
    const saved = await saveConfig(deps, req, (doc) => doc.setIn(['schedule'], enabled ? schedule : ''));
    if (!saved.ok)
      return page(
        res,
        enabled,
        schedule,
        saved.errors.map((e) => `${res.locals.t('common.errorsPrefix')}: ${e.message}`).join(' '),
        422,
      );
    res.redirect(303, `${res.locals.base}/automate`);
  });

  return router;
}
