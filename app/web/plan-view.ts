/**
 * A simulation's plan as a report: the grouped causes first (count, hint, examples), then one
 * table per kind of change with labelled columns. Filtered by kind, by cause and by text; each
 * table capped for large directories (filter to see the rest).
 */
import { causeOf } from '../core/causes.js';
import type { Cause, Operation, Plan, Reason } from '../core/types.js';
import { isMessageKey, reasonText, type Lang, type Translate } from '../i18n/index.js';
import { pascomFieldLabel, type FieldLabel } from './field-labels.js';

export const KINDS = ['create', 'update', 'delete', 'rejected', 'unchanged'] as const;
export type Kind = (typeof KINDS)[number];
/** Rows per table: more make the page slow to render and to read. */
export const MAX_ROWS = 200;
/** Field columns of the creates table besides the user; the rest go into "More fields". */
const CREATE_COLUMNS = 3;

export interface ReportFilter {
  readonly kind: Kind | undefined;
  readonly cause: string | undefined;
  readonly q: string;
}

export interface CauseView {
  /** The filter value: the cause code, plus `:field` when its reasons name a field. */
  readonly key: string;
  readonly cause: string;
  readonly level: Cause['level'];
  readonly count: number;
  readonly title: string;
  readonly hint: string;
  readonly examples: ReadonlyArray<{ readonly login: string; readonly dn: string; readonly reason: string }>;
}

export interface Note {
  readonly text: string;
  readonly keys: readonly string[];
}

export interface CreateRow {
  readonly login: string;
  readonly dn: string;
  readonly cells: readonly string[];
  readonly more: ReadonlyArray<{ readonly field: FieldLabel; readonly value: string }>;
  readonly notes: readonly Note[];
}

export interface UpdateRow {
  readonly login: string;
  readonly dn: string;
  readonly adopt: boolean;
  readonly changes: ReadonlyArray<{ readonly field: FieldLabel; readonly from: string; readonly to: string }>;
  readonly notes: readonly Note[];
}

export interface DeleteRow {
  readonly login: string;
  readonly reason: string;
}

export interface RejectedRow {
  readonly login: string;
  readonly dn: string;
  readonly reasons: readonly Note[];
}

export interface UnchangedRow {
  readonly login: string;
  readonly dn: string;
  readonly notes: readonly Note[];
}

export interface Section<Row> {
  readonly rows: Row[];
  /** Operations of this kind in the plan. */
  readonly total: number;
  /** Of those, how many pass the filter (rows holds at most MAX_ROWS of them). */
  readonly matched: number;
}

export interface Report {
  readonly causes: readonly CauseView[];
  readonly notices: readonly CauseView[];
  readonly columns: readonly FieldLabel[];
  readonly create: Section<CreateRow>;
  readonly update: Section<UpdateRow>;
  readonly delete: Section<DeleteRow>;
  readonly rejected: Section<RejectedRow>;
  readonly unchanged: Section<UnchangedRow>;
}

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

/** The filter keys a reason belongs to: its cause, and its cause per field (`required-missing:003use_bez`). */
function reasonKeys(reason: Reason): string[] {
  const cause = causeOf(reason);
  return reason.field === undefined ? [cause] : [cause, `${cause}:${reason.field}`];
}

/** The planner groups causes per field as well: the same key as `reasonKeys` gives a reason. */
function causeKey(cause: Cause): string {
  return cause.field === undefined ? cause.cause : `${cause.cause}:${cause.field}`;
}

function note(lang: Lang, reason: Reason): Note {
  return { text: reasonText(lang, reason), keys: reasonKeys(reason) };
}

function causeView(cause: Cause, t: Translate, lang: Lang): CauseView {
  const params: Record<string, string> = { ...cause.params };
  const field = params['field'] ?? cause.field;
  if (field !== undefined) params['field'] = pascomFieldLabel(t, field).label;
  const suggestion = params['suggestion'];
  params['suggestion'] =
    suggestion === undefined || suggestion === '' ? '' : t('sync.suggestion', { value: suggestion });
  const hintKey = `hint.${cause.cause}`;
  const firstReason = cause.examples[0]?.reason;
  return {
    key: causeKey(cause),
    cause: cause.cause,
    level: cause.level,
    count: cause.count,
    title: firstReason === undefined ? cause.cause : reasonTitle(t, lang, cause, firstReason),
    hint: isMessageKey(hintKey) ? t(hintKey, params) : t('hint.cause-other'),
    examples: cause.examples.map((example) => ({
      login: example.login ?? '',
      dn: example.dn,
      reason: reasonText(lang, example.reason),
    })),
  };
}

/** A cause's heading: the hint's first words would repeat it, so the field or the code, in words. */
function reasonTitle(t: Translate, lang: Lang, cause: Cause, reason: Reason): string {
  if (cause.cause === 'required-missing' && cause.field !== undefined)
    return `${t('cause.required-missing')}: ${pascomFieldLabel(t, cause.field).label}`;
  const key = `cause.${cause.cause}`;
  return isMessageKey(key) ? t(key) : reasonText(lang, reason);
}

