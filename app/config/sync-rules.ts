/** The validated config seen as the core's `SyncRules` (app/core/rules.ts). */
import { DEFAULT_ROLES } from '../core/default-mapping.js';
import { parsePhonePrefix, type PhonePrefix } from '../core/phone-number.js';
import type { ExtensionRule, FieldRoles, SyncRules } from '../core/rules.js';
import type { ConfigFile } from './schema.js';

/** The pascom fields that play a role, with `pascom.api.fields` overrides applied. */
export function rolesOf(fields: Partial<FieldRoles> | undefined): FieldRoles {
  return {
    login: fields?.login ?? DEFAULT_ROLES.login,
    displayName: fields?.displayName ?? DEFAULT_ROLES.displayName,
    extension: fields?.extension ?? DEFAULT_ROLES.extension,
    authMethod: fields?.authMethod ?? DEFAULT_ROLES.authMethod,
  };
}

type RulesInput = Pick<ConfigFile, 'mapping' | 'pascom' | 'extensions' | 'deletes' | 'auth' | 'ucs'>;

/** The validated `extensions` section as the core's rule; prefixes are parsed once here (the schema checked them). */
export function toExtensionRule(extensions: ConfigFile['extensions']): ExtensionRule {
  const prefixes: PhonePrefix[] = [];
  for (const text of extensions.phonePrefix ?? []) {
    const parsed = parsePhonePrefix(text);
    if (parsed.ok) prefixes.push(parsed.prefix);
  }
  return {
    digits: extensions.digits,
    prefixes,
    pool: extensions.pool === undefined ? undefined : { ...extensions.pool },
  };
}

export function toSyncRules(config: RulesInput): SyncRules {
  return {
    mapping: config.mapping,
    roles: rolesOf(config.pascom.api.fields),
    extensions: toExtensionRule(config.extensions),
    deletes: { mode: config.deletes.mode, maxPerRun: config.deletes.maxPerRun },
    authExtern: config.auth.ucs,
    disabledUsers: config.ucs.disabledUsers,
  };
}
