/**
 * The mapping-as-data evaluator: one directory user → the pascom record it
 * should have, or every reason it cannot have one. Policies (force/createOnly/default) are not
 * applied here but in diff.ts, against what pascom holds.
 */
import { DEFAULT_ROLES } from './default-mapping.js';
import { validateLogin } from './login.js';
import { noDisplayName, requiredMissing } from './reasons.js';
import type { ExtensionRule, FieldRoles, MappingRule } from './rules.js';
import { readSource } from './sources.js';
import { applyTransforms } from './transforms.js';
import type { DirectoryUser, PascomRecord, Reason } from './types.js';

/**
 * `record` holds every mapped field that has a value. The extension field, when mapped, holds
 * the *candidate* taken from the phone number; extensions.ts decides what the user gets.
 */
export type MappingResult =
  { readonly ok: true; readonly record: PascomRecord } | { readonly ok: false; readonly reasons: readonly Reason[] };

/**
 * The value of one rule: the first source whose transformed value is non-empty, else the
 * rule's `default` (taken literally, not transformed), else `''`.
 */
export function evaluateRule(user: DirectoryUser, rule: MappingRule, extensions: ExtensionRule): string {
  for (const source of rule.sources) {
    const raw = readSource(user, source);
    if (raw === '') continue;
    const value = applyTransforms(raw, rule.transforms, extensions);
    if (value !== '') return value;
  }
  return rule.default ?? '';
}

/**
 * Maps `user` with `rules`, collecting all reasons rather than stopping at the first. The login
 * and display-name roles are always required, whatever the rule says: pascom cannot hold an
 * identity without them.
 */
export function mapUser(
  user: DirectoryUser,
  rules: readonly MappingRule[],
  extensions: ExtensionRule,
  roles: FieldRoles = DEFAULT_ROLES,
): MappingResult {
  const record: Record<string, string> = {};
  const reasons: Reason[] = [];
  for (const rule of rules) {
    const value = evaluateRule(user, rule, extensions);
    if (value === '') {
      const reason = missingReason(rule, roles);
      if (reason !== undefined) reasons.push(reason);
      continue;
    }
    if (rule.field === roles.login) reasons.push(...validateLogin(rule.field, value));
    record[rule.field] = value;
  }
  return reasons.length === 0 ? { ok: true, record } : { ok: false, reasons };
}

function missingReason(rule: MappingRule, roles: FieldRoles): Reason | undefined {
  if (rule.field === roles.displayName) return noDisplayName(rule.field);
  if (rule.required || rule.field === roles.login) return requiredMissing(rule.field, rule.sources);
  return undefined;
}
