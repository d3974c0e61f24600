/** Reading urlencoded form bodies safely: every value is a string, a list of strings, or absent. */
import type { Request } from 'express';
import type { ConfigError } from '../config/index.js';
import type { Translate } from '../i18n/index.js';
import { looksLikeFilter } from '../config/schema.js';

export type FormBody = Readonly<Record<string, unknown>>;

export function bodyOf(req: Request): FormBody {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null ? (body as FormBody) : {};
}

export function text(body: FormBody, name: string): string {
  const value = body[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

export function list(body: FormBody, name: string): string[] {
  const value = body[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function checked(body: FormBody, name: string): boolean {
  return list(body, name).length > 0;
}

/** Field name → message, for errors shown next to inputs. */
export type FieldErrors = Record<string, string>;

/**
 * Schema errors from updateConfigFile, keyed by the form field they belong to. Their text is
 * the config module's English: shown as-is after a translated prefix.
 */
export function schemaErrors(
  errors: readonly ConfigError[],
  t: Translate,
  fieldOf: (path: string) => string,
): FieldErrors {
  const out: FieldErrors = {};
  for (const error of errors) {
    const key = fieldOf(error.path);
    out[key] = `${out[key] === undefined ? '' : `${out[key]} `}${t('common.errorsPrefix')}: ${error.message}`;
  }
  return out;
}

const LDAP_URL = /^ldaps?:\/\/[^\s/]+/i;
const HTTP_URL = /^https?:\/\/[^\s/]+/i;

export function isLdapUrl(value: string): boolean {
  return LDAP_URL.test(value) && URL.canParse(value);
}

export function isHttpUrl(value: string): boolean {
  return HTTP_URL.test(value) && URL.canParse(value);
}

export { looksLikeFilter };
