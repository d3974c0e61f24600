/** Connection: UCS (LDAP) and pascom settings, each with Save and Test connection. */
import { readFile } from 'node:fs/promises';
import { Router, type Response } from 'express';
import { MACHINE_SECRET_PATH } from '../../config/index.js';
import { testUcsConnection, type UcsTestReport } from '../../directory/connection-test.js';
import type { ConnectionReport } from '../../pascom/test-connection.js';
import { recordConnectionTest } from '../../sync/first-run.js';
import { saveConfig } from '../config-edit.js';
import {
  applyPascomForm,
  applyUcsForm,
  fieldOfPath,
  keepsStoredPascomPassword,
  keepsStoredUcsPassword,
  pascomFormFromConfig,
  readPascomForm,
  readUcsForm,
  ucsFormFromConfig,
  validatePascomForm,
  validateUcsForm,
  type PascomForm,
  type UcsForm,
} from '../connection-form.js';
import type { WebDeps } from '../deps.js';
import { bodyOf, schemaErrors, text, type FieldErrors } from '../form.js';
import { pascomStepViews, ucsStepViews } from '../step-view.js';

interface PageState {
  ucs?: UcsForm;
  pascom?: PascomForm;
  ucsErrors?: FieldErrors;
  pascomErrors?: FieldErrors;
  ucsTest?: UcsTestReport;
  pascomTest?: ConnectionReport;
}

export function connectionRoutes(deps: WebDeps): Router {
  const router = Router();
  const machineDn = (): string | undefined => {
    const dn = deps.env?.['LDAP_HOSTDN']?.trim();
    return dn === undefined || dn === '' ? undefined : dn;
  };
  /** The container's own LDAP server, the only one the machine secret is sent to. */
  const ownLdapServer = (): string | undefined => {
    const host = deps.env?.['LDAP_SERVER_NAME']?.trim();
    return host === undefined || host === '' ? undefined : host;
  };
  const page = (res: Response, state: PageState, status = 200): void => {
    const config = deps.current().config;
    res.status(status).render('connection', {
      ucs: state.ucs ?? ucsFormFromConfig(config, machineDn()),
      pascom: state.pascom ?? pascomFormFromConfig(config),
      ucsErrors: state.ucsErrors ?? {},
      pascomErrors: state.pascomErrors ?? {},
      ucsTest:
        state.ucsTest === undefined
          ? undefined
          : { ok: state.ucsTest.ok, steps: ucsStepViews(state.ucsTest.steps, res.locals.t) },
      pascomTest:
        state.pascomTest === undefined
          ? undefined
          : { ok: state.pascomTest.ok, steps: pascomStepViews(state.pascomTest.steps, res.locals.t) },
      machineDn: machineDn(),
      // Connector mode's latency is its push interval: the page says so next to the pascom settings.
      connectorMode:
        config.pascom.delivery === 'connector'
          ? { profile: config.pascom.connectorProfile ?? '', intervalMs: config.pascom.connectorPushIntervalMs }
          : undefined,
    });
  };

  router.get('/connection', (_req, res) => page(res, {}));

  router.post('/connection/ucs', async (req, res) => {
    const body = bodyOf(req);
    const config = deps.current().config;
    const form = readUcsForm(body, machineDn());
    const machine = { dn: machineDn(), ownLdapServer: ownLdapServer(), secretPath: deps.machineSecretPath };
    const errors = validateUcsForm(form, config, machine, res.locals.t);
    if (Object.keys(errors).length > 0) return page(res, { ucs: { ...form, password: '' }, ucsErrors: errors }, 422);
    if (text(body, 'action') === 'test') {
      const password = form.useMachine
        ? (await readFile(deps.machineSecretPath ?? MACHINE_SECRET_PATH, 'utf8')).replace(/\r?\n$/, '')
        : keepsStoredUcsPassword(form, config)
          ? config.ucs.password
          : form.password;
      const report = await testUcsConnection(
        {
          ...form,
          caFile: form.caFile === '' ? undefined : form.caFile,
          starttls: form.tls === 'starttls',
          tlsVerify: config.ucs.tlsVerify,
          timeoutMs: config.ucs.timeoutMs,
          password,
        },
        { probeSync: deps.probeSync?.bind(deps) },
      );
      recordConnectionTest(deps.current().store, 'ucs', report.ok, deps.clock.now().getTime());
      return page(res, { ucs: { ...form, password: '' }, ucsTest: report });
    }
    const saved = await saveConfig(deps, req, (doc) => applyUcsForm(doc, form, deps.machineSecretPath));
    if (!saved.ok)
      return page(
        res,
        { ucs: { ...form, password: '' }, ucsErrors: schemaErrors(saved.errors, res.locals.t, fieldOfPath) },
        422,
      );
    res.redirect(303, `${res.locals.base}/connection`);
  });

  router.post('/connection/pascom', async (req, res) => {
    const body = bodyOf(req);
    const config = deps.current().config;
    const form = readPascomForm(body);
    const errors = validatePascomForm(form, config, res.locals.t);
    if (Object.keys(errors).length > 0)
      return page(res, { pascom: { ...form, password: '' }, pascomErrors: errors }, 422);
    if (text(body, 'action') === 'test') {
      const password = keepsStoredPascomPassword(form, config) ? config.pascom.password : form.password;
      const report = await deps.testPascomConnection({
        ...config,
        pascom: { ...config.pascom, url: form.url, instance: form.instance, user: form.user, password },
      });
      recordConnectionTest(deps.current().store, 'pascom', report.ok, deps.clock.now().getTime());
      return page(res, { pascom: { ...form, password: '' }, pascomTest: report });
    }
    const saved = await saveConfig(deps, req, (doc) => applyPascomForm(doc, form));
    if (!saved.ok)
      return page(
        res,
        { pascom: { ...form, password: '' }, pascomErrors: schemaErrors(saved.errors, res.locals.t, fieldOfPath) },
        422,
      );
    res.redirect(303, `${res.locals.base}/connection`);
  });

  return router;
}
