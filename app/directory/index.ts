export { UcsDirectory, ANY_USER_FILTER, type UcsDirectoryOptions } from './ucs-directory.js';
export type { EntryReader, EntryValues } from './entry-reader.js';
export { openLdap, tlsOptionsFor, type LdapConnectionOptions } from '../ldap/ldap-connection.js';
export { pagedSearch, pagedSearchAll, type PagedSearchParams, type EntryHandler } from '../ldap/paged-search.js';
export { LdapSession } from '../ldap/ldap-session.js';
export { escapeFilterValue, equalityFilter, andFilter, orFilter } from './ldap-filter.js';
export { LdapError as DirectoryError, LdapBindError as DirectoryBindError } from '../ldap/errors.js';
