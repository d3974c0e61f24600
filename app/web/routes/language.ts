/** The language switch: a cookie for a year, then back to the page it was used on (same base only). */
import { Router } from 'express';
import { isLang } from '../../i18n/index.js';
import { bodyOf, text } from '../form.js';
import { LANG_COOKIE } from '../middleware/i18n.js';

/** Only a plain path below base: never another host (no open redirect). */
export function safeBack(back: string): string {
  return /^\/[A-Za-z0-9/_-]*$/.test(back) && !back.startsWith('//') ? back : '/status';
}

export function languageRoutes(): Router {
  const router = Router();
  router.post('/language', (req, res) => {
    const body = bodyOf(req);
    const lang = text(body, 'lang');
    if (isLang(lang)) {
      res.cookie(LANG_COOKIE, lang, {
        path: res.locals.base,
        maxAge: 365 * 86_400_000,
        httpOnly: true,
        sameSite: 'strict',
        secure: req.secure,
      });
    }
    res.redirect(303, `${res.locals.base}${safeBack(text(body, 'back'))}`);
  });
  return router;
}
