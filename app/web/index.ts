/**
 * The admin page: express 5 + ejs, served under `http.basePath`.
 * Order matters: security headers and static files, language, the original scheme, the session
 * (stored only once someone signs in), then the health routes (healthz open, metrics for an
 * administrator's session or a bearer token), CSRF, sign-in, and only then the sections, which
 * all require a signed-in UCS administrator. One error handler at the end.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router } from 'express';
import session from 'express-session';
import type { WebDeps } from './deps.js';
import { requireAdmin } from './middleware/auth.js';
import { csrfCheck, csrfToken } from './middleware/csrf.js';
import { errorHandler, notFound } from './middleware/errors.js';
import { takeFlash } from './middleware/flash.js';
import { i18n } from './middleware/i18n.js';
import { rateLimits } from './middleware/rate-limits.js';
import { originalScheme, readDefaultGateway, trustProxySetting } from './middleware/proxy.js';
import { securityHeaders, ucsOrigins } from './middleware/security.js';
import { PUBLIC_DIR, VIEWS_DIR } from './paths.js';
import { authenticationRoutes } from './routes/authentication.js';
import { automateRoutes } from './routes/automate.js';
import { connectionRoutes } from './routes/connection.js';
import { languageRoutes } from './routes/language.js';
import { loginRoutes } from './routes/login.js';
import { mappingRoutes } from './routes/mapping.js';
import { statusRoutes } from './routes/status.js';
import { syncRoutes } from './routes/sync.js';
import { MemorySessionStore } from './session-store.js';
import { SyncJobs } from './sync-jobs.js';
import './types.js';

export type { WebDeps, ReloadResult } from './deps.js';

/** Signed-in sessions end after this long without a request. */
export const IDLE_TIMEOUT_MS = 30 * 60_000;
export const SESSION_COOKIE = 'pascom_connector_sid';

function sessionMiddleware(basePath: string, secret: Buffer): express.RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: secret.toString('hex'),
    store: new MemorySessionStore({ ttlMs: IDLE_TIMEOUT_MS }),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    // SameSite=Strict: the UMC iframe is same-site with the UCS host, so the cookie is still
    // sent inside it; a link from another site lands on the login form instead.
    cookie: { path: basePath, httpOnly: true, sameSite: 'strict', secure: 'auto', maxAge: IDLE_TIMEOUT_MS },
  });
}

function sectionRoutes(deps: WebDeps, jobs: SyncJobs, limits: ReturnType<typeof rateLimits>): Router {
  const router = Router();
  router.use(requireAdmin());
  router.get('/', (_req, res) => res.redirect(303, `${res.locals.base}/status`));
  router.use(statusRoutes(deps));
  router.use(connectionRoutes(deps));
  router.use(mappingRoutes(deps, jobs));
  router.use(syncRoutes(deps, jobs));
  router.use(automateRoutes(deps));
  router.use(authenticationRoutes(deps, limits));
  return router;
}

export function createWebApp(deps: WebDeps): express.Express {
  const config = deps.current().config;
  const basePath = config.http.basePath;
  const app = express();
  app.set('trust proxy', trustProxySetting(config.http.trustProxy, readDefaultGateway()));
  app.set('views', VIEWS_DIR);
  app.set('view engine', 'ejs');
  app.set('view cache', (deps.env ?? {})['NODE_ENV'] !== 'development');
  app.disable('x-powered-by');

  // Random per process: a restart signs everyone out, which is fine for an admin page. The
  // anonymous CSRF tokens get a key of their own.
  const secret = randomBytes(32);
  const csrf = { secret: randomBytes(32), path: basePath };
  const limits = rateLimits();
  const jobs = new SyncJobs();
  const base = Router();
  base.use(securityHeaders([...ucsOrigins(deps.env ?? {}), ...config.http.frameAncestors]));
  base.use('/static', express.static(PUBLIC_DIR, { index: false, maxAge: '1h', fallthrough: false }));
  base.use(i18n());
  base.use((req, res, next) => {
    res.locals.base = basePath;
    res.locals.here = req.path;
    // Where the language switch returns to: this page, or after a POST its section (a GET page).
    res.locals.back = req.method === 'GET' ? req.path : `/${req.path.split('/')[1] ?? ''}`;
    res.locals.user = undefined;
    res.locals.flash = [];
    res.locals.csrfToken = '';
    next();
  });
  base.use(express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 5000 }));
  base.use(express.json({ limit: '64kb' }));
  base.use(originalScheme());
  base.use(sessionMiddleware(basePath, secret));
  base.use((req, res, next) => {
    res.locals.user = req.session.user;
    next();
  });
  if (deps.publicRoutes !== undefined) base.use(deps.publicRoutes);
  base.use(csrfToken(csrf));
  base.use(takeFlash());
  base.use(csrfCheck(csrf));
  base.use(languageRoutes());
  base.use(loginRoutes(deps, limits));
  base.use(sectionRoutes(deps, jobs, limits));
  base.use(notFound());
  base.use(errorHandler(deps.logger));

  app.get('/', (_req, res) => res.redirect(303, `${basePath}/`));
  app.use(basePath, base);
  return app;
}

export interface WebServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startWebServer(deps: WebDeps, listen: { host: string; port: number }): Promise<WebServer> {
  const server = createServer(createWebApp(deps));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${deps.current().config.http.basePath}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
