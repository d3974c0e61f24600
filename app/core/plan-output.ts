/** Ordering, counting and the `--json` shape of a plan. */
import type { Cause, Operation, Plan, PlanSummary } from './types.js';

const KIND_ORDER: Readonly<Record<Operation['kind'], number>> = {
  create: 0,
  update: 1,
  delete: 2,
  unchanged: 3,
  rejected: 4,
};

function sortKey(op: Operation): string {
  return op.kind === 'rejected' ? op.dn : op.login;
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Creates, updates, deletes, unchanged, rejected; each by login (DN for rejected), then uuid. */
export function compareOperations(a: Operation, b: Operation): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareText(sortKey(a), sortKey(b)) || compareText(a.uuid, b.uuid);
}

export function sortOperations(ops: readonly Operation[]): Operation[] {
  return [...ops].sort(compareOperations);
}

/** Counts per kind; `blocked` is the number of deletes held back, 0 when the plan is not blocked. */
export function summarize(ops: readonly Operation[], blocked = false): PlanSummary {
  const counts = { create: 0, update: 0, delete: 0, unchanged: 0, rejected: 0 };
  for (const op of ops) counts[op.kind]++;
  return { ...counts, blocked: blocked ? counts.delete : 0 };
}

export interface PlanJson {
  readonly summary: PlanSummary;
  readonly create: { uuid: string; dn: string; login: string; record: Record<string, string> }[];
  readonly update: {
    uuid: string;
    dn: string;
    login: string;
    changes: Record<string, { from: string | null; to: string | null }>;
  }[];
  readonly delete: { uuid: string; login: string; reason: string }[];
  readonly rejected: { uuid: string; dn: string; reasons: string[] }[];
  /** The rejections and notices grouped by cause (types.ts `Cause`), after the rest. */
  readonly causes: CauseJson[];
}

export interface CauseJson {
  cause: string;
  level: string;
  field?: string;
  count: number;
  hint: string;
  params: Record<string, string>;
  examples: { uuid: string; dn: string; login: string | null; message: string }[];
}

/** One cause as `--json` shows it: examples carry the user's own English message. */
export function causeToJson(cause: Cause): CauseJson {
  return {
    cause: cause.cause,
    level: cause.level,
    ...(cause.field === undefined ? {} : { field: cause.field }),
    count: cause.count,
    hint: cause.hint,
    params: { ...cause.params },
    examples: cause.examples.map((e) => ({
      uuid: e.uuid,
      dn: e.dn,
      login: e.login ?? null,
      message: e.reason.message,
    })),
  };
}

/**
 * Exactly the documented `simulate --json` object (docs/operation.md), plus `causes`. A missing value is `null` so
 * `from`/`to` survive JSON.stringify; unchanged users appear only in the summary.
 */
export type PlanJsonSection = 'create' | 'update' | 'delete' | 'rejected';

export const PLAN_JSON_SECTIONS: readonly PlanJsonSection[] = ['create', 'update', 'delete', 'rejected'];

/** One operation as `--json` shows it, with the list it belongs to; unchanged ones are only counted. */
export function operationToJson(
  op: Operation,
): { section: PlanJsonSection; item: PlanJson[PlanJsonSection][number] } | undefined {
  switch (op.kind) {
    case 'create':
      return { section: 'create', item: { uuid: op.uuid, dn: op.dn, login: op.login, record: { ...op.record } } };
    case 'update':
      return {
        section: 'update',
        item: { uuid: op.uuid, dn: op.dn, login: op.login, changes: changesToJson(op.changes) },
      };
    case 'delete':
      return { section: 'delete', item: { uuid: op.uuid, login: op.login, reason: op.reason } };
    case 'rejected':
      return { section: 'rejected', item: { uuid: op.uuid, dn: op.dn, reasons: op.reasons.map((r) => r.message) } };
    case 'unchanged':
      return undefined;
  }
}

export function planToJson(plan: Plan): PlanJson {
  const json: PlanJson = { summary: plan.summary, create: [], update: [], delete: [], rejected: [], causes: [] };
  for (const op of plan.operations) {
    const entry = operationToJson(op);
    if (entry !== undefined) (json[entry.section] as unknown[]).push(entry.item);
  }
  json.causes.push(...plan.causes.map(causeToJson));
  return json;
}

function changesToJson(
  changes: Readonly<Record<string, { from: string | undefined; to: string | undefined }>>,
): Record<string, { from: string | null; to: string | null }> {
  const out: Record<string, { from: string | null; to: string | null }> = {};
  for (const [field, change] of Object.entries(changes))
    out[field] = { from: change.from ?? null, to: change.to ?? null };
  return out;
}
