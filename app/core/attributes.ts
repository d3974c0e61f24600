/** Which LDAP attributes a full or single-user read must request for the given rules. */
import { PLANNER_ATTRIBUTES } from './default-mapping.js';
import type { MappingRule } from './rules.js';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9-]*)\}/g;

/** Attribute names a source expression reads: `displayName` or the placeholders of `{givenName} {sn}`. */
export function attributesOfSource(source: string): string[] {
  if (!source.includes('{')) return [source];
  return [...source.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '').filter((name) => name !== '');
}

/** Every attribute the mapping and the planner need, de-duplicated case-insensitively, stable order. */
export function attributesForRules(rules: readonly MappingRule[]): string[] {
  const seen = new Map<string, string>();
  const wanted = [...rules.flatMap((rule) => rule.sources.flatMap(attributesOfSource)), ...PLANNER_ATTRIBUTES];
  for (const name of wanted) {
    if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  }
  return [...seen.values()];
}
