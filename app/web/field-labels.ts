/**
 * Words first, codes second: pascom's column names (`009ext_extension`) and LDAP attribute
 * names (`telephoneNumber`) as the admin knows them — the seed's field names on the pascom side,
 * UDM's tab and property labels on the UCS side. The code stays available for small type and
 * tooltips; a field or attribute this table does not know keeps its code as its label.
 */
import { isMessageKey, type MessageKey, type Translate } from '../i18n/index.js';

export interface FieldLabel {
  /** pascom's field name as sent on the wire, e.g. `003use_name`. */
  readonly code: string;
  /** The admin's word, e.g. "Login name"; the code itself for an unknown field. */
  readonly label: string;
  /** One line on what the field is for; a generic line for unknown fields. */
  readonly description: string;
  readonly known: boolean;
}

export interface AttributeLabel {
  readonly name: string;
  /** UDM's label with its tab, e.g. "Telephone number (Contact)"; undefined when unknown. */
  readonly label: string | undefined;
}

function keyOf(candidate: string): MessageKey | undefined {
  return isMessageKey(candidate) ? candidate : undefined;
}

export function pascomFieldLabel(t: Translate, code: string): FieldLabel {
  const label = keyOf(`field.${code}`);
  const description = keyOf(`fieldDesc.${code}`);
  if (label === undefined || description === undefined)
    return { code, label: code, description: t('fieldDesc.unknown'), known: false };
  return { code, label: t(label), description: t(description), known: true };
}

export function attributeLabel(t: Translate, name: string): AttributeLabel {
  // LDAP attribute names are case-insensitive; the table spells them as UDM does.
  const known = KNOWN_ATTRIBUTES.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  const key = known === undefined ? undefined : keyOf(`attr.${known}`);
  return { name, label: key === undefined ? undefined : t(key) };
}

const KNOWN_ATTRIBUTES = [
  'uid',
  'displayName',
  'givenName',
  'sn',
  'mailPrimaryAddress',
  'telephoneNumber',
  'homePhone',
  'mobile',
] as const;

/** The attributes a mapping source reads: the name itself, or each `{name}` of a template. */
export function attributesOfSource(source: string): string[] {
  const names = [...source.matchAll(/\{([^{}]+)\}/g)].map((match) => (match[1] ?? '').trim());
  if (names.length > 0) return [...new Set(names.filter((name) => name !== ''))];
  const name = source.trim();
  return name === '' ? [] : [name];
}

/** Every attribute the sources read, labelled, without repeats (for "Reads: …" under a row). */
export function sourceAttributes(t: Translate, sources: readonly string[]): AttributeLabel[] {
  const seen = new Set<string>();
  const out: AttributeLabel[] = [];
  for (const source of sources)
    for (const name of attributesOfSource(source)) {
      if (seen.has(name.toLowerCase())) continue;
      seen.add(name.toLowerCase());
      out.push(attributeLabel(t, name));
    }
  return out;
}
