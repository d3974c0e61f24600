/** What every request carries for the templates (res.locals) and the session. */
import type { Lang, MessageKey, Params, Translate } from '../i18n/index.js';
import type { Formatters } from './format.js';

export interface Flash {
  readonly type: 'ok' | 'error' | 'info';
  readonly key: MessageKey;
  readonly params?: Params | undefined;
  /** Text we cannot translate (a server's message), shown after the translated one. */
  readonly extra?: string | undefined;
}

declare module 'express-session' {
  interface SessionData {
    /** The UCS user name of the signed-in administrator. */
    user?: string;
    /** The synchronizer token of this session (csrf.ts). */
    csrf?: string;
    /** Messages for the next page shown (post/redirect/get). */
    flash?: Flash[];
  }
}

declare module 'express-serve-static-core' {
  interface Locals {
    t: Translate;
    lang: Lang;
    /** `http.basePath`, e.g. `/pascom-connector`. */
    base: string;
    csrfToken: string;
    user: string | undefined;
    /** The request path below base, for the navigation and the language switch. */
    here: string;
    /** The page the language switch returns to (a GET page below base). */
    back: string;
    flash: Flash[];
    fmt: Formatters;
  }
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly key: MessageKey,
    readonly params?: Params,
  ) {
    super(key);
  }
}
