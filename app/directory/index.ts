export { UcsDirectory, ANY_USER_FILTER, type UcsDirectoryOptions } from './ucs-directory.js';
export { openLdap, tlsOptionsFor, type LdapConnectionOptions } from './ldap-connection.js';
export { pagedSearch, pagedSearchAll, type PagedSearchParams, type EntryHandler } from './paged-search.js';
export { LdapSession } from './ldap-session.js';
export { escapeFilterValue, equalityFilter, andFilter } from './ldap-filter.js';
export * from './directory-errors.js';
