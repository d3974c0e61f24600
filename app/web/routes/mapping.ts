/** Mapping: the rules as an editable table (add/remove rows without JS), inline validation, Save, Preview, Save and simulate. */
import { Router, type Response } from 'express';
import type { MappingRule } from '../../core/rules.js';
import { reasonText } from '../../i18n/index.js';
import { saveConfig } from '../config-edit.js';
import type { WebDeps } from '../deps.js';
import { bodyOf, text } from '../form.js';
import {
  applyMapping,
  draftsFromRules,
  emptyDraft,
  readDrafts,
  validateDrafts,
  type RowDraft,
  type RowErrors,
} from '../mapping-form.js';
import { previewMapping, type PreviewRow } from '../preview.js';
import type { SyncJobs } from '../sync-jobs.js';

interface MappingPage {
  rows: RowDraft[];
  rowErrors?: RowErrors[];
  general?: string[];
  preview?: PreviewRow[];
  previewDraft?: boolean;
  login?: string;
}

export function mappingRoutes(deps: WebDeps, jobs: SyncJobs): Router {
  const router = Router();
  const page = (res: Response, state: MappingPage, status = 200): void => {
    res.status(status).render('mapping', {
      rowErrors: [],
      general: [],
      previewDraft: false,
      login: '',
      ...state,
      preview: state.preview?.map((row) => ({
        ...row,
        reasons: row.reasons.map((reason) => reasonText(res.locals.lang, reason)),
      })),
      loginField: deps.current().rules.roles.login,
    });
  };

  router.get('/mapping', async (req, res) => {
    const app = deps.current();
    const rows = draftsFromRules(app.rules.mapping);
    const login = typeof req.query['login'] === 'string' ? req.query['login'].trim() : '';
    if (req.query['preview'] === undefined && login === '') return page(res, { rows });
    page(res, { rows, login, preview: await previewMapping(app, app.rules.mapping, login) });
  });

  router.post('/mapping', async (req, res) => {
    const body = bodyOf(req);
    const action = text(body, 'action');
    const remove = text(body, 'remove');
    let rows = readDrafts(body);
    if (remove !== '') return page(res, { rows: rows.filter((_row, index) => String(index) !== remove) });
    if (action === 'add') return page(res, { rows: [...rows, emptyDraft()] });
    const app = deps.current();
    const checked = validateDrafts(rows, app.rules.roles.login, res.locals.t);
    if (checked.rules === undefined)
      return page(res, { rows, rowErrors: checked.rowErrors, general: checked.general }, 422);
    const rules: MappingRule[] = checked.rules;
    if (action === 'preview') {
      const login = text(body, 'login').trim();
      return page(res, { rows, login, preview: await previewMapping(app, rules, login), previewDraft: true });
    }
    const saved = await saveConfig(deps, req, (doc) => applyMapping(doc, rules));
    if (!saved.ok) {
      rows = readDrafts(body);
      const general = saved.errors.map((error) => `${res.locals.t('common.errorsPrefix')}: ${error.message}`);
      return page(res, { rows, general }, 422);
    }
    if (action !== 'save-simulate') return res.redirect(303, `${res.locals.base}/mapping`);
    const runId = await jobs.simulate(deps.current(), req.session.user ?? '');
    res.redirect(303, `${res.locals.base}/sync/simulate/${runId}`);
  });

  return router;
}
