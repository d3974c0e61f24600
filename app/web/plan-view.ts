/** A simulation's plan as table rows for the page, filtered by kind and text, capped for large directories. */
import type { Lang } from '../i18n/index.js';
import { reasonText } from '../i18n/index.js';
import type { Operation, Plan } from '../core/types.js';

export const KINDS = ['create', 'update', 'delete', 'unchanged', 'rejected'] as const;
export type Kind = (typeof KINDS)[number];
/** More rows than this make the page slow to render and to read: filter to see others. */
export const MAX_ROWS = 500;

export interface PlanRow {
  readonly kind: Kind;
  readonly login: string;
  readonly dn: string;
  readonly changes: ReadonlyArray<{ field: string; from: string; to: string }>;
  readonly reasons: readonly string[];
  /** Message key suffix of a delete's reason (`delete.<reason>`). */
  readonly deleteReason: string | undefined;
}

export interface PlanTable {
  readonly rows: readonly PlanRow[];
  readonly total: number;
  readonly matched: number;
}

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

function toRow(op: Operation, lang: Lang): PlanRow {
  switch (op.kind) {
    case 'create':
    case 'unchanged':
      return {
        kind: op.kind,
        login: op.login,
        dn: op.dn,
        changes: op.kind === 'create' ? Object.entries(op.record).map(([field, to]) => ({ field, from: '', to })) : [],
        reasons: [],
        deleteReason: undefined,
      };
    case 'update':
      return {
        kind: 'update',
        login: op.login,
        dn: op.dn,
        changes: Object.entries(op.changes).map(([field, c]) => ({ field, from: c.from ?? '', to: c.to ?? '' })),
        reasons: [],
        deleteReason: undefined,
      };
    case 'delete':
      return { kind: 'delete', login: op.login, dn: '', changes: [], reasons: [], deleteReason: op.reason };
    case 'rejected':
      return {
        kind: 'rejected',
        login: '',
        dn: op.dn,
        changes: [],
        reasons: op.reasons.map((reason) => reasonText(lang, reason)),
        deleteReason: undefined,
      };
  }
}

function matches(row: PlanRow, needle: string): boolean {
  if (needle === '') return true;
  const haystack = [row.login, row.dn, ...row.reasons, ...row.changes.flatMap((c) => [c.field, c.from, c.to])]
    .join('\n')
    .toLowerCase();
  return haystack.includes(needle);
}

export function planTable(plan: Plan, lang: Lang, kind: Kind | undefined, query: string): PlanTable {
  const needle = query.trim().toLowerCase();
  const rows: PlanRow[] = [];
  let matched = 0;
  for (const op of plan.operations) {
    if (kind !== undefined && op.kind !== kind) continue;
    const row = toRow(op, lang);
    if (!matches(row, needle)) continue;
    matched++;
    if (rows.length < MAX_ROWS) rows.push(row);
  }
  return { rows, total: plan.operations.length, matched };
}
