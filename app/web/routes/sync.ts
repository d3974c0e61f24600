/**
 * Simulate and Import now. A simulation runs in the request (it only reads) and redirects to
 * its result; an import is confirmed first (deletes listed, threshold explained), then started
 * in the background, with a progress page that polls GET /api/import/:id.
 */
import { Router, type Request } from 'express';
import type { WebDeps } from '../deps.js';
import { bodyOf, checked } from '../form.js';
import { isKind, planTable } from '../plan-view.js';
import type { SyncJobs } from '../sync-jobs.js';
import { HttpError } from '../types.js';

function idParam(req: Request): number {
  const id = Number(req.params['id']);
  if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, 'error.notFound');
  return id;
}

export function syncRoutes(deps: WebDeps, jobs: SyncJobs): Router {
  const router = Router();

  router.get('/sync', (_req, res) => {
    const app = deps.current();
    res.render('sync', { runs: app.store.runs.recent(10), running: app.fullSync.running });
  });

  router.post('/sync/simulate', async (req, res) => {
    const runId = await jobs.simulate(deps.current(), req.session.user ?? '');
    res.redirect(303, `${res.locals.base}/sync/simulate/${runId}`);
  });

  router.get('/sync/simulate/:id', (req, res) => {
    const runId = idParam(req);
    const plan = jobs.plan(runId);
    if (plan === undefined) throw new HttpError(404, 'error.runGone');
    const kind = isKind(req.query['kind']) ? req.query['kind'] : undefined;
    const q = typeof req.query['q'] === 'string' ? req.query['q'] : '';
    res.render('simulate', { runId, plan, table: planTable(plan, res.locals.lang, kind, q), kind: kind ?? '', q });
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
    const job = jobs.startImport(deps.current(), req.session.user ?? '', checked(body, 'confirmDeletes'));
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
    res.json({
      id: job.id,
      state: job.state,
      progress: job.progress,
      result: job.result,
      error: job.error,
      text: {
        progress: t('import.progress', { ...job.progress }),
        result:
          job.result === undefined
            ? undefined
            : t(job.result.status === 'blocked' ? 'import.resultBlocked' : 'import.result', { ...job.result }),
      },
    });
  });

  return router;
}
