/**
 * Who may use the page: members of one UCS group, named by its DN (`http.adminGroupDn`, by
 * default `cn=<http.adminGroup>,cn=groups,<LDAP base>`), checked over LDAP as the computer
 * account. Only that entry counts: a group of the same name elsewhere in the tree (which a
 * delegated OU administrator may create) grants nothing.
 *
 * Membership is the group's `uniqueMember` (UDM writes a user member's DN there and, for a
 * nested group, the group's DN). `memberUid` is not consulted: it holds a bare uid, which names
 * nobody once that account is gone. Nested groups count as UCS resolves them: a user in a group
 * whose DN is a `uniqueMember` of the admin group, to any depth up to `MAX_NESTING`, with every
 * group visited once (a cycle of groups ends). Every value in a filter is escaped (RFC 4515).
 */
import type { Client } from 'ldapts';
import type { DirectoryUser } from '../../core/types.js';
import { andFilter, equalityFilter, orFilter } from '../../directory/index.js';

export interface AdminDirectory {
  findByLogin(login: string): Promise<DirectoryUser[]>;
  verifyPassword(dn: string, password: string): Promise<void>;
  withClient<T>(operation: string, fn: (client: Client) => Promise<T>): Promise<T>;
}

/** Group levels followed below the admin group. UCS itself sets no limit; real nesting is shallow. */
export const MAX_NESTING = 8;
/** Group DNs per OR filter when walking up a level. */
const BATCH = 100;
/** slapd's resultCode noSuchObject (RFC 4511): the configured group does not exist. */
const NO_SUCH_OBJECT = 32;

export type Membership = 'member' | 'not-member' | 'no-such-group';

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

/** A DN in one spelling for the visited set (the server compares DNs itself in every filter). */
function dnKey(dn: string): string {
  return dn.replace(/\s*([,=+])\s*/g, '$1').toLowerCase();
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function uniqueMemberOfAny(dns: readonly string[]): string {
  return orFilter(...dns.map((dn) => equalityFilter('uniqueMember', dn)));
}

/** Whether the one entry `groupDn` lists any of `dns` as uniqueMember (the server matches DNs). */
async function listsAny(client: Client, groupDn: string, dns: readonly string[]): Promise<boolean> {
  for (const batch of chunks(dns, BATCH)) {
    const { searchEntries } = await client.search(groupDn, {
      scope: 'base',
      filter: uniqueMemberOfAny(batch),
      attributes: ['1.1'],
    });
    if (searchEntries.length > 0) return true;
  }
  return false;
}

/** The groups anywhere below the domain that list any of `dns` as uniqueMember. */
async function groupsHolding(client: Client, base: string, dns: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const batch of chunks(dns, BATCH)) {
    const { searchEntries } = await client.search(base, {
      scope: 'sub',
      filter: andFilter('(objectClass=univentionGroup)', uniqueMemberOfAny(batch)),
      attributes: ['1.1'],
    });
    found.push(...searchEntries.map((entry) => entry.dn));
  }
  return found;
}

/** The directory's errors carry the LDAP result code (app/directory/directory-errors.ts). */
function isNoSuchObject(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === NO_SUCH_OBJECT;
}

export async function groupMembership(
  directory: AdminDirectory,
  baseDn: string,
  groupDn: string,
  userDn: string,
): Promise<Membership> {
  try {
    return await directory.withClient('search', async (client): Promise<Membership> => {
      if (await listsAny(client, groupDn, [userDn])) return 'member';
      const seen = new Set([dnKey(userDn), dnKey(groupDn)]);
      let level = [userDn];
      for (let depth = 0; depth < MAX_NESTING && level.length > 0; depth++) {
        const parents = (await groupsHolding(client, domainBase(baseDn), level)).filter((dn) => {
          const key = dnKey(dn);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        if (parents.length > 0 && (await listsAny(client, groupDn, parents))) return 'member';
        level = parents;
      }
      return 'not-member';
    });
  } catch (error) {
    if (isNoSuchObject(error)) return 'no-such-group';
    throw error;
  }
}
