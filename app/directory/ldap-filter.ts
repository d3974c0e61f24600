/**
 * RFC 4515 escaping: every value placed in an LDAP filter goes through `escapeFilterValue`.
 * Only what RFC 4515 requires is escaped — `*`, `(`, `)`, `\` and NUL, as `\XX` — and every
 * other character, non-ASCII included, is sent as UTF-8 as it is. Escaping the UTF-8 bytes
 * (`ü` → `\c3\bc`) is allowed by the RFC, but ldapts' filter parser turns each `\XX` into one
 * UTF-16 code unit, so `ü` would reach the server as the two characters `Ã¼` and never match.
 */
const ESCAPED: Readonly<Record<string, string>> = {
  '*': '\\2a',
  '(': '\\28',
  ')': '\\29',
  '\\': '\\5c',
  '\u0000': '\\00',
};

export function escapeFilterValue(value: string): string {
  let out = '';
  for (const char of value) out += ESCAPED[char] ?? char;
  return out;
}

/** `(attr=value)` with the value escaped; `attr` must be a plain attribute description. */
export function equalityFilter(attribute: string, value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(attribute)) {
    throw new Error(`not an LDAP attribute name: ${JSON.stringify(attribute)}`);
  }
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/** AND of filters, each already well-formed. */
export function andFilter(...filters: readonly string[]): string {
  return filters.length === 1 ? (filters[0] ?? '') : `(&${filters.join('')})`;
}

/** OR of filters, each already well-formed. */
export function orFilter(...filters: readonly string[]): string {
  return filters.length === 1 ? (filters[0] ?? '') : `(|${filters.join('')})`;
}
