/**
 * Reading a mapping rule's source expression from a directory user: an attribute name
 * (`displayName`) or a template (`{givenName} {sn}`).
 */
import type { DirectoryUser } from './types.js';

/** Same placeholder syntax as attributes.ts, which lists the attributes a template reads. */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9-]*)\}/g;

/**
 * The first non-empty value of an attribute. LDAP attribute names are case-insensitive, so a
 * differently cased key (`telephonenumber`) still matches when the exact one is absent.
 */
export function firstValue(user: DirectoryUser, attribute: string): string {
  const values = user.attributes[attribute] ?? findCaseInsensitive(user, attribute);
  return values?.find((value) => value !== '') ?? '';
}

function findCaseInsensitive(user: DirectoryUser, attribute: string): readonly string[] | undefined {
  const wanted = attribute.toLowerCase();
  // for…in allocates nothing; this runs for every absent attribute of every user.
  for (const name in user.attributes) {
    if (name.toLowerCase() === wanted) return user.attributes[name];
  }
  return undefined;
}

/**
 * The raw value of one source expression, `''` for none. A template yields nothing when all its
 * placeholders are empty; otherwise white space is trimmed and collapsed, so a missing first
 * name gives `Doe`, not ` Doe`.
 */
export function readSource(user: DirectoryUser, source: string): string {
  if (!source.includes('{')) return firstValue(user, source);
  let anyValue = false;
  const filled = source.replace(PLACEHOLDER, (_match, name: string) => {
    const value = firstValue(user, name);
    if (value.trim() !== '') anyValue = true;
    return value;
  });
  return anyValue ? filled.trim().replace(/\s+/g, ' ') : '';
}
