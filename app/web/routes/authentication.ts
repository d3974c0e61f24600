/**
 * Authentication: YES/NO (`auth.ucs`) and the authentication test. The test's password goes
 * to App.authTest only: never logged, stored, or rendered back into the form.
 */
import { Router, type Response } from 'express';
import type { AuthTestResult } from '../../sync/auth-test.js';
import { saveConfig } from '../config-edit.js';
import type { WebDeps } from '../deps.js';
import { bodyOf, text } from '../form.js';
import { authStepViews } from '../step-view.js';
import type { RateLimits } from '../middleware/rate-limits.js';

export function authenticationRoutes(deps: WebDeps, limits: RateLimits): Router {
  const router = Router();
  const page = (
    res: Response,
    state: { result?: AuthTestResult; login?: string; missing?: boolean },
    status = 200,
  ): void => {
    const result =
      state.result === undefined
        ? undefined
        : {
            passed: state.result.passed,
            login: state.result.login,
            steps: authStepViews(state.result.steps, res.locals.t),
          };
    res.status(status).render('authentication', {
      ucs: deps.current().config.auth.ucs,
      result,
      login: state.login ?? '',
      missing: state.missing ?? false,
    });
  };

  router.get('/authentication', (_req, res) => page(res, {}));

  router.post('/authentication', async (req, res) => {
    const ucs = text(bodyOf(req), 'ucs') === 'yes';
    await saveConfig(deps, req, (doc) => doc.setIn(['auth', 'ucs'], ucs));
    res.redirect(303, `${res.locals.base}/authentication`);
  });

  router.post('/authentication/test', limits.authTest, async (req, res) => {
    const body = bodyOf(req);
    const login = text(body, 'login').trim();
    const password = text(body, 'password');
    if (login === '' || password === '') return page(res, { login, missing: true }, 422);
    const result = await deps.current().authTest(login, password);
    deps.logger.info('authentication test from the admin page', {
      user: req.session.user,
      login,
      passed: result.passed,
    });
    page(res, { result, login });
  });

  return router;
}
