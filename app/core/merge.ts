/**
 * pascom's PUT replaces the whole identity, while a plan only speaks for the fields the mapping
 * manages. The body of an update is therefore the identity as pascom holds it, with the managed
 * fields set to their new values and the ones the directory no longer has removed — so fields
 * maintained in pascom itself survive every sync.
 */
import type { FieldChanges, PascomRecord } from './types.js';

export function mergeForReplace(current: PascomRecord, desired: PascomRecord, changes: FieldChanges): PascomRecord {
  const merged: Record<string, string> = { ...current };
  for (const [field, change] of Object.entries(changes)) {
    if (change.to === undefined) delete merged[field];
  }
  return { ...merged, ...desired };
}
