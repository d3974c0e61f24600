/**
 * Reads UCS users with ldapts (design.md §3.1): bound as the computer account, paged so no
 * server size limit truncates a large directory, every filter value escaped.
 */
import type { Client, Entry } from 'ldapts';
import type { DirectoryReader } from '../core/ports.js';
import type { Anchor, DirectoryUser } from '../core/types.js';
import { classifyLdapError, DirectoryBindError } from './directory-errors.js';
import { openLdap, type LdapConnectionOptions } from './ldap-connection.js';
import { andFilter, equalityFilter, escapeFilterValue } from './ldap-filter.js';

export interface UcsDirectoryOptions extends LdapConnectionOptions {
  readonly baseDn: string;
  readonly bindDn: string;
  readonly password: string;
  /** `ucs.userFilter`: which users are enabled for pascom. */
  readonly userFilter: string;
  /** Attributes to read besides entryUUID (from the mapping: `attributesForRules`). */
  readonly attributes: readonly string[];
  /** Entries per page (default 1000). */
  readonly pageSize?: number | undefined;
}

/** Every UDM user, enabled for pascom or not: the auth test must tell "not enabled" from "not found". */
export const ANY_USER_FILTER = '(univentionObjectType=users/user)';

export class UcsDirectory implements DirectoryReader {
  private readonly options: UcsDirectoryOptions;
  private readonly requested: string[];
  private readonly canonicalName: Map<string, string>;

  constructor(options: UcsDirectoryOptions) {
    this.options = { ...options, attributes: [...options.attributes] };
    this.requested = ['entryUUID', ...options.attributes.filter((a) => a.toLowerCase() !== 'entryuuid')];
    // Servers answer with the schema's spelling; the mapping uses the admin's. Map back.
    this.canonicalName = new Map(this.requested.map((name) => [name.toLowerCase(), name]));
  }

  async readEnabledUsers(): Promise<DirectoryUser[]> {
    return this.search(this.options.userFilter);
  }

  async readUser(uuid: Anchor): Promise<DirectoryUser | undefined> {
    const users = await this.search(andFilter(this.options.userFilter, equalityFilter('entryUUID', uuid)));
    return users[0];
  }

  /** The UDM user with this login (`uid`, case-insensitive as in LDAP), whether enabled or not. */
  async findByLogin(login: string): Promise<DirectoryUser[]> {
    return this.search(andFilter(ANY_USER_FILTER, equalityFilter('uid', login)));
  }

  /** Whether a given user matches `ucs.userFilter` (enabled for pascom). */
  async matchesUserFilter(uuid: Anchor): Promise<boolean> {
    return (await this.readUser(uuid)) !== undefined;
  }

  /**
   * Binds as `dn` with `password` on a fresh connection: the check pascom's "Authentication:
   * YES" performs. An empty password is refused here, because LDAP treats a simple bind with
   * an empty password as an anonymous bind that *succeeds* (RFC 4513 §5.1.2).
   */
  async verifyPassword(dn: string, password: string): Promise<void> {
    if (password === '') throw new DirectoryBindError('an empty password is never accepted', 49);
    const client = await openLdap(this.options, dn, password);
    await client.unbind().catch(() => undefined); // verified; the connection has served its purpose
  }

  /** Every UDM user changed at or after `since` (GeneralizedTime), enabled or not: the poll source. */
  async changedSince(since: string | undefined): Promise<Array<{ uuid: Anchor; dn: string; modifyTimestamp: string | undefined }>> {
    const filter = since === undefined ? ANY_USER_FILTER : andFilter(ANY_USER_FILTER, `(modifyTimestamp>=${escapeFilterValue(since)})`);
    return this.withClient('search', async (client) => {
      const { searchEntries } = await client.search(this.options.baseDn, {
        scope: 'sub',
        filter,
        attributes: ['entryUUID', 'modifyTimestamp'],
        paged: { pageSize: this.options.pageSize ?? 1000 },
        timeLimit: 0,
      });
      return searchEntries.flatMap((entry) => {
        const uuid = firstString(entry['entryUUID'])?.toLowerCase();
        return uuid === undefined ? [] : [{ uuid, dn: entry.dn, modifyTimestamp: firstString(entry['modifyTimestamp']) }];
      });
    });
  }

  /** entryUUIDs of all users matching the user filter (the poll source's deletion check). */
  async enabledUuids(): Promise<Set<Anchor>> {
    return this.withClient('search', async (client) => {
      const { searchEntries } = await client.search(this.options.baseDn, {
        scope: 'sub',
        filter: this.options.userFilter,
        attributes: ['entryUUID'],
        paged: { pageSize: this.options.pageSize ?? 1000 },
        timeLimit: 0,
      });
      return new Set(searchEntries.flatMap((entry) => firstString(entry['entryUUID'])?.toLowerCase() ?? []));
    });
  }

  /** Runs `fn` with a bound client; errors become DirectoryErrors. */
  async withClient<T>(operation: string, fn: (client: Client) => Promise<T>): Promise<T> {
    const client = await openLdap(this.options, this.options.bindDn, this.options.password);
    try {
      return await fn(client);
    } catch (error) {
      throw classifyLdapError(error, { url: this.options.url, operation, bindDn: this.options.bindDn });
    } finally {
      await client.unbind().catch(() => undefined); // the socket is going away either way
    }
  }

  private async search(filter: string): Promise<DirectoryUser[]> {
    return this.withClient('search', async (client) => {
      const { searchEntries } = await client.search(this.options.baseDn, {
        scope: 'sub',
        filter,
        attributes: this.requested,
        paged: { pageSize: this.options.pageSize ?? 1000 },
        timeLimit: 0,
      });
      return searchEntries.flatMap((entry) => {
        const user = this.toUser(entry);
        return user === undefined ? [] : [user];
      });
    });
  }

  private toUser(entry: Entry): DirectoryUser | undefined {
    const attributes: Record<string, string[]> = {};
    let uuid: string | undefined;
    for (const [name, raw] of Object.entries(entry)) {
      if (name === 'dn') continue;
      const values = (Array.isArray(raw) ? raw : [raw]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
      if (name.toLowerCase() === 'entryuuid') {
        uuid = values[0]?.toLowerCase();
        continue;
      }
      if (values.length > 0) attributes[this.canonicalName.get(name.toLowerCase()) ?? name] = values;
    }
    // An entry without entryUUID cannot be anchored (it would be a server without the
    // operational attribute): skip rather than invent a key.
    return uuid === undefined ? undefined : { uuid, dn: entry.dn, attributes };
  }
}

function firstString(value: Entry[string] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}
