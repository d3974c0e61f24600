/**
 * Whether a user belongs to one group entry, as UCS resolves membership: the group's
 * `uniqueMember` (UDM writes a user member's DN there and, for a nested group, the group's DN),
 * followed through nested groups to `MAX_NESTING` levels with every group visited once, so a
 * cycle of groups ends. `memberUid` is not consulted: it holds a bare uid, which names nobody
 * once that account is gone. Every value in a filter is escaped (RFC 4515).
 */
import type { Client } from 'ldapts';
import { andFilter, equalityFilter, orFilter } from './ldap-filter.js';

/** Group levels followed below the group. UCS itself sets no limit; real nesting is shallow. */
export const MAX_NESTING = 8;
/** Group DNs per OR filter when walking up a level. */
const BATCH = 100;

export type Membership = 'member' | 'not-member' | 'no-such-group';

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

/** The groups anywhere below `base` that list any of `dns` as uniqueMember. */
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

/**
 * Walks up from `userDn` through the groups under `groupsBase` until `groupDn` lists one of them.
 * A missing `groupDn` surfaces as the server's noSuchObject error (the caller names it).
 */
export async function membershipIn(
  client: Client,
  groupDn: string,
  userDn: string,
  groupsBase: string,
): Promise<Exclude<Membership, 'no-such-group'>> {
  if (await listsAny(client, groupDn, [userDn])) return 'member';
  const seen = new Set([dnKey(userDn), dnKey(groupDn)]);
  let level = [userDn];
  for (let depth = 0; depth < MAX_NESTING && level.length > 0; depth++) {
    const parents = (await groupsHolding(client, groupsBase, level)).filter((dn) => {
      const key = dnKey(dn);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (parents.length > 0 && (await listsAny(client, groupDn, parents))) return 'member';
    level = parents;
  }
  return 'not-member';
}
