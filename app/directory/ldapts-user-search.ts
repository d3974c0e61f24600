/**
 * Reads users with ldapts: the path for small queries (one user by anchor or login), and the
 * reference the fast paged reader (app/ldap/paged-search.ts) is checked against in the tests and the
 * benchmark.
 */
import type { Client, Entry } from 'ldapts';
import type { DirectoryUser } from '../core/types.js';

export interface UserSearch {
  readonly baseDn: string;
  /** RFC 4515 filter string, values already escaped. */
  readonly filter: string;
  /** Attributes to request, entryUUID first; the result uses these spellings. */
  readonly attributes: readonly string[];
  /** Entries per page; without it the search is one request (for a few entries). */
  readonly pageSize?: number | undefined;
  /** At most this many entries (the server stops there). */
  readonly sizeLimit?: number | undefined;
}

/** Users matching the search; entries without entryUUID are skipped (they cannot be anchored). */
export async function searchUsersWithLdapts(client: Client, search: UserSearch): Promise<DirectoryUser[]> {
  const canonicalName = new Map(search.attributes.map((name) => [name.toLowerCase(), name]));
  const { searchEntries } = await client.search(search.baseDn, {
    scope: 'sub',
    filter: search.filter,
    attributes: [...search.attributes],
    ...(search.pageSize === undefined ? {} : { paged: { pageSize: search.pageSize } }),
    ...(search.sizeLimit === undefined ? {} : { sizeLimit: search.sizeLimit }),
    timeLimit: 0,
  });
  return searchEntries.flatMap((entry) => {
    const user = toUser(entry, canonicalName);
    return user === undefined ? [] : [user];
  });
}

function toUser(entry: Entry, canonicalName: ReadonlyMap<string, string>): DirectoryUser | undefined {
  const attributes: Record<string, string[]> = {};
  let uuid: string | undefined;
  for (const [name, raw] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
    if (name.toLowerCase() === 'entryuuid') {
      uuid = values[0]?.toLowerCase();
      continue;
    }
    if (values.length > 0) attributes[canonicalName.get(name.toLowerCase()) ?? name] = values;
  }
  return uuid === undefined ? undefined : { uuid, dn: entry.dn, attributes };
}
