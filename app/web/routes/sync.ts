/**
 * Simulate and Import now. A simulation runs in the request (it only reads) and redirects to
 * its report; an import is started from a reviewed plan (the report, or the confirmation page
 * that lists the deletes) and runs in the background, with a progress page that polls
 * GET /api/import/:id.
 *
 * An import is bound to the plan the admin reviewed: the form posts that run's id and its number
 * of deletes, and the import — which plans again, UCS or pascom may have changed since — refuses
 * to apply anything when the new plan deletes more.
 */
import { Router, type Request } from 'express';
import { actorText } from '../audit-view.js';
import type { WebDeps } from '../deps.js';
import { bodyOf, checked, text } from '../form.js';
import { isKind, planReport } from '../plan-view.js';
import type { SyncJobs } from '../sync-jobs.js';
import { HttpError } from '../types.js';

function idParam(req: Request): number {
  const id = Number(req.params['id']);
  if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, 'error.notFound');
  return id;
}

function count(value: string): number | undefined {
  if (!/^\d{1,9}$/.test(value)) return undefined;
  return Number(value);
}

export function syncRoutes(deps: WebDeps, jobs: SyncJobs): Router {
  const router = Router();

  router.get('/sync', (_req, res) => {
    const app = deps.current();
    res.render('sync', {
      runs: app.store.runs.recent(10),
      running: app.fullSync.running,
      kept: (runId: number) => jobs.plan(runId) !== undefined,
      actorOf: (trigger: string) => actorText(res.locals.t, trigger),
    });
  });

  router.post('/sync/simulate', async (req, res) => {
    const runId = await jobs.simulate(deps.current(), req.session.user ?? '');
    res.redirect(303, `${res.locals.base}/sync/simulate/${runId}`);
  });

  router.get('/sync/simulate/:id', (req, res) => {
    const runId = idParam(req);
    const plan = jobs.plan(runId);
    if (plan === undefined) throw new HttpError(404, 'error.runGone');
    const app = deps.current();
    const kind = isKind(req.query['kind']) ? req.query['kind'] : undefined;
    const q = typeof req.query['q'] === 'string' ? req.query['q'] : '';
    const rawCause = typeof req.query['cause'] === 'string' ? req.query['cause'] : '';
    const cause = rawCause === '' ? undefined : rawCause;
    const report = planReport(
      plan,
      res.locals.t,
      res.locals.lang,
      { order: app.rules.mapping.map((rule) => rule.field), loginField: app.rules.roles.login },
      { kind, cause, q },
    );
    res.render('simulate', { runId, plan, report, kind: kind ?? '', cause: cause ?? '', q });
  });

  router.post('/sync/import/prepare', async (req, res) => {
    const runId = await jobs.simulate(deps.current(), req.session.user ?? '');
    res.redirect(303, `${res.locals.base}/sync/import/confirm/${runId}`);
  });

  router.get('/sync/import/confirm/:id', (req, res) => {
    const runId = idParam(req);
    const plan = jobs.plan(runId);
    if (plan === undefined) throw new HttpError(404, 'error.runGone');
    const deletes = plan.operations.flatMap((op) => (op.kind === 'delete' ? [op] : []));
    res.render('import-confirm', { runId, plan, deletes });
  });

  router.post('/sync/import/start', (req, res) => {
    const body = bodyOf(req);
    const app = deps.current();
    const runId = count(text(body, 'runId'));
    const deletes = count(text(body, 'deletes'));
    if (runId === undefined || deletes === undefined) throw new HttpError(400, 'import.reviewFirst');
    // The count shown to the admin must be the reviewed run's own: a stale or edited form is refused.
    const reviewed = jobs.reviewedDeletes(app, runId);
    if (reviewed === undefined || reviewed !== deletes) throw new HttpError(409, 'import.reviewMismatch');
    const job = jobs.startImport(app, req.session.user ?? '', checked(body, 'confirmDeletes'), reviewed);
    res.redirect(303, `${res.locals.base}/sync/import/${job.id}`);
  });

  router.get('/sync/import/:id', (req, res) => {
    const job = jobs.importJob(idParam(req));
    if (job === undefined) throw new HttpError(404, 'import.jobGone');
    res.render('import-progress', { job });
  });

  router.get('/api/import/:id', (req, res) => {
    const job = jobs.importJob(idParam(req));
    if (job === undefined) throw new HttpError(404, 'import.jobGone');
    const t = res.locals.t;
    const result = job.result;
    res.json({
      id: job.id,
      state: job.state,
      progress: job.progress,
      result,
      error: job.error,
      text: {
        progress: t('import.progress', { ...job.progress }),
        result:
          result === undefined
            ? undefined
            : result.refused !== undefined
              ? t('import.resultRefused', { ...result.refused })
              : result.status === 'blocked'
                ? t('import.resultBlocked')
                : t('import.result', {
                    delivered: result.delivered,
                    failed: result.failed,
                    queued: result.queued,
                  }),
      },
    });
  });

  return router;
}
