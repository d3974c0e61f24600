/**
 * The audit trail in the admin's words: what happened (created, renamed, …), who caused it
 * (an import run, live sync, an administrator) and which fields, labelled, with the codes kept.
 */
import { isMessageKey, type MessageKey, type Translate } from '../i18n/index.js';
import type { AuditEntry } from '../store/index.js';
import { pascomFieldLabel, type FieldLabel } from './field-labels.js';

export interface AuditRow {
  readonly at: number;
  readonly login: string;
  /** The action in words; the stored action name is kept in `code`. */
  readonly action: string;
  readonly code: string;
  readonly result: AuditEntry['result'];
  readonly resultText: string;
  readonly actor: string;
  /** The changed fields when the detail is a list of them (create, update, rename). */
  readonly fields: readonly FieldLabel[];
  /** The detail as stored when it is not a field list (a reason, pascom's words). */
  readonly detail: string;
}

const FIELD_LIST_ACTIONS = new Set(['create', 'update', 'rename']);

function key(candidate: string): MessageKey | undefined {
  return isMessageKey(candidate) ? candidate : undefined;
}

/** `full-sync:12`, `listener:syncrepl`, `admin:anna`, `cli`, `schedule` in words; anything else as stored. */
export function actorText(t: Translate, actor: string): string {
  const [kind = '', ...rest] = actor.split(':');
  const value = rest.join(':');
  if (kind === 'full-sync' && value !== '') return t('audit.actor.full-sync', { id: value });
  if (kind === 'listener') return t('audit.actor.listener', { source: value === '' ? '—' : value });
  if (kind === 'admin') return t('audit.actor.admin', { user: value });
  if (actor === 'cli') return t('audit.actor.cli');
  if (actor === 'schedule') return t('audit.actor.schedule');
  return actor;
}

export function auditRow(t: Translate, entry: AuditEntry): AuditRow {
  const actionKey = key(`audit.action.${entry.action}`);
  const detail = entry.detail ?? '';
  const listed = detail.split(',').map((part) => part.trim());
  const isFieldList =
    FIELD_LIST_ACTIONS.has(entry.action) && detail !== '' && listed.every((part) => /^[\w.-]+$/.test(part));
  return {
    at: entry.at,
    login: entry.login ?? '',
    action: actionKey === undefined ? entry.action : t(actionKey),
    code: entry.action,
    result: entry.result,
    resultText: t(`audit.result.${entry.result}`),
    actor: actorText(t, entry.actor),
    fields: isFieldList ? listed.map((code) => pascomFieldLabel(t, code)) : [],
    detail: isFieldList ? '' : detail,
  };
}
