/**
 * RFC 4515 escaping: every value placed in an LDAP filter goes through `escapeFilterValue`.
 * `*`, `(`, `)`, `\` and NUL are escaped as `\XX`; so are non-ASCII bytes of the UTF-8
 * encoding, which keeps the filter printable in logs without changing what it matches.
 */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const safe = byte >= 0x20 && byte < 0x7f && byte !== 0x2a && byte !== 0x28 && byte !== 0x29 && byte !== 0x5c;
    out += safe ? String.fromCharCode(byte) : `\\${byte.toString(16).padStart(2, '0')}`;
  }
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
