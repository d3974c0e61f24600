/**
 * The Mapping preview: a few real users (the first five the user filter returns, or one by
 * login, escaped) mapped with the given rules, next to the identity pascom holds now.
 * Reads at most five LDAP entries and asks pascom for at most five identities.
 */
import type { Entry } from 'ldapts';
import { attributesForRules } from '../core/attributes.js';
import { mapUser } from '../core/mapping.js';
import type { MappingRule } from '../core/rules.js';
import type { DirectoryUser, PascomRecord, Reason } from '../core/types.js';
import { andFilter, equalityFilter } from '../directory/index.js';
import type { App } from '../main.js';

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

function toUser(entry: Entry): DirectoryUser | undefined {
  const attributes: Record<string, string[]> = {};
  let uuid: string | undefined;
  for (const [name, raw] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
    if (name.toLowerCase() === 'entryuuid') uuid = values[0]?.toLowerCase();
    else if (values.length > 0) attributes[name] = values;
  }
  return uuid === undefined ? undefined : { uuid, dn: entry.dn, attributes };
}

/** Attribute names as the mapping spells them (servers answer with the schema's spelling). */
function canonical(user: DirectoryUser, wanted: readonly string[]): DirectoryUser {
  const names = new Map(wanted.map((name) => [name.toLowerCase(), name]));
  const attributes = Object.fromEntries(
    Object.entries(user.attributes).map(([name, values]) => [names.get(name.toLowerCase()) ?? name, values]),
  );
  return { ...user, attributes };
}

export async function readPreviewUsers(
  app: App,
  rules: readonly MappingRule[],
  login: string,
): Promise<DirectoryUser[]> {
  const attributes = attributesForRules(rules);
  const filter =
    login === '' ? app.config.ucs.userFilter : andFilter(app.config.ucs.userFilter, equalityFilter('uid', login));
  const entries = await app.directory.withClient('search', async (client) => {
    const { searchEntries } = await client.search(app.config.ucs.baseDn, {
      scope: 'sub',
      filter,
      attributes: ['entryUUID', ...attributes],
      sizeLimit: PREVIEW_USERS,
    });
    return searchEntries;
  });
  return entries.flatMap((entry) => {
    const user = toUser(entry);
    return user === undefined ? [] : [canonical(user, attributes)];
  });
}

export async function previewMapping(app: App, rules: readonly MappingRule[], login: string): Promise<PreviewRow[]> {
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
