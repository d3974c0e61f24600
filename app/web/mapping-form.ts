/**
 * The Mapping section's editable table: form rows ↔ MappingRule, validated in the page's
 * language row by row (errors next to the row), and written back as the `mapping:` list.
 */
import type { Document } from 'yaml';
import { POLICIES, TRANSFORMS, sourceProblem } from '../config/index.js';
import type { FieldPolicy, MappingRule, Transform } from '../core/rules.js';
import type { Translate } from '../i18n/index.js';
import { checked, list, text, type FormBody } from './form.js';

/** One table row as typed: strings, so an invalid row can be shown again as entered. */
export interface RowDraft {
  field: string;
  sources: string;
  transforms: string[];
  default: string;
  required: boolean;
  policy: string;
}

export type RowErrors = Partial<Record<'field' | 'sources' | 'transforms' | 'policy', string>>;

export interface MappingValidation {
  readonly rules: MappingRule[] | undefined;
  readonly rowErrors: RowErrors[];
  readonly general: string[];
}

export function draftsFromRules(rules: readonly MappingRule[]): RowDraft[] {
  return rules.map((rule) => ({
    field: rule.field,
    sources: rule.sources.join('\n'),
    transforms: [...rule.transforms],
    default: rule.default ?? '',
    required: rule.required,
    policy: rule.policy,
  }));
}

export function emptyDraft(): RowDraft {
  return { field: '', sources: '', transforms: [], default: '', required: false, policy: 'force' };
}

/** Rows from fields named `rule<i>.<name>`, in index order. */
export function readDrafts(body: FormBody): RowDraft[] {
  const indexes = Object.keys(body)
    .map((key) => /^rule(\d{1,4})\.field$/.exec(key)?.[1])
    .filter((index): index is string => index !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  return indexes.map((i) => ({
    field: text(body, `rule${i}.field`).trim(),
    sources: text(body, `rule${i}.sources`),
    transforms: list(body, `rule${i}.transforms`),
    default: text(body, `rule${i}.default`),
    required: checked(body, `rule${i}.required`),
    policy: text(body, `rule${i}.policy`),
  }));
}

/**
 * Sources are one per line; on a single line, commas separate them. So a template with a
 * comma in it (`{sn}, {givenName}`) is written on its own line.
 */
export function splitSources(input: string): string[] {
  const parts = /[\r\n]/.test(input.trim()) ? input.split(/\r?\n/) : input.split(',');
  return parts.map((source) => source.trim()).filter((source) => source !== '');
}

function isTransform(value: string): value is Transform {
  return (TRANSFORMS as readonly string[]).includes(value);
}

function isPolicy(value: string): value is FieldPolicy {
  return (POLICIES as readonly string[]).includes(value);
}

function validateRow(row: RowDraft, t: Translate): { rule?: MappingRule; errors: RowErrors } {
  const errors: RowErrors = {};
  if (!/^\S+$/.test(row.field)) errors.field = t('val.fieldName');
  const sources = splitSources(row.sources);
  const badSource = sources.find((source) => sourceProblem(source) !== undefined);
  if (sources.length === 0) errors.sources = t('val.noSources');
  else if (badSource !== undefined) errors.sources = t('val.source', { source: badSource });
  const badTransform = row.transforms.find((name) => !isTransform(name));
  if (badTransform !== undefined) errors.transforms = t('val.transform', { name: badTransform });
  if (!isPolicy(row.policy)) errors.policy = t('val.policy', { name: row.policy });
  if (Object.keys(errors).length > 0 || !isPolicy(row.policy)) return { errors };
  const rule: MappingRule = {
    field: row.field,
    sources,
    transforms: row.transforms.filter(isTransform),
    required: row.required,
    policy: row.policy,
    ...(row.default === '' ? {} : { default: row.default }),
  };
  return { rule, errors };
}

export function validateDrafts(rows: readonly RowDraft[], loginField: string, t: Translate): MappingValidation {
  const results = rows.map((row) => validateRow(row, t));
  const rowErrors = results.map((result) => result.errors);
  const firstRow = new Map<string, number>();
  rows.forEach((row, index) => {
    const first = firstRow.get(row.field);
    const errors = rowErrors[index];
    if (first !== undefined && errors !== undefined && errors.field === undefined)
      errors.field = t('val.fieldDuplicate', { row: first + 1 });
    else if (first === undefined) firstRow.set(row.field, index);
  });
  const general = rows.some((row) => row.field === loginField) ? [] : [t('val.noLogin', { field: loginField })];
  const valid = general.length === 0 && rowErrors.every((errors) => Object.keys(errors).length === 0);
  return {
    rules: valid ? results.flatMap((result) => (result.rule === undefined ? [] : [result.rule])) : undefined,
    rowErrors,
    general,
  };
}

/** The rules as they are written into config.yaml. */
export function applyMapping(doc: Document, rules: readonly MappingRule[]): void {
  doc.setIn(
    ['mapping'],
    doc.createNode(
      rules.map((rule) => ({
        field: rule.field,
        sources: [...rule.sources],
        ...(rule.transforms.length === 0 ? {} : { transforms: [...rule.transforms] }),
        ...(rule.default === undefined ? {} : { default: rule.default }),
        required: rule.required,
        policy: rule.policy,
      })),
    ),
  );
}
