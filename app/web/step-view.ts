/** Test steps of every kind (UCS connection, pascom connection, authentication) as one table model, translated. */
import type { UcsStep } from '../directory/connection-test.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { isMessageKey } from '../i18n/index.js';
import type { ConnectionStep } from '../pascom/test-connection.js';
import type { AuthStep } from '../sync/auth-test.js';

export interface StepView {
  readonly name: string;
  readonly status: 'ok' | 'failed' | 'skipped' | 'warning';
  readonly ms: number;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  /** Words of the server (untranslatable), shown after `prefix`. */
  readonly message: string | undefined;
  readonly prefix: string;
}

function key(candidate: string): MessageKey | undefined {
  return isMessageKey(candidate) ? candidate : undefined;
}

export function ucsStepViews(steps: readonly UcsStep[], t: Translate): StepView[] {
  return steps.map((step) => {
    const detailKey = step.detail === undefined ? undefined : key(`detail.${step.detail.key}`);
    const hintKey = step.hint === undefined ? undefined : key(`hint.${step.hint}`);
    return {
      name: step.name,
      status: step.status,
      ms: step.ms,
      detail: detailKey === undefined ? undefined : t(detailKey, step.detail?.params),
      hint: hintKey === undefined ? undefined : t(hintKey),
      message: step.message,
      prefix: t('common.ldapSays'),
    };
  });
}

/** pascom's connection steps describe themselves in English: shown as the server's words. */
export function pascomStepViews(steps: readonly ConnectionStep[], t: Translate): StepView[] {
  return steps.map((step) => ({
    name: step.name,
    status: step.ok ? 'ok' : 'failed',
    ms: step.ms,
    detail: undefined,
    hint: step.ok ? undefined : t('hint.pascom-failed'),
    message: step.detail,
    prefix: t(step.name === 'auth' ? 'common.pascomSays' : 'common.detail'),
  }));
}

export function authStepViews(steps: readonly AuthStep[], t: Translate): StepView[] {
  return steps.map((step) => ({
    name: step.name,
    status: step.ok ? 'ok' : 'failed',
    ms: step.ms,
    detail: undefined,
    hint: step.ok ? undefined : t(key(`authfail.${step.name}`) ?? 'common.failed'),
    message: step.detail,
    prefix: t('common.detail'),
  }));
}
