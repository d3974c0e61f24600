/**
 * The one table of pascom REST paths and field names. The public docs do not
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
  /** Connector-mode push of the whole managed set as CSV; `{profile}` is replaced. */
  readonly push: string;
  /** Optional `POST` after a batch of writes, for an instance whose writes take effect only then. */
  readonly apply?: string | undefined;
}

export interface PascomApiFields extends FieldRoles {
  /** Dotted path of the phonebook array; the record's phonebook fields go into its first entry. */
  readonly phonebook: string;
  /** Fields starting with this prefix belong to the phonebook entry. */
  readonly phonebookPrefix: string;
}

/**
 * How the identity list is read. pascom does not document paging of the identity list; its other
 * lists answer at most 100 entries unless asked for more, so a list of exactly `cap` entries may be
 * cut short and is not trusted as complete unless the list is read page by page.
 */
export interface PascomListReading {
  /** Query parameters of an instance that pages the list (from its own REST documentation). */
  readonly paging?:
    { readonly limitParam: string; readonly offsetParam: string; readonly pageSize: number } | undefined;
  /** A list this long (without paging) may be cut off; 0 turns the check off. */
  readonly cap: number;
}

export interface PascomApiTable {
  readonly paths: PascomApiPaths;
  readonly fields: PascomApiFields;
  readonly list: PascomListReading;
}

/** The config's `pascom.api`: any subset of the table. */
export interface PascomApiOverrides {
  readonly paths?: Partial<PascomApiPaths> | undefined;
  readonly fields?: Partial<PascomApiFields> | undefined;
  readonly paging?: PascomListReading['paging'];
  readonly listCap?: number | undefined;
}

/** pascom's documented default length of its other lists (call records). */
export const DEFAULT_LIST_CAP = 100;

export const DEFAULT_API_TABLE: PascomApiTable = {
  paths: {
    list: '/identity/',
    get: '/identity/{login}',
    create: '/identity/',
    update: '/identity/{login}',
    delete: '/identity/{login}',
    push: '/connector/{profile}/push',
  },
  fields: {
    login: '003use_name',
    displayName: '003use_bez',
    extension: '009ext_extension',
    authMethod: '003use_auth_method',
    phonebook: 'post.phonebook',
    phonebookPrefix: '028pho_',
  },
  list: { cap: DEFAULT_LIST_CAP },
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
    list: { paging: overrides.paging, cap: overrides.listCap ?? DEFAULT_LIST_CAP },
  };
  for (const [name, path] of Object.entries(table.paths)) {
    if (path !== undefined && !path.startsWith('/'))
      throw new Error(`pascom.api.paths.${name} must start with "/": ${path}`);
  }
  if (!table.paths.push.includes('{profile}'))
    throw new Error(`pascom.api.paths.push must contain {profile}: ${table.paths.push}`);
  const paging = table.list.paging;
  if (paging !== undefined && !(Number.isInteger(paging.pageSize) && paging.pageSize > 0))
    throw new Error(`pascom.api.paging.pageSize must be a positive integer, got ${paging.pageSize}`);
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

/** Fills the connector push path: `{profile}` becomes the URL-encoded profile name. */
export function fillProfile(template: string, profile: string): string {
  return template.replaceAll('{profile}', encodeURIComponent(profile));
}
