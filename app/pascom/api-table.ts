/**
 * The one table of pascom REST paths and field names (design.md §4). The public docs do not
 * describe the write endpoints, so an admin can override any entry from the config's
 * `pascom.api` to match an instance's own REST documentation, without a code change.
 */
import type { FieldRoles } from '../core/rules.js';

/** Paths relative to `{url}/{instance}/services`; `{login}` is replaced by the URL-encoded login. */
export interface PascomApiPaths {
  readonly list: string;
  readonly get: string;
  readonly create: string;
  readonly update: string;
  readonly delete: string;
}

export interface PascomApiFields extends FieldRoles {
  /** Dotted path of the phonebook array; the record's phonebook fields go into its first entry. */
  readonly phonebook: string;
  /** Fields starting with this prefix belong to the phonebook entry. */
  readonly phonebookPrefix: string;
}

export interface PascomApiTable {
  readonly paths: PascomApiPaths;
  readonly fields: PascomApiFields;
}

/** The config's `pascom.api`: any subset of the table. */
export interface PascomApiOverrides {
  readonly paths?: Partial<PascomApiPaths> | undefined;
  readonly fields?: Partial<PascomApiFields> | undefined;
}

export const DEFAULT_API_TABLE: PascomApiTable = {
  paths: {
    list: '/identity/',
    get: '/identity/{login}',
    create: '/identity/',
    update: '/identity/{login}',
    delete: '/identity/{login}',
  },
  fields: {
    login: '003use_name',
    displayName: '003use_bez',
    extension: '009ext_extension',
    authMethod: '003use_auth_method',
    phonebook: 'post.phonebook',
    phonebookPrefix: '028pho_',
  },
};

const ITEM_PATHS = ['get', 'update', 'delete'] as const;

function withoutUndefined<T extends object>(partial: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(partial ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Merges overrides over the defaults; throws when the result cannot work. */
export function resolveApiTable(overrides: PascomApiOverrides = {}): PascomApiTable {
  const table: PascomApiTable = {
    paths: { ...DEFAULT_API_TABLE.paths, ...withoutUndefined(overrides.paths) },
    fields: { ...DEFAULT_API_TABLE.fields, ...withoutUndefined(overrides.fields) },
  };
  for (const [name, path] of Object.entries(table.paths)) {
    if (!path.startsWith('/')) throw new Error(`pascom.api.paths.${name} must start with "/": ${path}`);
  }
  for (const name of ITEM_PATHS) {
    if (!table.paths[name].includes('{login}'))
      throw new Error(`pascom.api.paths.${name} must contain {login}: ${table.paths[name]}`);
  }
  for (const [name, field] of Object.entries(table.fields)) {
    if (field.trim() === '') throw new Error(`pascom.api.fields.${name} must not be empty`);
  }
  if (table.fields.phonebook.split('.').some((part) => part === '')) {
    throw new Error(`pascom.api.fields.phonebook is not a dotted path: ${table.fields.phonebook}`);
  }
  return table;
}

/** Fills a path template: `{login}` becomes the URL-encoded login. */
export function fillPath(template: string, login?: string): string {
  return login === undefined ? template : template.replaceAll('{login}', encodeURIComponent(login));
}
