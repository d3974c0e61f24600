/**
 * The Mapping preview: a few real users (the first five the user filter returns, or one by
 * login, escaped) mapped with the given rules, next to the identity pascom holds now.
 * Reads at most five LDAP entries and asks pascom for at most five identities.
 */
import { attributesForRules } from '../core/attributes.js';
import { mapUser } from '../core/mapping.js';
import type { MappingRule } from '../core/rules.js';
import type { DirectoryUser, PascomRecord, Reason } from '../core/types.js';
import type { WebServices } from './deps.js';

export const PREVIEW_USERS = 5;

export interface PreviewRow {
  readonly dn: string;
  readonly login: string;
  readonly after: PascomRecord | undefined;
  readonly reasons: readonly Reason[];
  /** pascom's identity now; undefined when it has none. */
  readonly before: PascomRecord | undefined;
  /** pascom's words when the identity could not be read. */
  readonly beforeError: string | undefined;
  /** Every field of before and after, in mapping order. */
  readonly fields: readonly string[];
}

export async function readPreviewUsers(
  app: WebServices,
  rules: readonly MappingRule[],
  login: string,
): Promise<DirectoryUser[]> {
  return app.directory.sampleEnabledUsers(attributesForRules(rules), login, PREVIEW_USERS);
}

export async function previewMapping(
  app: WebServices,
  rules: readonly MappingRule[],
  login: string,
): Promise<PreviewRow[]> {
  const users = await readPreviewUsers(app, rules, login);
  const loginField = app.rules.roles.login;
  return Promise.all(
    users.map(async (user): Promise<PreviewRow> => {
      const mapped = mapUser(user, rules, app.rules.extensions, app.rules.roles);
      const after = mapped.ok ? mapped.record : undefined;
      const pascomLogin = after?.[loginField] ?? user.attributes['uid']?.[0]?.toLowerCase() ?? '';
      let before: PascomRecord | undefined;
      let beforeError: string | undefined;
      try {
        before = pascomLogin === '' ? undefined : await app.pascom.getIdentity(pascomLogin);
      } catch (error) {
        beforeError = error instanceof Error ? error.message : String(error);
      }
      const mappedFields = rules.map((rule) => rule.field);
      const extra = Object.keys(before ?? {}).filter((field) => !mappedFields.includes(field));
      return {
        dn: user.dn,
        login: pascomLogin,
        after,
        reasons: mapped.ok ? [] : mapped.reasons,
        before,
        beforeError,
        fields: [...mappedFields, ...extra],
      };
    }),
  );
}
