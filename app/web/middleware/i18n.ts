/** Picks the page language (cookie `lang`, else Accept-Language) and puts `t` and formatters into res.locals. */
import type { RequestHandler } from 'express';
import { negotiate, translator } from '../../i18n/index.js';
import { formatters } from '../format.js';

export const LANG_COOKIE = 'lang';

/** The value of one cookie from the Cookie header (no cookie-parser needed for one value). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export function i18n(): RequestHandler {
  return (req, res, next) => {
    const lang = negotiate(readCookie(req.headers.cookie, LANG_COOKIE), req.headers['accept-language']);
    const t = translator(lang);
    res.locals.lang = lang;
    res.locals.t = t;
    res.locals.fmt = formatters(lang, t);
    res.setHeader('Content-Language', lang);
    res.vary('Accept-Language');
    next();
  };
}
