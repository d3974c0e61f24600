/**
 * Who may use the page: members of one UCS group, named by its DN (`http.adminGroupDn`, by
 * default `cn=<http.adminGroup>,cn=groups,<LDAP base>`), checked over LDAP as the computer
 * account. Only that entry counts: a group of the same name elsewhere in the tree (which a
 * delegated OU administrator may create) grants nothing.
 *
 * Membership is the group's `uniqueMember` (UDM writes a user member's DN there and, for a
 * nested group, the group's DN); nested groups count as UCS resolves them
 * (app/directory/group-membership.ts).
 */
import type { DirectoryUser } from '../../core/types.js';
import type { Membership } from '../../directory/group-membership.js';

/** What sign-in needs of the directory: find a user, check a password, resolve a group. */
export interface AdminDirectory {
  findByLogin(login: string): Promise<DirectoryUser[]>;
  verifyPassword(dn: string, password: string): Promise<void>;
  groupMembership(groupDn: string, userDn: string, groupsBase: string): Promise<Membership>;
}

export type { Membership } from '../../directory/group-membership.js';

/** UCS keeps groups under `cn=groups,<LDAP base>`: the domain's dc= suffix, even when ucs.baseDn is a sub-tree. */
export function domainBase(baseDn: string): string {
  const rdns = baseDn.split(/,(?=\s*dc=)/i);
  const dcStart = rdns.findIndex((rdn) => /^\s*dc=/i.test(rdn));
  return dcStart < 0 ? baseDn : rdns.slice(dcStart).join(',');
}

/** An attribute value as an RDN value (RFC 4514 §2.4). */
export function escapeRdnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (char) => `\\${char}`)
    .replace(/^[ #]/, (char) => `\\${char}`)
    .replace(/ $/, '\\ ')
    .replaceAll('\u0000', '\\00');
}

/** The admin group's DN: `http.adminGroupDn` when set, else the UCS default place of `http.adminGroup`. */
export function adminGroupDn(
  http: { readonly adminGroup: string; readonly adminGroupDn?: string | undefined },
  baseDn: string,
): string {
  return http.adminGroupDn ?? `cn=${escapeRdnValue(http.adminGroup)},cn=groups,${domainBase(baseDn)}`;
}

/** The DN of the UCS user with this login, when exactly one exists. */
export async function userDnOf(directory: AdminDirectory, login: string): Promise<string | undefined> {
  if (login === '') return undefined;
  const users = await directory.findByLogin(login);
  return users.length === 1 ? users[0]?.dn : undefined;
}

/** Whether `userDn` may use the page: a member of the admin group entry, nested groups included. */
export function adminMembership(
  directory: AdminDirectory,
  baseDn: string,
  groupDn: string,
  userDn: string,
): Promise<Membership> {
  return directory.groupMembership(groupDn, userDn, domainBase(baseDn));
}
