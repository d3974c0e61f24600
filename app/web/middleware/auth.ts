/** Only a signed-in UCS administrator passes; others go to the login form (pages) or get 401 (API, POST). */
import type { RequestHandler } from 'express';
import { HttpError } from '../types.js';

export function requireAdmin(): RequestHandler {
  return (req, res, next) => {
    const user = req.session.user;
    if (user !== undefined) {
      res.locals.user = user;
      return next();
    }
    if (req.method === 'GET' && !req.path.startsWith('/api/')) return res.redirect(303, `${res.locals.base}/login`);
    next(new HttpError(401, 'error.unauthorized'));
  };
}
