/**
 * The one error handler: maps every error to a status and a translated message, logs it, and
 * renders the error page (or JSON below /api/). Domain errors map here and nowhere else.
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from '../../core/ports.js';
import { DirectoryError } from '../../directory/index.js';
import type { MessageKey, Params } from '../../i18n/index.js';
import { translate } from '../../i18n/index.js';
import { PascomError } from '../../pascom/errors.js';
import { SyncBusyError } from '../../sync/full-sync.js';
import { HttpError } from '../types.js';

interface Mapped {
  readonly status: number;
  readonly key: MessageKey;
  readonly params?: Params | undefined;
  /** Words of LDAP or pascom, shown as-is after a translated prefix. */
  readonly extra?: string | undefined;
  readonly prefix?: MessageKey | undefined;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

export function mapError(error: unknown): Mapped {
  if (error instanceof HttpError) return { status: error.status, key: error.key, params: error.params };
  if (error instanceof SyncBusyError) return { status: 409, key: 'error.busy' };
  if (error instanceof DirectoryError)
    return { status: 502, key: 'error.directory', extra: error.message, prefix: 'common.ldapSays' };
  if (error instanceof PascomError)
    return { status: 502, key: 'error.pascom', extra: error.message, prefix: 'common.pascomSays' };
  const status = statusOf(error);
  // body-parser's errors (malformed body, too large) carry a 4xx status.
  if (status !== undefined && status < 500) return { status, key: 'error.badRequest' };
  return { status: 500, key: 'error.internal' };
}

function logFailure(logger: Logger, req: Request, mapped: Mapped, error: unknown): void {
  // The path only: a query may hold an SSO token; bodies may hold passwords.
  const meta = {
    method: req.method,
    path: req.path,
    status: mapped.status,
    error: error instanceof Error ? error.message : String(error),
  };
  if (mapped.status >= 500)
    logger.error('admin page request failed', { ...meta, stack: error instanceof Error ? error.stack : undefined });
  else if (mapped.status !== 404) logger.warn('admin page request refused', meta);
}

export function notFound(): RequestHandler {
  return (_req, _res, next) => next(new HttpError(404, 'error.notFound'));
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const mapped = mapError(error);
    logFailure(logger, req, mapped, error);
    const lang = res.locals.lang ?? 'en';
    const message = translate(lang, mapped.key, mapped.params);
    const prefix = mapped.prefix === undefined ? undefined : translate(lang, mapped.prefix);
    res.status(mapped.status);
    if (req.path.startsWith('/api/')) {
      res.json({ error: message, ...(mapped.extra === undefined ? {} : { detail: mapped.extra }) });
      return;
    }
    res.render(
      'error',
      { message, prefix, extra: mapped.extra, status: mapped.status },
      (renderError: Error | null, html?: string) => {
        if (renderError !== null || html === undefined) {
          logger.error('the error page could not be rendered', { error: renderError?.message });
          res.type('text/plain').send(message);
          return;
        }
        res.send(html);
      },
    );
  };
}
