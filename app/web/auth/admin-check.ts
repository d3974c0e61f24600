/**
 * Who may use the page: members of `http.adminGroup` (default "Domain Admins"), checked over
 * LDAP as the computer account. Every value in a filter is escaped (RFC 4515).
 */
import type { Client } from 'ldapts';
import type { DirectoryUser } from '../../core/types.js';
import { andFilter, equalityFilter } from '../../directory/index.js';

export interface AdminDirectory {
  findByLogin(login: string): Promise<DirectoryUser[]>;
  verifyPassword(dn: string, password: string): Promise<void>;
  withClient<T>(operation: string, fn: (client: Client) => Promise<T>): Promise<T>;
}

/** UCS keeps groups under `cn=groups,<LDAP base>`: search from the domain's dc= suffix, even when ucs.baseDn is a sub-tree. */
export function domainBase(baseDn: string): string {
  const rdns = baseDn.split(/,(?=\s*dc=)/i);
  const dcStart = rdns.findIndex((rdn) => /^\s*dc=/i.test(rdn));
  return dcStart < 0 ? baseDn : rdns.slice(dcStart).join(',');
}

/** The DN of the UCS user with this login, when exactly one exists. */
export async function userDnOf(directory: AdminDirectory, login: string): Promise<string | undefined> {
  if (login === '') return undefined;
  const users = await directory.findByLogin(login);
  return users.length === 1 ? users[0]?.dn : undefined;
}

export async function isGroupMember(
  directory: AdminDirectory,
  baseDn: string,
  group: string,
  userDn: string,
): Promise<boolean> {
  const filter = andFilter(
    '(univentionObjectType=groups/group)',
    equalityFilter('cn', group),
    equalityFilter('uniqueMember', userDn),
  );
  return directory.withClient('search', async (client) => {
    const { searchEntries } = await client.search(domainBase(baseDn), {
      scope: 'sub',
      filter,
      attributes: ['cn'],
      sizeLimit: 1,
    });
    return searchEntries.length > 0;
  });
}