function textOf(values: readonly string[]): string {
  return values.join('\n').toLowerCase();
}

interface Builder<Row> {
  rows: Row[];
  total: number;
  matched: number;
}

function add<Row>(section: Builder<Row>, row: () => Row, passes: boolean): void {
  section.total++;
  if (!passes) return;
  section.matched++;
  if (section.rows.length < MAX_ROWS) section.rows.push(row());
}

function fieldOrder(plan: Plan, mappingOrder: readonly string[]): string[] {
  const seen = new Set<string>(mappingOrder);
  const extra: string[] = [];
  for (const op of plan.operations)
    if (op.kind === 'create')
      for (const field of Object.keys(op.record))
        if (!seen.has(field)) {
          seen.add(field);
          extra.push(field);
        }
  return [...mappingOrder, ...extra];
}

export function planReport(
  plan: Plan,
  t: Translate,
  lang: Lang,
  mapping: { readonly order: readonly string[]; readonly loginField: string },
  filter: ReportFilter,
): Report {
  const needle = filter.q.trim().toLowerCase();
  const wanted = (kind: Kind): boolean => filter.kind === undefined || filter.kind === kind;
  const inCause = (reasons: readonly Reason[] | undefined): boolean =>
    filter.cause === undefined || (reasons ?? []).some((reason) => reasonKeys(reason).includes(filter.cause ?? ''));
  const found = (values: readonly string[]): boolean => needle === '' || textOf(values).includes(needle);

  const order = fieldOrder(plan, mapping.order).filter((field) => field !== mapping.loginField);
  const usedFields = order.filter((field) =>
    plan.operations.some((op) => op.kind === 'create' && op.record[field] !== undefined),
  );
  const columnFields = usedFields.slice(0, CREATE_COLUMNS);
  const moreFields = usedFields.slice(CREATE_COLUMNS);
  const label = (field: string): FieldLabel => pascomFieldLabel(t, field);

  const create: Builder<CreateRow> = { rows: [], total: 0, matched: 0 };
  const update: Builder<UpdateRow> = { rows: [], total: 0, matched: 0 };
  const remove: Builder<DeleteRow> = { rows: [], total: 0, matched: 0 };
  const rejected: Builder<RejectedRow> = { rows: [], total: 0, matched: 0 };
  const unchanged: Builder<UnchangedRow> = { rows: [], total: 0, matched: 0 };

  for (const op of plan.operations) visit(op);

  function visit(op: Operation): void {
    switch (op.kind) {
      case 'create':
        return add(
          create,
          () => ({
            login: op.login,
            dn: op.dn,
            cells: columnFields.map((field) => op.record[field] ?? ''),
            more: moreFields.flatMap((field) => {
              const value = op.record[field];
              return value === undefined ? [] : [{ field: label(field), value }];
            }),
            notes: (op.notes ?? []).map((reason) => note(lang, reason)),
          }),
          wanted('create') && inCause(op.notes) && found([op.login, op.dn, ...Object.values(op.record)]),
        );
      case 'update':
        return add(
          update,
          () => ({
            login: op.login,
            dn: op.dn,
            adopt: op.adopt,
            changes: Object.entries(op.changes).map(([field, change]) => ({
              field: label(field),
              from: change.from ?? '',
              to: change.to ?? '',
            })),
            notes: (op.notes ?? []).map((reason) => note(lang, reason)),
          }),
          wanted('update') &&
            inCause(op.notes) &&
            found([op.login, op.dn, ...Object.values(op.changes).flatMap((c) => [c.from ?? '', c.to ?? ''])]),
        );
      case 'delete':
        return add(
          remove,
          () => ({ login: op.login, reason: t(`delete.${op.reason}`) }),
          wanted('delete') && filter.cause === undefined && found([op.login]),
        );
      case 'rejected':
        return add(
          rejected,
          () => ({ login: op.login ?? '', dn: op.dn, reasons: op.reasons.map((reason) => note(lang, reason)) }),
          wanted('rejected') &&
            inCause(op.reasons) &&
            found([op.login ?? '', op.dn, ...op.reasons.map((reason) => reasonText(lang, reason))]),
        );
      case 'unchanged':
        return add(
          unchanged,
          () => ({ login: op.login, dn: op.dn, notes: (op.notes ?? []).map((reason) => note(lang, reason)) }),
          wanted('unchanged') && inCause(op.notes) && found([op.login, op.dn]),
        );
    }
  }

  const causes = plan.causes.map((cause) => causeView(cause, t, lang));
  return {
    causes: causes.filter((cause) => cause.level === 'rejected'),
    notices: causes.filter((cause) => cause.level === 'notice'),
    columns: columnFields.map(label),
    create,
    update,
    delete: remove,
    rejected,
    unchanged,
  };
}
