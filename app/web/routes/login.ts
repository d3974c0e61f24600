/**
 * Access: single sign-on from the UMC module (`GET /sso?token=`), the login form
 * as fallback, sign-out. Both ways end with the admin group check over LDAP.
 */
import { readFile } from 'node:fs/promises';
import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../deps.js';
import type { MessageKey } from '../../i18n/index.js';
import { DirectoryBindError } from '../../directory/index.js';
import { adminGroupDn, adminMembership, userDnOf, type Membership } from '../auth/admin-check.js';
import { JtiStore } from '../auth/jti-store.js';
import { verifySsoToken } from '../auth/sso-token.js';
import type { WebDeps } from '../deps.js';
import type { RateLimits } from '../middleware/rate-limits.js';
import { signIn, signOut } from '../session.js';

export const SSO_AUDIENCE = 'pascom-connector';
const SSO_MAX_LIFETIME_SEC = 60;

function field(req: Request, name: string): string {
  const body: unknown = req.body;
  const value = typeof body === 'object' && body !== null ? Reflect.get(body, name) : undefined;
  return typeof value === 'string' ? value : '';
}

function membershipOf(app: WebServices, userDn: string): Promise<Membership> {
  return adminMembership(
    app.directory,
    app.config.ucs.baseDn,
    adminGroupDn(app.config.http, app.config.ucs.baseDn),
    userDn,
  );
}

/** Why a user with the right credentials is refused, for the log only: the page never says. */
const REFUSALS: Record<Exclude<Membership, 'member'>, string> = {
  'not-member': 'not in the admin group',
  'no-such-group': 'the admin group does not exist (check http.adminGroupDn / http.adminGroup)',
};

export function loginRoutes(deps: WebDeps, limits: RateLimits): Router {
  const router = Router();
  const jtis = new JtiStore(() => Math.floor(deps.clock.now().getTime() / 1000));
  const loginPage = (res: Response, status: number, error?: MessageKey, username = ''): void => {
    res.status(status).render('login', { error, username, group: deps.current().config.http.adminGroup });
  };

  router.get('/login', (req, res) => {
    if (req.session.user !== undefined) return res.redirect(303, `${res.locals.base}/status`);
    loginPage(res, 200);
  });

  router.post('/login', ...limits.login, async (req, res) => {
    const username = field(req, 'username').trim();
    const password = field(req, 'password');
    if (username === '' || password === '') return loginPage(res, 401, 'login.missing', username);
    const app = deps.current();
    const dn = await userDnOf(app.directory, username);
    if (dn === undefined) {
      deps.logger.warn('admin page login refused: unknown user', { user: username });
      return loginPage(res, 401, 'login.failed', username);
    }
    try {
      await app.directory.verifyPassword(dn, password);
    } catch (error) {
      if (!(error instanceof DirectoryBindError) && (error as { code?: unknown }).code !== 49) throw error;
      deps.logger.warn('admin page login refused: wrong password', { user: username });
      return loginPage(res, 401, 'login.failed', username);
    }
    const membership = await membershipOf(app, dn);
    if (membership !== 'member') {
      deps.logger.warn(`admin page login refused: ${REFUSALS[membership]}`, {
        user: username,
        group: adminGroupDn(app.config.http, app.config.ucs.baseDn),
      });
      // The same answer as a wrong password: the form does not tell who holds a valid password.
      return loginPage(res, 401, 'login.failed', username);
    }
    await signIn(req, username);
    deps.logger.info('admin page login', { user: username, via: 'password' });
    res.redirect(303, `${res.locals.base}/status`);
  });

  router.get('/sso', limits.sso, async (req, res) => {
    const app = deps.current();
    const token = typeof req.query['token'] === 'string' ? req.query['token'] : '';
    const secretFile = app.config.http.ssoSecretFile;
    const secret = await readFile(secretFile, 'utf8').then(
      (text) => text.trim(),
      (error: unknown) => {
        deps.logger.warn(
          'single sign-on refused: the secret file cannot be read (the join script writes it; re-run it)',
          { file: secretFile, error: (error as { code?: string }).code },
        );
        return '';
      },
    );
    if (secret === '') return loginPage(res, 401, 'sso.unavailable');
    const result = verifySsoToken(token, {
      secret,
      audience: SSO_AUDIENCE,
      nowSec: Math.floor(deps.clock.now().getTime() / 1000),
      maxLifetimeSec: SSO_MAX_LIFETIME_SEC,
      seenJti: (jti, exp) => jtis.remember(jti, exp),
    });
    if (!result.ok) {
      deps.logger.warn('single sign-on refused', { reason: result.reason });
      return loginPage(res, 401, 'sso.failed');
    }
    const dn = await userDnOf(app.directory, result.username);
    const membership = dn === undefined ? 'not-member' : await membershipOf(app, dn);
    if (membership !== 'member') {
      deps.logger.warn(`single sign-on refused: ${dn === undefined ? 'unknown user' : REFUSALS[membership]}`, {
        user: result.username,
        group: adminGroupDn(app.config.http, app.config.ucs.baseDn),
      });
      return loginPage(res, 401, 'sso.failed');
    }
    await signIn(req, result.username);
    deps.logger.info('admin page login', { user: result.username, via: 'sso' });
    res.redirect(303, `${res.locals.base}/status`);
  });

  router.post('/logout', async (req, res) => {
    await signOut(req);
    res.redirect(303, `${res.locals.base}/login`);
  });

  return router;
}
