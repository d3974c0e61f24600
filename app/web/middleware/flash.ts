/** Post/redirect/get messages: a route adds a flash, the next page shows it once. */
import type { Request, RequestHandler } from 'express';
import type { Flash } from '../types.js';

export function addFlash(req: Request, flash: Flash): void {
  req.session.flash = [...(req.session.flash ?? []), flash];
}

export function takeFlash(): RequestHandler {
  return (req, res, next) => {
    res.locals.flash = req.session.flash ?? [];
    if (req.method === 'GET' && req.session.flash !== undefined) delete req.session.flash;
    next();
  };
}
