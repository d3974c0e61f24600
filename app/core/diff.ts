/**
 * Field policies (lsc's force / create values / default) applied to one identity.
 *
 * The returned `record` holds exactly the fields the rules cover, as pascom should hold them
 * after the operation (an absent key = no value). Fields no rule covers are never in it: the
 * pascom client merges the record into the identity it reads (or sends only these fields), so
 * those fields stay untouched. A force field the directory no longer has is absent from the
 * record and listed in `changes` with `to: undefined`: the client must clear it. `changes`
 * lists only fields whose value differs from `current`.
 */
import type { FieldPolicy, MappingRule } from './rules.js';
import type { FieldChange, PascomRecord } from './types.js';

export type DiffMode = 'create' | 'update';

export interface DiffResult {
  readonly record: PascomRecord;
  readonly changes: Readonly<Record<string, FieldChange>>;
}

/** The value a field should have, given its policy; undefined = no value. */
export function resolveField(
  policy: FieldPolicy,
  current: string | undefined,
  desired: string | undefined,
  mode: DiffMode,
): string | undefined {
  if (mode === 'create') return desired;
  if (policy === 'force') return desired;
  if (policy === 'createOnly') return current;
  return current ?? desired;
}

/** Only `field` and `policy` of a rule matter here, so the planner can add managed fields of its own. */
export type PolicyRule = Pick<MappingRule, 'field' | 'policy'>;

export function diffRecords(
  current: PascomRecord | undefined,
  desired: PascomRecord,
  rules: readonly PolicyRule[],
  mode: DiffMode,
): DiffResult {
  const record: Record<string, string> = {};
  const changes: Record<string, FieldChange> = {};
  for (const { field, policy } of rules) {
    const from = nonEmpty(current?.[field]);
    const to = resolveField(policy, from, nonEmpty(desired[field]), mode);
    if (to !== undefined) record[field] = to;
    if (to !== from) changes[field] = { from, to };
  }
  return { record, changes };
}

/** pascom may return `""` for an unset field; that is no value, like an absent key. */
function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
