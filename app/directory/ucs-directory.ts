/**
 * Reads UCS users: bound as the computer account, paged so no server size
 * limit truncates a large directory, every filter value escaped. Bulk reads (all enabled users,
 * the poll source's scans) use the project's own streaming paged search (app/ldap/paged-search.ts);
 * single-user queries and password checks use ldapts.
 */
import type { Client } from 'ldapts';
import type { DirectoryReader } from '../core/ports.js';
import type { Anchor, DirectoryUser } from '../core/types.js';
import { LdapBindError, classifyLdapError } from '../ldap/errors.js';
import { openLdap, type LdapConnectionOptions } from '../ldap/ldap-connection.js';
import { pagedSearchAll, type EntryHandler } from '../ldap/paged-search.js';
import { membershipIn, type Membership } from './group-membership.js';
import { entryReaderOf, type EntryReader } from './entry-reader.js';
import { andFilter, equalityFilter, escapeFilterValue } from './ldap-filter.js';
import { searchUsersWithLdapts } from './ldapts-user-search.js';

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

const DEFAULT_PAGE_SIZE = 1000;
const ENTRY_UUID = 'entryUUID';
/** slapd's resultCode noSuchObject (RFC 4511): the search base does not exist. */
const NO_SUCH_OBJECT = 32;

export class UcsDirectory implements DirectoryReader {
  private readonly options: UcsDirectoryOptions;
  /** entryUUID first, then the mapping's attributes in the admin's spelling. */
  private readonly requested: string[];

  constructor(options: UcsDirectoryOptions) {
    this.options = { ...options, attributes: [...options.attributes] };
    this.requested = [ENTRY_UUID, ...options.attributes.filter((a) => a.toLowerCase() !== 'entryuuid')];
  }

  async readEnabledUsers(): Promise<DirectoryUser[]> {
    const users: DirectoryUser[] = [];
    await this.forEachEnabledUser((user) => users.push(user));
    return users;
  }

  forEachEnabledUser(onUser: (user: DirectoryUser) => void): Promise<void> {
    return this.scan(this.options.userFilter, this.requested, ({ dn, attributes, key }) => {
      // An entry without entryUUID cannot be anchored (a server without the operational
      // attribute): skip rather than invent a key.
      if (key !== undefined) onUser({ uuid: key.toLowerCase(), dn, attributes });
    });
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
    if (password === '') throw new LdapBindError('an empty password is never accepted');
    const client = await openLdap(this.options, dn, password);
    await client.unbind().catch(() => undefined); // verified; the connection has served its purpose
  }

  /** Every UDM user changed at or after `since` (GeneralizedTime), enabled or not: the poll source. */
  async changedSince(
    since: string | undefined,
  ): Promise<Array<{ uuid: Anchor; dn: string; modifyTimestamp: string | undefined }>> {
    const filter =
      since === undefined
        ? ANY_USER_FILTER
        : andFilter(ANY_USER_FILTER, `(modifyTimestamp>=${escapeFilterValue(since)})`);
    const changed: Array<{ uuid: Anchor; dn: string; modifyTimestamp: string | undefined }> = [];
    await this.scan(filter, [ENTRY_UUID, 'modifyTimestamp'], ({ dn, attributes, key }) => {
      if (key !== undefined)
        changed.push({ uuid: key.toLowerCase(), dn, modifyTimestamp: attributes['modifyTimestamp']?.[0] });
    });
    return changed;
  }

  /** entryUUIDs of all users matching the user filter (the poll source's deletion check). */
  async enabledUuids(): Promise<Set<Anchor>> {
    const uuids = new Set<Anchor>();
    await this.scan(this.options.userFilter, [ENTRY_UUID], ({ key }) => {
      if (key !== undefined) uuids.add(key.toLowerCase());
    });
    return uuids;
  }

  /**
   * Up to `limit` users matching the user filter (or the one with this login, when given), with
   * `attributes` spelled as asked: the mapping preview, which may ask for attributes the mapping
   * does not use yet.
   */
  async sampleEnabledUsers(attributes: readonly string[], login: string, limit: number): Promise<DirectoryUser[]> {
    const filter =
      login === '' ? this.options.userFilter : andFilter(this.options.userFilter, equalityFilter('uid', login));
    const wanted = [ENTRY_UUID, ...attributes.filter((a) => a.toLowerCase() !== 'entryuuid')];
    return this.withClient('search', (client) =>
      searchUsersWithLdapts(client, { baseDn: this.options.baseDn, filter, attributes: wanted, sizeLimit: limit }),
    );
  }

  /** Whether `userDn` is in the group entry `groupDn`, nested groups under `groupsBase` included. */
  async groupMembership(groupDn: string, userDn: string, groupsBase: string): Promise<Membership> {
    try {
      return await this.withClient('search', (client) => membershipIn(client, groupDn, userDn, groupsBase));
    } catch (error) {
      if ((error as { code?: unknown } | undefined)?.code === NO_SUCH_OBJECT) return 'no-such-group';
      throw error;
    }
  }

  /**
   * The base entry's entryUUID: it identifies the directory database, so a database recreated
   * under the same name is recognised. Undefined when the server does not return it.
   */
  async baseEntryUuid(): Promise<string | undefined> {
    const [entry] = await this.readEntries('search', (reader) => reader.readAt([this.options.baseDn], [ENTRY_UUID]));
    return entry?.['entryuuid']?.[0];
  }

  /** entryUUIDs of the UDM users (enabled or not) now at these DNs, keyed by the DN as given; others are left out. */
  async usersAt(dns: readonly string[]): Promise<Map<string, Anchor>> {
    const found = await this.readEntries('translog', (reader) => reader.readAt(dns, [ENTRY_UUID], ANY_USER_FILTER));
    const users = new Map<string, Anchor>();
    dns.forEach((dn, i) => {
      const uuid = found[i]?.['entryuuid']?.[0];
      if (uuid !== undefined) users.set(dn, uuid.toLowerCase());
    });
    return users;
  }

  /** Runs `fn` with read-only lookups by DN on one bound connection; errors become LdapErrors. */
  readEntries<T>(operation: string, fn: (reader: EntryReader) => Promise<T>): Promise<T> {
    return this.withClient(operation, (client) => fn(entryReaderOf(client)));
  }

  /** Runs `fn` with a bound ldapts client; errors become LdapErrors. Private: callers get narrow reads. */
  private async withClient<T>(operation: string, fn: (client: Client) => Promise<T>): Promise<T> {
    const client = await openLdap(this.options, this.options.bindDn, this.options.password);
    try {
      return await fn(client);
    } catch (error) {
      throw classifyLdapError(error, { url: this.options.url, operation, bindDn: this.options.bindDn });
    } finally {
      await client.unbind().catch(() => undefined); // the socket is going away either way
    }
  }

  /** A streaming paged search on a connection of its own; `key` is the entry's entryUUID. */
  private scan(filter: string, attributes: readonly string[], onEntry: EntryHandler): Promise<void> {
    const pageSize = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    return pagedSearchAll(
      this.options,
      { baseDn: this.options.baseDn, filter, attributes, pageSize, keyAttribute: ENTRY_UUID },
      onEntry,
    );
  }

  private async search(filter: string): Promise<DirectoryUser[]> {
    const pageSize = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    return this.withClient('search', (client) =>
      searchUsersWithLdapts(client, { baseDn: this.options.baseDn, filter, attributes: this.requested, pageSize }),
    );
  }
}
