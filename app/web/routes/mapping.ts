/**
 * Mapping: the rules as an editable list (add/remove rows without JS), each field and source
 * in words with its code, inline validation, Save, Preview, Save and simulate, and "Mark as
 * reviewed" for the first-run checklist.
 */
import { isDeepStrictEqual } from 'node:util';
import { Router, type Response } from 'express';
import type { MappingRule } from '../../core/rules.js';
import { reasonText } from '../../i18n/index.js';
import { FIRST_RUN_KEYS, recordMappingReviewed } from '../../sync/first-run.js';
import { saveConfig } from '../config-edit.js';
import type { WebDeps } from '../deps.js';
import { pascomFieldLabel, sourceAttributes } from '../field-labels.js';
import { bodyOf, text } from '../form.js';
import {
  applyMapping,
  draftsFromRules,
  emptyDraft,
  readDrafts,
  splitSources,
  validateDrafts,
  type RowDraft,
  type RowErrors,
} from '../mapping-form.js';
import { addFlash } from '../middleware/flash.js';
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

/** A rule as the form's validation builds it (no absent `default` key), to compare with the running one. */
function normalRule(rule: MappingRule): MappingRule {
  const { default: fallback, ...rest } = rule;
  return {
    ...rest,
    sources: [...rule.sources],
    transforms: [...rule.transforms],
    ...(fallback === undefined ? {} : { default: fallback }),
  };
}

export function mappingRoutes(deps: WebDeps, jobs: SyncJobs): Router {
  const router = Router();
  const page = (res: Response, state: MappingPage, status = 200): void => {
    const t = res.locals.t;
    const reviewed = deps.current().store.kv.get(FIRST_RUN_KEYS.mappingReviewed);
    res.status(status).render('mapping', {
      labelOf: (code: string) => pascomFieldLabel(t, code),
      readsOf: (sources: string) => sourceAttributes(t, splitSources(sources)),
      reviewedAt: reviewed === undefined ? undefined : Number(reviewed),
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
    const now = (): number => deps.clock.now().getTime();
    if (action === 'reviewed' && isDeepStrictEqual(rules, app.rules.mapping.map(normalRule))) {
      recordMappingReviewed(app.store, now());
      addFlash(req, { type: 'ok', key: 'map.reviewedDone' });
      return res.redirect(303, `${res.locals.base}/mapping`);
    }
    const saved = await saveConfig(deps, req, (doc) => applyMapping(doc, rules));
    if (!saved.ok) {
      rows = readDrafts(body);
      const general = saved.errors.map((error) => `${res.locals.t('common.errorsPrefix')}: ${error.message}`);
      return page(res, { rows, general }, 422);
    }
    // Saving is looking: the admin has seen every row of what was saved.
    recordMappingReviewed(deps.current().store, now());
    if (action === 'reviewed') addFlash(req, { type: 'ok', key: 'map.reviewedDone' });
    if (action !== 'save-simulate') return res.redirect(303, `${res.locals.base}/mapping`);
    const runId = await jobs.simulate(deps.current(), req.session.user ?? '');
    res.redirect(303, `${res.locals.base}/sync/simulate/${runId}`);
  });

  return router;
}
