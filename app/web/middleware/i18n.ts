/** Picks the page language (cookie `lang`, else Accept-Language) and puts `t` and formatters into res.locals. */
import type { RequestHandler } from 'express';
import { negotiate, translator, type Lang, type Translate } from '../../i18n/index.js';
import { formatters, type Formatters } from '../format.js';

export const LANG_COOKIE = 'lang';

/**
 * The value of one cookie from the Cookie header (no cookie-parser needed for one value). A
 * value that is not valid percent-encoding (`lang=%E0`) counts as absent: the cookie comes from
 * the client, and a malformed one must not turn every page into an error.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function i18n(): RequestHandler {
  // One translator and one set of formatters per language: building Intl formatters for every
  // request would cost more than most requests do.
  const perLang = new Map<Lang, { t: Translate; fmt: Formatters }>();
  const localeOf = (lang: Lang): { t: Translate; fmt: Formatters } => {
    let entry = perLang.get(lang);
    if (entry === undefined) {
      const t = translator(lang);
      entry = { t, fmt: formatters(lang, t) };
      perLang.set(lang, entry);
    }
    return entry;
  };
  return (req, res, next) => {
    const lang = negotiate(readCookie(req.headers.cookie, LANG_COOKIE), req.headers['accept-language']);
    const { t, fmt } = localeOf(lang);
    res.locals.lang = lang;
    res.locals.t = t;
    res.locals.fmt = fmt;
    res.setHeader('Content-Language', lang);
    res.vary('Accept-Language');
    next();
  };
}
