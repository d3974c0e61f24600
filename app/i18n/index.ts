/**
 * The admin page's languages: English and German. `translate` fills `{name}` parameters;
 * `negotiate` picks a language from a cookie or Accept-Language; `reasonText` translates the
 * core's rejection reasons by code and params.
 */
import type { Reason } from '../core/types.js';
import { de } from './de.js';
import { en, type MessageKey } from './en.js';

export type { MessageKey } from './en.js';
export const LANGUAGES = ['en', 'de'] as const;
export type Lang = (typeof LANGUAGES)[number];

const CATALOGS: Record<Lang, { readonly [K in MessageKey]: string }> = { en, de };

export type Params = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function isMessageKey(value: string): value is MessageKey {
  return Object.hasOwn(en, value);
}

function fill(text: string, params: Params | undefined): string {
  if (params === undefined) return text;
  return text.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** Unknown keys (possible from templates, which are not type-checked) show as ⟦key⟧; tests look for that mark. */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const text = Object.hasOwn(CATALOGS[lang], key) ? CATALOGS[lang][key] : undefined;
  return text === undefined ? `⟦${String(key)}⟧` : fill(text, params);
}

export function translator(lang: Lang): Translate {
  return (key, params) => translate(lang, key, params);
}

/** The best of our languages for an Accept-Language header (RFC 9110 q-values); English otherwise. */
export function fromAcceptLanguage(header: string | undefined): Lang {
  if (header === undefined || header === '') return 'en';
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...attrs] = part.trim().split(';');
      const q = attrs.map((a) => /^\s*q=([\d.]+)\s*$/.exec(a)?.[1]).find((v) => v !== undefined);
      return { base: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((entry) => entry.base).find(isLang) ?? 'en';
}

export function negotiate(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  return isLang(cookie) ? cookie : fromAcceptLanguage(acceptLanguage);
}

/** A rejection reason in the page's language; falls back to the core's English message for unknown codes. */
export function reasonText(lang: Lang, reason: Reason): string {
  const params = reason.params ?? {};
  const problem = params['problem'];
  const specific = problem === undefined ? undefined : `reason.${reason.code}.${problem}`;
  if (specific !== undefined && isMessageKey(specific))
    return translate(lang, specific, { field: reason.field ?? '', ...params });
  const general = `reason.${reason.code}`;
  if (!isMessageKey(general)) return reason.message;
  const text = translate(lang, general, { field: reason.field ?? '', ...params });
  // pascom's own words cannot be translated: shown after our sentence.
  if (reason.code === 'pascom-rejected') return `${text} ${translate(lang, 'common.pascomSays')}: ${reason.message}`;
  return text;
}
